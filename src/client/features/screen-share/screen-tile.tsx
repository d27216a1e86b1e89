/**
 * A shared screen's tile: the screen, whole (never cropped: it is mostly text), with whose it is, and for a
 * remote share the <audio> that plays the shared tab's sound. Our own share shows what we send, so we can
 * check it. No `data-local` here: that attribute marks camera tiles (the selectors contract).
 */
import type { ComponentChildren, Ref } from "preact";
import { useState } from "preact/hooks";
import { t } from "../../i18n/i18n.js";
import { Avatar } from "../../ui/avatar.js";
import { ScreenShareIcon } from "../../ui/icons.js";
import { AudioSink, VideoView } from "../../ui/media-elements.js";
import { PinButton, type PinProps, useTapToPin } from "../../ui/pin-button.js";

export interface ScreenTileProps {
  id: string;
  name: string;
  local: boolean;
  track: MediaStreamTrack | null | undefined;
  /** Remote only: the shared tab's sound. */
  audioTrack?: MediaStreamTrack | null | undefined;
  stage?: boolean;
  pin?: PinProps;
  /** False while the screen is not received (features/adaptation): no frozen picture. */
  received?: boolean;
  figureRef?: Ref<HTMLElement>;
  indicator?: ComponentChildren;
  notice?: ComponentChildren;
}

export function ScreenTile(props: ScreenTileProps) {
  const { id, name, local, track, audioTrack, stage, pin, received, figureRef, indicator, notice } = props;
  const [frames, setFrames] = useState(false);
  const label = local ? t("screen.yourTileLabel") : t("screen.tileLabel", { name });
  const showVideo = track != null && frames && received !== false;
  const tapToPin = useTapToPin(pin);
  return (
    <figure
      {...tapToPin}
      ref={figureRef}
      class="tile tile-screen"
      aria-label={label}
      data-testid="tile"
      data-participant-id={id}
      data-source="screen"
      data-stage={stage ? "true" : undefined}
    >
      {track && <VideoView source={track} onFrames={setFrames} class={showVideo ? "" : "is-hidden"} />}
      {!showVideo && (
        <div class="tile-avatar">
          <Avatar name={name} seed={id} />
        </div>
      )}
      {!local && <AudioSink track={audioTrack} />}
      {notice}
      <div class="tile-caption">
        {indicator}
        <span class="tile-screen-icon">
          <ScreenShareIcon />
        </span>
        <span class="tile-name" data-testid="tile-name">
          {label}
        </span>
      </div>
      {pin && <PinButton {...pin} label={label} />}
    </figure>
  );
}
