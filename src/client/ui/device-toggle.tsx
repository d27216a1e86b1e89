/**
 * The microphone / camera toggle, shared by the pre-join screen and the toolbar. Its accessible name is the
 * device and aria-pressed its state (how a screen reader expects a toggle); the tooltip says the action.
 */
import { t } from "../i18n/i18n.js";
import { CameraIcon, CameraOffIcon, MicIcon, MicOffIcon } from "./icons.js";

interface Props {
  kind: "audio" | "video";
  on: boolean;
  onToggle: (on: boolean) => void;
  testId: string;
  busy?: boolean;
}

export function DeviceToggle({ kind, on, onToggle, testId, busy = false }: Props) {
  const audio = kind === "audio";
  const action = audio
    ? t(on ? "control.micMute" : "control.micUnmute")
    : t(on ? "control.cameraOff" : "control.cameraOn");
  return (
    <button
      type="button"
      class={`round-button ${on ? "is-on" : "is-off"}`}
      data-testid={testId}
      aria-pressed={on ? "true" : "false"}
      aria-label={t(audio ? "control.mic" : "control.camera")}
      title={action}
      aria-busy={busy ? "true" : undefined}
      onClick={() => onToggle(!on)}
    >
      {audio ? on ? <MicIcon /> : <MicOffIcon /> : on ? <CameraIcon /> : <CameraOffIcon />}
    </button>
  );
}
