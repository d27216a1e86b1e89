/**
 * The toolbar's screen share toggle (between the camera and hang up, as in the seed's tutorial), and the
 * message shown when a share could not start. Hidden where the browser cannot share a screen (phones).
 */
import { useEffect } from "preact/hooks";
import { t } from "../../i18n/i18n.js";
import { ScreenShareIcon, StopShareIcon } from "../../ui/icons.js";
import { canShareScreen, ScreenShareScope } from "./screen-share-controller.js";
import "./screen-share.css";

export function ScreenShareButton() {
  const share = ScreenShareScope.use();
  if (!canShareScreen()) return null;
  const on = share.stream.value !== null;
  const busy = share.busy.value;
  return (
    <button
      type="button"
      class={`round-button screen-toggle ${on ? "is-sharing" : ""}`}
      data-testid="toggle-screen"
      aria-pressed={on ? "true" : "false"}
      aria-label={t("screen.share")}
      title={t(on ? "screen.stopHint" : "screen.startHint")}
      aria-busy={busy ? "true" : undefined}
      onClick={() => void (on ? share.stop(true) : share.start())}
    >
      {on ? <StopShareIcon /> : <ScreenShareIcon />}
    </button>
  );
}

/** Long enough to be read; the next try clears it anyway. */
const FADE_MS = 12_000;

/** Why the last share did not start (the room's limit, a failure), for a while or until dismissed. */
export function ShareError() {
  const share = ScreenShareScope.use();
  const problem = share.problem.value;
  useEffect(() => {
    if (!problem) return;
    const timer = setTimeout(() => {
      share.problem.value = null;
    }, FADE_MS);
    return () => clearTimeout(timer);
  }, [problem, share]);
  if (!problem) return null;
  return (
    <div class="share-error" data-testid="share-error" role="alert">
      <p>{t(problem === "limit" ? "screen.limit" : "screen.failed")}</p>
      <button
        type="button"
        class="toast-close"
        aria-label={t("screen.dismiss")}
        title={t("screen.dismiss")}
        onClick={() => {
          share.problem.value = null;
        }}
      >
        <span aria-hidden="true">×</span>
      </button>
    </div>
  );
}
