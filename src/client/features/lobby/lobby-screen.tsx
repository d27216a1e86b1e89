/**
 * Waiting in the lobby: the camera preview and name (what the organiser will see), the devices' toggles, and
 * Cancel. When a moderator admits us the Room enters the meeting and this screen gives way by itself.
 */
import { useSignal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import type { MediaKind } from "../../engine/local-media.js";
import { t } from "../../i18n/i18n.js";
import type { Room } from "../../state/room.js";
import { Avatar } from "../../ui/avatar.js";
import { DeviceToggle } from "../../ui/device-toggle.js";
import { VideoView } from "../../ui/media-elements.js";
import { mirrorClass } from "../../ui/mirror.js";
import "../prejoin/prejoin.css";
import "./lobby.css";

export function LobbyScreen({ room }: { room: Room }) {
  const me = room.state.local.value;
  const reconnecting = room.state.reconnecting.value;
  const busy = useSignal<MediaKind | null>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  // Keyboard focus lands on the one action of this screen, not on a button of the vanished pre-join form.
  useEffect(() => cancel.current?.focus(), []);

  const toggle = async (kind: MediaKind, on: boolean) => {
    if (busy.value) return;
    busy.value = kind;
    try {
      await room.setDevice(kind, on);
    } finally {
      busy.value = null;
    }
  };

  const name = me?.name ?? "";
  const cameraOn = me?.video ?? false;
  return (
    <main class="screen" data-testid="lobby-screen">
      <div class="card centered lobby-card">
        <p class="brand">{t("app.name")}</p>
        <h1>{t("lobby.waitingTitle")}</h1>
        <div class="preview lobby-preview">
          <VideoView
            data-testid="preview"
            class={`${mirrorClass(me?.videoTrack)} ${cameraOn ? "" : "is-hidden"}`}
            source={me?.videoTrack}
            aria-label={t("prejoin.preview")}
          />
          {!cameraOn && (
            <div class="preview-off">
              <Avatar name={name || "?"} seed={name} />
            </div>
          )}
          <div class="preview-controls">
            <DeviceToggle
              kind="audio"
              on={me?.audio ?? false}
              busy={busy.value === "audio"}
              testId="lobby-mic"
              onToggle={(on) => toggle("audio", on)}
            />
            <DeviceToggle
              kind="video"
              on={cameraOn}
              busy={busy.value === "video"}
              testId="lobby-camera"
              onToggle={(on) => toggle("video", on)}
            />
          </div>
        </div>
        <p class="lobby-name" data-testid="lobby-name">
          {name}
        </p>
        <div class="lobby-status" role="status">
          <div class="spinner small-spinner" aria-hidden="true" />
          <p>{t(reconnecting ? "lobby.reconnecting" : "lobby.waitingHint")}</p>
        </div>
        <button
          ref={cancel}
          type="button"
          class="secondary"
          data-testid="lobby-cancel"
          onClick={() => room.cancelLobby()}
        >
          {t("lobby.cancel")}
        </button>
      </div>
    </main>
  );
}
