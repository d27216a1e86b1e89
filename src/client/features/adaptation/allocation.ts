/**
 * Which remote videos we receive, and at which simulcast layer, as pure functions (tested without a DOM):
 *
 * - the layer a tile's rendered size calls for (a thumbnail needs no 1280×720 picture);
 * - the order in which videos are served: pinned or on stage, the active speaker, screen shares, then the
 *   rest by how recently they talked (then in tile order);
 * - last-N: at most N videos received, the first N in that order;
 * - the bandwidth allocation: audio first (always on), then every video at its lowest layer in priority
 *   order, then upgrades in priority order up to what the tile's size calls for. A video that does not fit
 *   even at its lowest layer is paused, to protect the sound.
 *
 * Everything stays within the person's own quality choice (`cap`, features/quality).
 */
import type { VideoLayer } from "../../engine/send-layers.js";
import type { StopReason } from "../quality/quality.js";

export type Layer = 0 | 1 | 2;

/** What one remote audio stream costs, in bit/s (Opus speech is ~30-40 kbit/s, with headers). */
export const AUDIO_BPS = 50_000;
/** What each simulcast layer of a camera costs (the publisher's encodings: 150k / 500k / 1.5M). */
export const LAYER_BPS: readonly [number, number, number] = [150_000, 500_000, 1_500_000];
/** A shared screen has one layer; mostly still text, it costs far less than its 2.5 Mbit/s ceiling. */
export const SCREEN_BPS = 500_000;

/** The layer that fits a tile `width` CSS pixels wide: 320×180 up to 360, 640×360 up to 800, else 1280×720. */
export function layerForWidth(width: number): Layer {
  return width <= 360 ? 0 : width <= 800 ? 1 : 2;
}

export interface VideoCandidate {
  mid: string;
  participantId: string;
  source: "camera" | "screen";
  /** Its tile is rendered and on screen (its page shown, not scrolled away, the document visible). */
  visible: boolean;
  /** The tile's rendered width in CSS pixels. */
  width: number;
  /** The camera is declared off: nothing flows, so it costs nothing and takes no last-N place. */
  idle: boolean;
  pinned: boolean;
  stage: boolean;
  activeSpeaker: boolean;
  /** When this participant last talked (ms, any clock; -Infinity: never). */
  lastSpoke: number;
  /** The tile's place in the layout, for ties. */
  order: number;
}

export type VideoDecision =
  /** Received at `layer`; `wanted` is what size and quality alone would ask (more: bandwidth holds it back). */
  { send: true; layer: Layer; wanted: Layer } | { send: false; why: StopReason };

export interface PlanInput {
  videos: readonly VideoCandidate[];
  /** Remote audio streams received (all of them, always). */
  audioCount: number;
  /** The estimated downlink, bit/s; Infinity while nothing limits it. */
  budget: number;
  /** The person's quality choice as a layer; -1: audio only. */
  cap: VideoLayer;
  /** At most this many videos received. */
  lastN: number;
}

export interface Plan {
  decisions: Map<string, VideoDecision>;
  /** What the plan is expected to use, bit/s (audio included). */
  used: number;
  /** The smallest budget at which the plan would receive more (a layer up, a video back); null: nothing to gain. */
  nextNeed: number | null;
}

/** Serving order: pinned, on stage, active speaker, screens, then the most recent talker, then tile order. */
export function byPriority(a: VideoCandidate, b: VideoCandidate): number {
  const flags = (v: VideoCandidate) => [v.pinned, v.stage, v.activeSpeaker, v.source === "screen"];
  const fa = flags(a);
  const fb = flags(b);
  for (let i = 0; i < fa.length; i++) if (fa[i] !== fb[i]) return fa[i] ? -1 : 1;
  if (a.lastSpoke !== b.lastSpoke) return a.lastSpoke > b.lastSpoke ? -1 : 1;
  return a.order - b.order;
}

const costOf = (v: VideoCandidate, layer: Layer): number =>
  v.idle ? 0 : v.source === "screen" ? SCREEN_BPS : LAYER_BPS[layer];

export function plan({ videos, audioCount, budget, cap, lastN }: PlanInput): Plan {
  const decisions = new Map<string, VideoDecision>();
  let used = audioCount * AUDIO_BPS;
  if (cap < 0) {
    for (const v of videos) decisions.set(v.mid, { send: false, why: "quality" });
    return { decisions, used, nextNeed: null };
  }
  const shown = videos.filter((v) => v.visible && v.width > 0).sort(byPriority);
  for (const v of videos) if (!shown.includes(v)) decisions.set(v.mid, { send: false, why: "hidden" });

  const wanted = (v: VideoCandidate): Layer =>
    v.source === "screen" ? (cap as Layer) : (Math.min(layerForWidth(v.width), cap) as Layer);
  // Last-N: idle cameras send nothing, so they keep their place without taking one.
  const served: VideoCandidate[] = [];
  let slots = Math.max(0, Math.floor(lastN));
  for (const v of shown) {
    if (v.idle) served.push(v);
    else if (slots > 0) {
      served.push(v);
      slots -= 1;
    } else decisions.set(v.mid, { send: false, why: "last-n" });
  }

  // Pass 1: each video at its lowest layer, in priority order; those that do not fit are paused.
  let left = budget - used;
  const layers = new Map<VideoCandidate, Layer>();
  /** What each possible improvement would cost on top of the plan. */
  const extras: number[] = [];
  for (const v of served) {
    const cost = costOf(v, 0);
    if (cost === 0 || cost <= left) {
      layers.set(v, 0);
      left -= cost;
      used += cost;
    } else {
      decisions.set(v.mid, { send: false, why: "bandwidth" });
      extras.push(cost);
    }
  }
  // Pass 2: upgrades in priority order, each as high as the budget allows, up to what the tile calls for.
  for (const [v, base] of layers) {
    const want = wanted(v);
    let layer: Layer = base;
    if (v.source === "camera") {
      for (let l = want; l > base; l--) {
        const extra = costOf(v, l as Layer) - costOf(v, base);
        if (extra === 0 || extra <= left) {
          layer = l as Layer;
          left -= extra;
          used += extra;
          break;
        }
      }
      if (layer < want) extras.push(costOf(v, (layer + 1) as Layer) - costOf(v, layer));
    } else layer = want;
    decisions.set(v.mid, { send: true, layer, wanted: want });
  }
  return { decisions, used, nextNeed: extras.length > 0 ? used + Math.min(...extras) : null };
}

/** Whether two plans decide the same for every video (nothing to send the media server again). */
export function sameDecisions(
  a: ReadonlyMap<string, VideoDecision>,
  b: ReadonlyMap<string, VideoDecision>,
): boolean {
  if (a.size !== b.size) return false;
  for (const [mid, x] of a) {
    const y = b.get(mid);
    if (!y || x.send !== y.send) return false;
    if (x.send && y.send && (x.layer !== y.layer || x.wanted !== y.wanted)) return false;
    if (!x.send && !y.send && x.why !== y.why) return false;
  }
  return true;
}
