/**
 * The video quality the person chose in the ⋯ menu, and what it means on the wire (PROTOCOL.md, "Choosing
 * what to receive"). Receiving: one `subscribe.configure` entry per remote video m-line, at the simulcast
 * layer the quality allows, or not sent at all in audio-only mode. Sending: the highest of our own three
 * simulcast encodings (l, m, h) left active; none in audio-only mode. The seed's tip: on a poor connection,
 * prefer the sound to the picture.
 */
import type { StreamChoice, StreamInfo } from "../../../protocol/messages.js";
import type { VideoLayer } from "../../engine/send-layers.js";

export const QUALITIES = ["high", "standard", "low", "audio-only"] as const;
export type Quality = (typeof QUALITIES)[number];

const LAYER: Record<Quality, VideoLayer> = { high: 2, standard: 1, low: 0, "audio-only": -1 };

/** The highest layer received and sent at this quality (-1: none). */
export function layerOf(quality: Quality): VideoLayer {
  return LAYER[quality];
}

/** `subscribe.configure` takes at most this many streams per message. */
export const MAX_STREAMS_PER_CONFIGURE = 256;

/**
 * What to ask the media server for each remote video m-line: resume it (it may have been stopped in
 * audio-only mode) at the quality's layer, or stop it. Audio m-lines are left alone: sound always flows.
 */
export function receiveChoices(quality: Quality, streams: readonly StreamInfo[]): StreamChoice[] {
  const layer = layerOf(quality);
  return streams
    .filter((s) => s.kind === "video")
    .map(
      (s): StreamChoice => (layer === -1 ? { mid: s.mid, send: false } : { mid: s.mid, send: true, layer }),
    );
}

/** The choices split into messages the server accepts (1 to 256 streams each); none when there is nothing. */
export function configureBatches(choices: readonly StreamChoice[]): StreamChoice[][] {
  const batches: StreamChoice[][] = [];
  for (let i = 0; i < choices.length; i += MAX_STREAMS_PER_CONFIGURE)
    batches.push(choices.slice(i, i + MAX_STREAMS_PER_CONFIGURE));
  return batches;
}
