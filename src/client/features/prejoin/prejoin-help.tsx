/**
 * The pre-join screen's practical help under the preview, from the seed's tips: a warning when the face is
 * too dark or backlit (face the window), and a headset hint against echo. (The microphone meter, "am I
 * heard?", sits on the preview itself.)
 */
import type { LocalMedia } from "../../engine/local-media.js";
import { HeadsetHint } from "../settings/headset-hint.js";
import { LightingWarning } from "./lighting-warning.js";
import "./prejoin-help.css";

interface Props {
  /** Changes in place: the pre-join screen re-renders this after each change. */
  media: LocalMedia;
  cameraOn: boolean;
}

export function PrejoinHelp({ media, cameraOn }: Props) {
  const mic = media.device("audio");
  const camera = media.device("video");
  return (
    <div class="prejoin-help">
      <LightingWarning track={cameraOn ? camera : null} />
      <HeadsetHint microphone={mic?.label ?? ""} />
    </div>
  );
}
