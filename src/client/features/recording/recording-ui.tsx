/**
 * What people see of local recording: the ⋯ menu's item to start and stop it, and the mark shown to everyone
 * in the meeting while anyone records (who, by name), with what went wrong for the one recording.
 */
import { t } from "../../i18n/i18n.js";
import { Svg } from "../../ui/icons.js";
import { RecordingScope } from "./recording-controller.js";
import "./recording.css";

function RecordIcon({ on }: { on: boolean }) {
  return (
    <Svg size={20}>
      <circle cx="12" cy="12" r="9" />
      {on ? (
        <rect x="9" y="9" width="6" height="6" fill="currentColor" />
      ) : (
        <circle cx="12" cy="12" r="4" fill="currentColor" />
      )}
    </Svg>
  );
}

/** For the ⋯ menu; `onPicked` closes the menu. Shown disabled, with why, when the meeting forbids it. */
export function RecordingMenuItem({ onPicked }: { onPicked: () => void }) {
  const rec = RecordingScope.use();
  const on = rec.active.value;
  const usable = on || (rec.supported && rec.allowed());
  const hint = on
    ? t("recording.stopHint")
    : !rec.supported
      ? t("recording.unsupported")
      : rec.allowed()
        ? t("recording.startHint")
        : t("recording.notAllowed");
  return (
    <button
      type="button"
      class="more-item more-radio"
      data-testid="recording-toggle"
      data-recording={on ? "on" : "off"}
      aria-disabled={usable ? undefined : "true"}
      aria-describedby="recording-toggle-hint"
      disabled={rec.busy.value}
      onClick={() => {
        if (!usable) return;
        onPicked();
        void (on ? rec.stop() : rec.start());
      }}
    >
      <RecordIcon on={on} />
      <span class="more-radio-text">
        <span>{t(on ? "recording.stop" : "recording.start")}</span>
        <span id="recording-toggle-hint" class="more-hint">
          {hint}
        </span>
      </span>
    </button>
  );
}

/** Everyone's mark that the meeting is being recorded, and by whom; the recorder's own problems under it. */
export function RecordingIndicator() {
  const rec = RecordingScope.use();
  const names = rec.recorders.value;
  const problem = rec.problem.value;
  if (names.length === 0 && !problem) return null;
  return (
    <div class="recording-indicator-area">
      {names.length > 0 && (
        <p class="recording-indicator" role="status" data-testid="recording-indicator">
          <span class="recording-dot" aria-hidden="true" />
          {t("recording.by", { names: names.join(", ") })}
        </p>
      )}
      {problem && (
        <p class="recording-problem" role="alert" data-testid="recording-problem">
          {t(problem)}
          <button
            type="button"
            class="secondary compact"
            onClick={() => {
              rec.problem.value = null;
            }}
          >
            {t("recording.dismiss")}
          </button>
        </p>
      )}
    </div>
  );
}
