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

/** Why a remote video is not received: off screen or hidden, beyond last-N, no bandwidth, audio only. */
export type StopReason = "hidden" | "last-n" | "bandwidth" | "quality";

/** What features/adaptation would like for one remote video m-line (it decides nothing on the wire). */
export type Advice = { send: true; layer: 0 | 1 | 2 } | { send: false; why: StopReason };

/** The final choice for one remote video m-line, and whose it is (for the tiles). */
export interface FinalChoice {
  mid: string;
  participantId: string;
  source: StreamInfo["source"];
  send: boolean;
  /** The layer asked for, when received. */
  layer?: 0 | 1 | 2;
  /** Why not, when not received. */
  why?: StopReason;
}

/**
 * The final choice for each remote video m-line: the adaptation's advice (tile size, bandwidth, visibility,
 * last-N), never above the quality's layer; without advice, the quality's layer; nothing in audio-only mode.
 * Audio m-lines are left alone: sound always flows.
 */
export function finalChoices(
  quality: Quality,
  streams: readonly StreamInfo[],
  advice: ReadonlyMap<string, Advice> = new Map(),
): FinalChoice[] {
  const cap = layerOf(quality);
  return streams
    .filter((s) => s.kind === "video")
    .map((s): FinalChoice => {
      const base = { mid: s.mid, participantId: s.participantId, source: s.source };
      if (cap === -1) return { ...base, send: false, why: "quality" };
      const a = advice.get(s.mid);
      if (a && !a.send) return { ...base, send: false, why: a.why };
      return { ...base, send: true, layer: Math.min(a?.layer ?? cap, cap) as 0 | 1 | 2 };
    });
}

/** What to ask the media server for each remote video m-line (see finalChoices). */
export function receiveChoices(
  quality: Quality,
  streams: readonly StreamInfo[],
  advice?: ReadonlyMap<string, Advice>,
): StreamChoice[] {
  return finalChoices(quality, streams, advice).map(toWire);
}

export function toWire(c: FinalChoice): StreamChoice {
  return c.send && c.layer !== undefined
    ? { mid: c.mid, send: true, layer: c.layer }
    : { mid: c.mid, send: false };
}

/** What the media server forwards on one m-line, as far as we know. */
export interface Forwarded {
  send: boolean;
  layer?: number;
}

/** A new m-line starts forwarded at the highest layer (the media server's default). */
export const MEDIA_SERVER_DEFAULT: Forwarded = { send: true, layer: 2 };

/**
 * Only the choices that change what the media server forwards (`known` lacks a mid: its default). A video
 * that resumes asks for a key frame too. The media server switches layers only on key frames that arrive while
 * it forwards, so a video stopped for a moment after a probe comes back at the probe's layer until one comes.
 * Janus 1.1.2's source shows it asking the publisher for one on every resume as well ("Restoring video for
 * subscriber"); ours is a second ask, after the resume is applied, which the server passes on at most once a
 * second per m-line. It was measured only together with the stop it follows (estimator.ts, PROBE_DRAIN_MS).
 */
export function changedChoices(
  known: ReadonlyMap<string, Forwarded | "unknown">,
  wanted: readonly StreamChoice[],
): StreamChoice[] {
  const out: StreamChoice[] = [];
  for (const c of wanted) {
    const now = known.get(c.mid) ?? MEDIA_SERVER_DEFAULT;
    if (now === "unknown") out.push(c);
    else if (now.send !== c.send) out.push(c.send ? { ...c, keyframe: true } : c);
    else if (c.send === true && now.layer !== c.layer) out.push(c);
  }
  return out;
}

/** The choices split into messages the server accepts (1 to 256 streams each); none when there is nothing. */
export function configureBatches(choices: readonly StreamChoice[]): StreamChoice[][] {
  const batches: StreamChoice[][] = [];
  for (let i = 0; i < choices.length; i += MAX_STREAMS_PER_CONFIGURE)
    batches.push(choices.slice(i, i + MAX_STREAMS_PER_CONFIGURE));
  return batches;
}
