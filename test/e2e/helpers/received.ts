/**
 * What a page receives from each remote camera and microphone, read from its tiles and getStats: the layer the
 * tile asked for, the pictures' width, loss, concealment. Used by the poor-link tests and benches
 * (degradation.ts) and by the Firefox tests; the page can be Chromium's or Firefox's (StatsPage).
 */
import { sleep } from "../../helpers/wait.js";
import type { StatsPage } from "./rtc.js";

/** What a page receives from one remote participant's camera and microphone, and what its tile says. */
export interface Received {
  participantId: string;
  layer: string | null;
  paused: boolean;
  quality: string | null;
  video: {
    framesDecoded: number;
    frameWidth: number;
    nackCount: number;
    packetsReceived: number;
    bytesReceived: number;
    packetsLost: number;
    framesReceived: number;
    keyFramesDecoded: number;
    pliCount: number;
    /** Chrome's freezes: a frame later than max(3 × the mean interval, the mean + 150 ms). */
    freezeCount: number;
    totalFreezesDuration: number;
  } | null;
  audio: {
    packetsReceived: number;
    packetsLost: number;
    concealedSamples: number;
    totalSamplesReceived: number;
  } | null;
}

const READ_RECEIVED = `async () => {
  const inbound = [];
  for (const pc of (window.__pcs || [])) {
    if (pc.connectionState === "closed") continue;
    let r; try { r = await pc.getStats(); } catch (e) { continue; }
    r.forEach((s) => { if (s.type === "inbound-rtp") inbound.push(s); });
  }
  const byTrack = (id) => inbound.find((s) => s.trackIdentifier === id) || null;
  const track = (el, kind) => {
    const so = el && el.srcObject;
    return so && typeof so.getTracks === "function" ? so.getTracks().find((t) => t.kind === kind) || null : null;
  };
  return Array.from(document.querySelectorAll("[data-testid=tile][data-local=false][data-source=camera]")).map((tile) => {
    const vt = track(tile.querySelector("video"), "video");
    const at = track(tile.querySelector("audio"), "audio");
    const v = vt ? byTrack(vt.id) : null;
    const a = at ? byTrack(at.id) : null;
    const mark = tile.querySelector("[data-testid=quality-indicator]");
    return {
      participantId: tile.getAttribute("data-participant-id"),
      layer: tile.getAttribute("data-layer"),
      paused: !!tile.querySelector("[data-testid=video-paused]"),
      quality: mark ? mark.getAttribute("data-quality") : null,
      video: v ? { framesDecoded: v.framesDecoded || 0, frameWidth: v.frameWidth || 0, nackCount: v.nackCount || 0,
        packetsReceived: v.packetsReceived || 0, bytesReceived: v.bytesReceived || 0, packetsLost: v.packetsLost || 0,
        framesReceived: v.framesReceived || 0, keyFramesDecoded: v.keyFramesDecoded || 0, pliCount: v.pliCount || 0,
        freezeCount: v.freezeCount || 0, totalFreezesDuration: v.totalFreezesDuration || 0 } : null,
      audio: a ? { packetsReceived: a.packetsReceived || 0, packetsLost: a.packetsLost || 0,
        concealedSamples: a.concealedSamples || 0, totalSamplesReceived: a.totalSamplesReceived || 0 } : null,
    };
  });
}`;

export async function readReceived(page: StatsPage): Promise<Received[]> {
  return (await page.evaluate(`(${READ_RECEIVED})()`)) as Received[];
}

export async function receivedFrom(page: StatsPage, participantId: string): Promise<Received> {
  const r = (await readReceived(page)).find((x) => x.participantId === participantId);
  if (!r) throw new Error(`no remote camera tile for ${participantId}`);
  return r;
}

/** Concealed share of the audio samples received between two readings. */
export function concealment(before: Received, after: Received): number {
  const total = (after.audio?.totalSamplesReceived ?? 0) - (before.audio?.totalSamplesReceived ?? 0);
  const concealed = (after.audio?.concealedSamples ?? 0) - (before.audio?.concealedSamples ?? 0);
  return total > 0 ? concealed / total : 1;
}

/** Audio packets lost / expected between two readings. */
export function audioLoss(before: Received, after: Received): number {
  const received = (after.audio?.packetsReceived ?? 0) - (before.audio?.packetsReceived ?? 0);
  const lost = (after.audio?.packetsLost ?? 0) - (before.audio?.packetsLost ?? 0);
  return received + lost > 0 ? lost / (received + lost) : 1;
}

/** Polls `page` for `participantId`'s tile until `done` holds; returns the ms it took, or null on timeout. */
export async function timeUntil(
  page: StatsPage,
  participantId: string,
  done: (r: Received) => boolean,
  timeoutMs: number,
  seen: (r: Received) => void = () => {},
): Promise<number | null> {
  const start = performance.now();
  while (performance.now() - start < timeoutMs) {
    const r = await receivedFrom(page, participantId).catch(() => null);
    if (r) {
      seen(r);
      if (done(r)) return performance.now() - start;
    }
    await sleep(200);
  }
  return null;
}

export const atLowest = (r: Received) =>
  r.paused ||
  r.layer === "paused" ||
  (r.layer === "0" && (r.video?.frameWidth ?? 0) > 0 && (r.video?.frameWidth ?? 0) <= 320);
export const atTop = (r: Received) => r.layer === "2" && r.video?.frameWidth === 1280;
/**
 * The top layer as a sender that adapts to its CPU sends it: Firefox scales its top layer down on a loaded
 * machine (960 wide seen in CI run 12, every other figure of the stream good). Wider than the middle layer's
 * 640 is still only the top layer.
 */
export const atAdaptedTop = (r: Received) => r.layer === "2" && (r.video?.frameWidth ?? 0) > 640;
