/**
 * Settings, from the ⋯ menu: microphone, speaker and camera, switched live without leaving the meeting, and
 * the microphone's processing (echo cancellation, noise suppression, automatic gain), on by default.
 */
import { useEffect } from "preact/hooks";
import { type MessageKey, t } from "../../i18n/i18n.js";
import type { Room } from "../../state/room.js";
import { audioOutputId, canChooseOutput } from "../../ui/audio-output.js";
import { Dialog } from "../../ui/dialog.js";
import { DeviceSelect } from "./device-select.js";
import { DeviceSettingsScope, type Processing } from "./device-settings.js";
import { HeadsetHint } from "./headset-hint.js";
import { MicMeter } from "./mic-meter.js";
import { NoiseToggle } from "./noise-toggle.js";
import "./settings.css";

interface Props {
  room: Room;
  onClose: () => void;
  returnFocus?: () => HTMLElement | null;
}

const PROCESSING: readonly { key: Processing; testId: string; label: MessageKey; hint: MessageKey }[] = [
  {
    key: "echoCancellation",
    testId: "echo-cancellation",
    label: "settings.echoCancellation",
    hint: "settings.echoCancellationHint",
  },
  {
    key: "noiseSuppression",
    testId: "noise-suppression",
    label: "settings.noiseSuppression",
    hint: "settings.noiseSuppressionHint",
  },
  { key: "autoGainControl", testId: "auto-gain", label: "settings.autoGain", hint: "settings.autoGainHint" },
];

export function SettingsDialog({ room, onClose, returnFocus }: Props) {
  const settings = DeviceSettingsScope.use();
  useEffect(() => {
    void settings.refresh();
  }, [settings]);

  const local = room.state.local.value;
  const mic = local?.media.track("audio") ?? null;
  const busy = settings.busy.value;
  const problem = settings.problem.value;
  const speakers = settings.speakers.value;
  const hasDefaultSpeaker = speakers.some((d) => d.deviceId === "default");
  const speaker = audioOutputId.value || (hasDefaultSpeaker ? "default" : "");
  const outputChoosable = canChooseOutput() && speakers.length > 0;

  return (
    <Dialog
      title={t("settings.title")}
      testId="settings-dialog"
      class="settings-dialog"
      onClose={onClose}
      returnFocus={returnFocus}
    >
      <section class="settings-section" aria-labelledby="settings-audio">
        <h3 id="settings-audio">{t("settings.audio")}</h3>
        <DeviceSelect
          id="settings-microphone"
          testId="select-microphone"
          label={t("settings.microphone")}
          options={settings.microphones.value}
          value={settings.current("audio")}
          unnamed="settings.unnamedMicrophone"
          busy={busy === "audio"}
          onChange={(id) => void settings.choose("audio", id)}
        />
        <MicMeter track={mic} testId="settings-mic-meter" />
        {local && !local.audio && <p class="hint">{t("settings.micIsOff")}</p>}

        <label for="settings-speaker">{t("settings.speaker")}</label>
        <select
          id="settings-speaker"
          data-testid="select-speaker"
          value={speaker}
          disabled={!outputChoosable}
          aria-describedby={outputChoosable ? undefined : "settings-speaker-note"}
          onChange={(ev) => {
            const id = (ev.currentTarget as HTMLSelectElement).value;
            settings.chooseSpeaker(id === "default" ? "" : id);
          }}
        >
          {speakers.length === 0 && <option value="">{t("settings.systemDefault")}</option>}
          {speakers.map((d, i) => (
            <option key={d.deviceId} value={d.deviceId}>
              {d.label || t("settings.unnamedSpeaker", { n: i + 1 })}
            </option>
          ))}
        </select>
        {!outputChoosable && (
          <p id="settings-speaker-note" class="hint">
            {t("settings.speakerUnsupported")}
          </p>
        )}
        <HeadsetHint microphone={local?.media.device("audio")?.label ?? ""} />

        <fieldset class="settings-processing" disabled={busy === "audio"}>
          <legend>{t("settings.processing")}</legend>
          {PROCESSING.map(({ key, testId, label, hint }) => (
            <div key={key} class="settings-check">
              <input
                type="checkbox"
                id={`settings-${testId}`}
                data-testid={testId}
                checked={settings.processing.value[key]}
                aria-describedby={`settings-${testId}-hint`}
                onChange={(ev) =>
                  void settings.setProcessing(key, (ev.currentTarget as HTMLInputElement).checked)
                }
              />
              <label for={`settings-${testId}`}>{t(label)}</label>
              <p id={`settings-${testId}-hint`} class="hint">
                {t(hint)}
              </p>
            </div>
          ))}
          <NoiseToggle settings={settings} id="settings-noise-model" />
        </fieldset>
      </section>

      <section class="settings-section" aria-labelledby="settings-video">
        <h3 id="settings-video">{t("settings.video")}</h3>
        <DeviceSelect
          id="settings-camera"
          testId="select-camera"
          label={t("settings.camera")}
          options={settings.cameras.value}
          value={settings.current("video")}
          unnamed="settings.unnamedCamera"
          busy={busy === "video"}
          onChange={(id) => void settings.choose("video", id)}
        />
      </section>

      <p class="settings-status" role="status" aria-live="polite">
        {busy ? t(busy === "audio" ? "settings.switchingMic" : "settings.switchingCamera") : ""}
      </p>
      {problem && (
        <p class="field-error" role="alert" data-testid="settings-problem">
          {t(problem)}
        </p>
      )}
    </Dialog>
  );
}
