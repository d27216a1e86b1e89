/**
 * One participant's tile: video (or initials when there is none to show), name, a crossed-out microphone
 * when muted and, for remote participants, the <audio> element that plays them.
 */
import type { ComponentChildren, Ref } from "preact";
import { useState } from "preact/hooks";
import { t } from "../../i18n/i18n.js";
import { Avatar } from "../../ui/avatar.js";
import { MicOffIcon } from "../../ui/icons.js";
import { AudioSink, VideoView } from "../../ui/media-elements.js";
import { mirrorClass } from "../../ui/mirror.js";
import { PinButton, type PinProps, useTapToPin } from "../../ui/pin-button.js";
import { TileHand } from "../hands/tile-hand.js";

export interface TileProps {
  id: string;
  name: string;
  local: boolean;
  audioOn: boolean;
  videoOn: boolean;
  videoTrack: MediaStreamTrack | null | undefined;
  /** Remote only; the local participant must never hear themselves. */
  audioTrack?: MediaStreamTrack | null | undefined;
  /** Place in the raised-hands queue (1 = next to speak); undefined: hand down. */
  handPosition?: number | undefined;
  /** Talking now (features/speaker): the speaking ring. */
  speaking?: boolean;
  /** The speaker view's large tile (features/layout). */
  stage?: boolean;
  pin?: PinProps;
  /** What we ask the media server for this camera (features/adaptation): data-layer. */
  layer?: "0" | "1" | "2" | "paused" | "off" | undefined;
  /** False while the camera is not received (paused, off screen, last-N): initials, not a frozen picture. */
  received?: boolean;
  /** The tile's element, for features/adaptation to watch its size. */
  figureRef?: Ref<HTMLElement>;
  /** The connection-quality mark, first in the caption. */
  indicator?: ComponentChildren;
  /** A notice over the tile (video paused to protect audio). */
  notice?: ComponentChildren;
}

export function Tile(props: TileProps) {
  const { id, name, local, audioOn, videoOn, videoTrack, audioTrack, handPosition } = props;
  const { speaking, stage, pin, layer, received, figureRef, indicator, notice } = props;
  const [frames, setFrames] = useState(false);
  // The video element exists as soon as the track does, but is only shown while the camera is declared
  // on and pictures arrive: a disabled camera sends black frames, and initials say more than a black box.
  const showVideo = videoOn && videoTrack != null && frames && received !== false;
  const label = local ? t("tile.localLabel", { name }) : name;
  const tapToPin = useTapToPin(pin);
  return (
    <figure
      {...tapToPin}
      ref={figureRef}
      class="tile"
      aria-label={label}
      data-testid="tile"
      data-participant-id={id}
      data-local={local ? "true" : "false"}
      data-source="camera"
      data-speaking={speaking ? "true" : "false"}
      data-stage={stage ? "true" : undefined}
      data-layer={layer}
    >
      {videoTrack && (
        <VideoView
          source={videoTrack}
          onFrames={setFrames}
          class={`${local ? mirrorClass(videoTrack) : ""} ${showVideo ? "" : "is-hidden"}`}
        />
      )}
      {!showVideo && (
        <div class="tile-avatar">
          <Avatar name={name} seed={id} />
        </div>
      )}
      {!local && <AudioSink track={audioTrack} />}
      {notice}
      {handPosition !== undefined && <TileHand position={handPosition} />}
      <div class="tile-caption">
        {indicator}
        {!audioOn && (
          <span class="tile-muted" data-testid="mic-muted" role="img" aria-label={t("tile.micMuted")}>
            <MicOffIcon />
          </span>
        )}
        <span class="tile-name" data-testid="tile-name">
          {name}
        </span>
        {local && <span class="tile-you">{t("tile.you")}</span>}
        {speaking && <span class="visually-hidden">{t("speaker.speaking")}</span>}
      </div>
      {pin && <PinButton {...pin} label={name} />}
    </figure>
  );
}
