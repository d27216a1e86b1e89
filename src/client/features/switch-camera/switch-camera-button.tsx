/**
 * "Switch camera": moves to the next camera (front ↔ back on a phone, see next-camera.ts) through the same
 * path as choosing one in the settings (DeviceSettings.choose: the device reopened, the sender given the new
 * track, the microphone and the mute state untouched). Only there when the device has two cameras or more.
 */
import { useEffect } from "preact/hooks";
import { t } from "../../i18n/i18n.js";
import { Svg } from "../../ui/icons.js";
import type { DeviceSettings } from "../settings/device-settings.js";
import { nextCamera } from "./next-camera.js";

interface Props {
  settings: DeviceSettings;
  testId: string;
  /** False while no device is open yet (the pre-join screen opening them): the list is not known. */
  ready?: boolean;
}

/** Moves `settings` to the next camera; resolves once the switch is done (or there was nowhere to go). */
export async function switchCamera(settings: DeviceSettings): Promise<void> {
  const next = nextCamera(settings.cameras.peek(), settings.current("video"), settings.currentFacing());
  if (next) await settings.choose("video", next);
}

export function SwitchCameraButton({ settings, testId, ready = true }: Props) {
  // The meeting's settings list the devices only when asked: the toolbar asks as it appears.
  useEffect(() => {
    if (ready) void settings.refresh();
  }, [ready]);
  if (!ready || settings.cameras.value.length < 2) return null;
  const busy = settings.busy.value === "video";
  return (
    <button
      type="button"
      class="round-button switch-camera"
      data-testid={testId}
      aria-label={t("device.switchCamera")}
      title={t("device.switchCameraHint")}
      aria-busy={busy ? "true" : undefined}
      onClick={() => {
        if (!busy) void switchCamera(settings);
      }}
    >
      <SwitchCameraIcon />
    </button>
  );
}

function SwitchCameraIcon() {
  return (
    <Svg>
      <path d="M4 8h3l2-3h6l2 3h3v11H4z" />
      <path d="M9.5 12.5a3 3 0 0 1 5-1.5l.5.5M14.5 14.5a3 3 0 0 1-5 1.5l-.5-.5" />
      <path d="M15 9.5v2h-2M9 17.5v-2h2" />
    </Svg>
  );
}
