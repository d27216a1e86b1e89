/**
 * The pre-join screen: name, camera preview, microphone and camera toggles, and the choice of microphone,
 * camera and speakers. It opens the devices and hands them to the Room on join; if the screen goes away
 * without joining, it closes them again. The name is kept in memory only; the devices chosen are remembered
 * in this browser (their ids only, see engine/local-media).
 *
 * On a wide screen the name and the Join button have a column of their own, beside the preview: the device
 * choice and the tips under the preview (lighting, headset, a device that failed) never push Join out of sight.
 */
import { useSignal } from "@preact/signals";
import { useEffect, useMemo, useRef } from "preact/hooks";
import { Limits } from "../../../protocol/limits.js";
import { LocalMedia, type MediaKind } from "../../engine/local-media.js";
import { t } from "../../i18n/i18n.js";
import { navigateTo } from "../../route.js";
import type { Room } from "../../state/room.js";
import { Avatar } from "../../ui/avatar.js";
import { DeviceToggle } from "../../ui/device-toggle.js";
import { LanguageSelect } from "../../ui/language-select.js";
import { VideoView } from "../../ui/media-elements.js";
import { mirrorClass } from "../../ui/mirror.js";
import { DeviceSettings } from "../settings/device-settings.js";
import { MicMeter } from "../settings/mic-meter.js";
import { SwitchCameraButton } from "../switch-camera/switch-camera-button.js";
import { DevicePickers } from "./device-pickers.js";
import { DeviceProblems } from "./device-problems.js";
import { Occupancy } from "./occupancy.js";
import { PrejoinHelp } from "./prejoin-help.js";
import "./prejoin.css";

interface Props {
  room: Room;
  roomName: string;
  /** The name typed before (e.g. after leaving), so it need not be typed twice in one visit. */
  initialName: string;
}

export function Prejoin({ room, roomName, initialName }: Props) {
  const name = useSignal(initialName);
  const media = useSignal<LocalMedia | null>(null);
  const mic = useSignal(false);
  const camera = useSignal(false);
  const videoTrack = useSignal<MediaStreamTrack | null>(null);
  const busy = useSignal<MediaKind | null>(null);
  // LocalMedia changes in place (its problems, its tracks): bumping this re-renders after each change.
  const revision = useSignal(0);
  const opening = useRef<Promise<LocalMedia> | null>(null);
  const handedOver = useRef(false);

  const refresh = (m: LocalMedia) => {
    mic.value = m.isOn("audio");
    camera.value = m.isOn("video");
    videoTrack.value = m.track("video");
    media.value = m;
    revision.value += 1;
  };
  const settings = useMemo(() => new DeviceSettings({ media: () => media.value, settled: refresh }), []);

  useEffect(() => {
    let gone = false;
    const promise = LocalMedia.open({ audio: true, video: true });
    opening.current = promise;
    promise.then((m) => {
      if (gone && !handedOver.current) {
        m.stop();
        return;
      }
      m.onEnded = () => refresh(m);
      refresh(m);
      // The devices get their names once allowed: list them now. Noise suppression, if chosen before.
      void settings.refresh();
      void settings.applyEffects();
    });
    return () => {
      gone = true;
      settings.dispose();
      if (!handedOver.current) media.value?.stop();
    };
  }, []);

  const toggle = async (kind: MediaKind, on: boolean) => {
    const m = media.value;
    if (!m || busy.value) return;
    busy.value = kind;
    try {
      await m.setOn(kind, on);
    } finally {
      busy.value = null;
      refresh(m);
    }
  };

  const trimmed = name.value.trim();
  const join = async (ev: Event) => {
    ev.preventDefault();
    if (trimmed === "" || handedOver.current || !opening.current) return;
    handedOver.current = true;
    const m = await opening.current;
    // A device being switched goes first: the meeting must send the one chosen, not the one it replaces.
    await settings.handOver();
    await room.join(roomName, trimmed, m);
  };

  const m = media.value;
  revision.value; // subscribe to in-place changes of `m`
  return (
    <main class="screen prejoin">
      <div class="card prejoin-card">
        <header class="prejoin-header">
          <p class="brand">{t("app.name")}</p>
          <h1>{t("prejoin.title", { room: roomName })}</h1>
        </header>
        <div class="prejoin-layout">
          <div class="prejoin-media">
            <div class="preview">
              <VideoView
                data-testid="preview"
                class={`${mirrorClass(videoTrack.value)} ${camera.value ? "" : "is-hidden"}`}
                source={videoTrack.value}
                aria-label={t("prejoin.preview")}
              />
              {!camera.value && (
                <div class="preview-off">
                  <Avatar name={trimmed || "?"} seed={trimmed} />
                  <p>{m ? t("prejoin.cameraOff") : t("prejoin.starting")}</p>
                </div>
              )}
              {m && <MicMeter track={m.track("audio")} compact />}
              <div class="preview-controls">
                <DeviceToggle
                  kind="audio"
                  on={mic.value}
                  busy={busy.value === "audio"}
                  testId="prejoin-mic"
                  onToggle={(on) => toggle("audio", on)}
                />
                <DeviceToggle
                  kind="video"
                  on={camera.value}
                  busy={busy.value === "video"}
                  testId="prejoin-camera"
                  onToggle={(on) => toggle("video", on)}
                />
                <SwitchCameraButton settings={settings} testId="prejoin-switch-camera" ready={m !== null} />
              </div>
            </div>
            {m && <DeviceProblems problems={m.problems} />}
            <DevicePickers settings={settings} ready={m !== null} />
            {m && <PrejoinHelp media={m} cameraOn={camera.value} />}
          </div>
          <div class="prejoin-side">
            <form class="stack" onSubmit={join}>
              <label for="display-name">{t("prejoin.nameLabel")}</label>
              <input
                id="display-name"
                type="text"
                autocomplete="name"
                maxLength={Limits.nameMaxChars}
                placeholder={t("prejoin.namePlaceholder")}
                aria-describedby="display-name-hint"
                value={name.value}
                onInput={(ev) => {
                  name.value = (ev.currentTarget as HTMLInputElement).value;
                }}
              />
              <p id="display-name-hint" class="hint">
                {t("prejoin.nameHint")}
              </p>
              <button type="submit" class="primary wide" data-testid="join" disabled={trimmed === ""}>
                {t("prejoin.join")}
              </button>
              <Occupancy room={roomName} />
            </form>
            <div class="prejoin-footer">
              <LanguageSelect />
              <button type="button" class="link" onClick={() => navigateTo(null)}>
                {t("prejoin.otherRoom")}
              </button>
            </div>
          </div>
        </div>
      </div>
    </main>
  );
}
