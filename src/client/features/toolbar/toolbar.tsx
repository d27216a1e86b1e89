/** The meeting controls: microphone, camera, hang up. */
import { useSignal } from "@preact/signals";
import type { MediaKind } from "../../engine/local-media.js";
import { t } from "../../i18n/i18n.js";
import type { Room } from "../../state/room.js";
import { DeviceToggle } from "../../ui/device-toggle.js";
import { HangUpIcon } from "../../ui/icons.js";
import { useTouchLabels } from "../../ui/touch-label.js";
import { ChatButton } from "../chat/chat-button.js";
import { HandButton } from "../hands/hand-button.js";
import { LayoutToggle } from "../layout/layout-toggle.js";
import { MoreMenu } from "../more-menu/more-menu.js";
import { ParticipantsButton } from "../participants/participants-button.js";
import { ReactionsButton } from "../reactions/reactions-button.js";
import { ScreenShareButton } from "../screen-share/screen-share-button.js";
import { DeviceSettingsScope } from "../settings/device-settings.js";
import { SwitchCameraButton } from "../switch-camera/switch-camera-button.js";
import "./toolbar.css";

export function Toolbar({ room }: { room: Room }) {
  const me = room.state.local.value;
  const busy = useSignal<MediaKind | null>(null);
  const devices = DeviceSettingsScope.use();
  // Icons only: a finger has no hover to show their names, a long press does.
  const labels = useTouchLabels();

  const toggle = async (kind: MediaKind, on: boolean) => {
    if (busy.value) return; // a device being opened: a second click would race it
    busy.value = kind;
    try {
      await room.setDevice(kind, on);
    } finally {
      busy.value = null;
    }
  };

  return (
    <fieldset class="toolbar" {...labels.handlers}>
      <legend class="visually-hidden">{t("toolbar.label")}</legend>
      {labels.view}
      <DeviceToggle
        kind="audio"
        on={me?.audio ?? false}
        busy={busy.value === "audio"}
        testId="toggle-mic"
        onToggle={(on) => toggle("audio", on)}
      />
      <DeviceToggle
        kind="video"
        on={me?.video ?? false}
        busy={busy.value === "video"}
        testId="toggle-camera"
        onToggle={(on) => toggle("video", on)}
      />
      <SwitchCameraButton settings={devices} testId="switch-camera" />
      <ScreenShareButton />
      <button
        type="button"
        class="round-button hangup"
        data-testid="hangup"
        aria-label={t("control.hangup")}
        title={t("control.hangup")}
        onClick={() => room.leave()}
      >
        <HangUpIcon />
      </button>
      <ChatButton />
      <ParticipantsButton room={room} />
      <HandButton />
      <ReactionsButton />
      <LayoutToggle />
      <MoreMenu room={room} />
    </fieldset>
  );
}
