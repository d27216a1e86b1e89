/**
 * Degraded-network scenarios through the UDP relay, shared by test/e2e/adaptation.test.ts and
 * bench/degradation.ts (no vitest here): a call whose media all goes through the relay, readings of what a
 * page receives (per tile: inbound video and audio statistics, the tile's data-layer, paused notice and
 * quality mark), and the two scenarios the issue measures:
 *
 * - cap: one subscriber's downlink capped (default 300 kbit/s). Only that page's subscribe connection is
 *   impaired: its flow through the relay is found from the local port of the connection's selected ICE
 *   candidate pair. That local candidate is peer-reflexive: its address is what Janus saw, the relay's own
 *   upstream socket for the flow (FlowStats.upstreamPort), not the browser's socket; the flow with that
 *   upstream port gives the connection's relay port, and `relay.impairPort(port, "toClient", …)` caps the
 *   flows to it alone (the page's publish connection and the other pages are untouched). Measured: the time until the video is at
 *   the lowest layer (frameWidth ≤ 320) or paused, the audio concealment over the capped period, and, once
 *   the cap is lifted, the time until the video is back at the top layer (frameWidth 1280).
 * - loss: random loss on every flow, both ways. Measured: frames decoded each second, NACKs, concealment.
 *
 * Page-side code is plain JavaScript strings (see rtc.ts for why).
 */
import type { Browser, Page } from "playwright-core";
import { type ServerHandle, startServer } from "../../helpers/server.js";
import { UdpRelay } from "../../helpers/udp-relay.js";
import { sleep } from "../../helpers/wait.js";
import { launchChromium, newParticipant, type Participant } from "./browser.js";
import {
  atLowest,
  atTop,
  audioLoss,
  concealment,
  type Received,
  receivedFrom,
  timeUntil,
} from "./received.js";
import type { StatsPage } from "./rtc.js";
import { joinViaUi, tileOf, waitForMediaFrom } from "./ui.js";
import { type FrameLog, recordFrames } from "./ws-frames.js";

/**
 * A relay address and port block of its own for each call (not the relay-call test's 127.77.0.9 and
 * 47400-47439): several runs may share this machine at once, and Janus binds the same port numbers.
 */
function relayPlace(): { host: string; ports: [number, number] } {
  const host = `127.77.0.${10 + Math.floor(Math.random() * 200)}`;
  const base = 45_000 + 100 * Math.floor(Math.random() * 20);
  return { host, ports: [base, base + 79] };
}

export interface ImpairedCall {
  relay: UdpRelay;
  server: ServerHandle;
  browser: Browser;
  room: string;
  participants: Participant[];
  close(): Promise<void>;
}

/** A server whose media goes through a fresh relay, and a browser; pages join with `join`. */
export async function startImpairedCall(name: string): Promise<ImpairedCall> {
  let place = relayPlace();
  let relay: UdpRelay | undefined;
  for (let attempt = 0; !relay; attempt++) {
    try {
      relay = await UdpRelay.start({
        listenHost: place.host,
        targetHost: "127.77.0.1",
        upstreamHost: "127.77.0.1",
        ports: place.ports,
      });
    } catch (error) {
      if (attempt >= 4) throw error;
      place = relayPlace();
    }
  }
  let server: ServerHandle | undefined;
  try {
    server = await startServer({
      name,
      env: { JANUS_PUBLIC_IP: place.host, JANUS_RTP_PORTS: `${place.ports[0]}-${place.ports[1]}` },
    });
    const browser = await launchChromium();
    const call: ImpairedCall = {
      relay,
      server,
      browser,
      room: `${name}-${Date.now().toString(36)}`,
      participants: [],
      close: async () => {
        for (const p of call.participants) await p.close();
        await browser.close().catch(() => {});
        await server?.stop();
        await relay.close();
      },
    };
    return call;
  } catch (error) {
    await server?.stop();
    await relay.close();
    throw error;
  }
}

/** A page that signals no candidates of its own (the media server learns it from the relay) and joins. */
export async function joinThroughRelay(
  call: ImpairedCall,
  label: string,
  viewport: { width: number; height: number } = { width: 1024, height: 700 },
): Promise<{ participant: Participant; id: string; frames: FrameLog }> {
  const participant = await newParticipant(call.browser, label);
  call.participants.push(participant);
  await participant.context.addInitScript("window.__candidatePolicy = 'none';");
  await participant.page.setViewportSize(viewport);
  const frames = recordFrames(participant.page);
  const id = await joinViaUi(participant.page, call.server.origin, call.room, label);
  return { participant, id, frames };
}

export { waitForMediaFrom };

/**
 * The local port of the selected ICE pair of the page's subscribe connection (the one that receives) or
 * publish connection (the one that sends and receives nothing).
 */
export async function connectionPort(
  page: StatsPage,
  which: "subscribe" | "publish" = "subscribe",
): Promise<number> {
  const port = await page.evaluate(`(async (which) => {
    for (const pc of (window.__pcs || [])) {
      if (pc.connectionState !== "connected") continue;
      const r = await pc.getStats();
      let receives = false, port = null;
      r.forEach((s) => {
        if (s.type === "inbound-rtp") receives = true;
        if (s.type === "transport" && s.selectedCandidatePairId) {
          const pair = r.get(s.selectedCandidatePairId);
          const local = pair && r.get(pair.localCandidateId);
          if (local) port = local.port;
        }
      });
      if (receives === (which === "subscribe") && port !== null) return port;
    }
    return null;
  })("${which}")`);
  if (typeof port !== "number") throw new Error(`the page has no connected ${which} connection`);
  return port;
}

/**
 * The relay port (the same port on Janus) of one of the page's connections: found from the flow whose
 * upstream socket is the selected pair's local port (see the header). Impair with `relay.impairPort`, which
 * covers every flow to that port: a browser with two host addresses makes two, and the pair its getStats
 * calls selected is not always the one Janus sends on (seen with Firefox: the cap hit a flow of 14 packets).
 */
export async function relayPort(
  call: ImpairedCall,
  page: StatsPage,
  which: "subscribe" | "publish" = "subscribe",
): Promise<number> {
  const local = await connectionPort(page, which);
  const flow = call.relay.flows().find((f) => f.upstreamPort === local);
  if (!flow) throw new Error(`no relay flow whose upstream port is ${local}`);
  return flow.port;
}

export interface CapResult {
  /** ms from the cap to the lowest layer or a pause (null: not within the wait). */
  adaptMs: number | null;
  /** ms from the cap to the lowest layer's pictures decoded (frameWidth ≤ 320; null: never while capped). */
  decodedLowestMs: number | null;
  /** Concealed share of the audio samples over the capped period. */
  concealment: number;
  audioLoss: number;
  /** ms from lifting the cap to the top layer (null: not within the wait). */
  recoverMs: number | null;
  /** Quality marks the tile showed while capped. */
  marks: string[];
  /** The tile's data-layer values seen while capped, in order, without repeats, with ms since the cap. */
  layers: string[];
  /** Sound concealed between two readings while capped (20 ms or more), as "ms@ms since the cap". */
  concealed: string[];
  /** When the cap began (performance.now() of this process, the clock of the pages' console lines). */
  cappedAt: number;
}

/**
 * Caps `subscriber`'s downlink at `capBps` for `holdMs`, then lifts it. The publisher's tile on the
 * subscriber's page must be big enough for the top layer, and at it, before.
 */
export async function capScenario(
  call: ImpairedCall,
  subscriber: StatsPage,
  publisherId: string,
  { capBps = 300_000, holdMs = 30_000, adaptWaitMs = 15_000, recoverWaitMs = 30_000 } = {},
): Promise<CapResult> {
  const port = await relayPort(call, subscriber);
  const before = await receivedFrom(subscriber, publisherId);
  const flows = call.relay.impairPort(port, "toClient", { rateBps: capBps });
  if (flows < 1) throw new Error(`no relay flow to the subscribe connection's port ${port}`);
  const capped = performance.now();
  const marks = new Set<string>();
  const layers: string[] = [];
  let decodedLowestMs: number | null = null;
  const concealed: string[] = [];
  let lastAudio = before.audio;
  const note = (r: Received) => {
    const samples = (r.audio?.concealedSamples ?? 0) - (lastAudio?.concealedSamples ?? 0);
    // 48 kHz: ms of sound concealed since the previous reading, where it was at least 20 ms.
    if (samples >= 960)
      concealed.push(`${Math.round(samples / 48)}@${Math.round(performance.now() - capped)}`);
    lastAudio = r.audio;
    const width = r.video?.frameWidth ?? 0;
    if (decodedLowestMs === null && width > 0 && width <= 320) decodedLowestMs = performance.now() - capped;
    if (r.quality) marks.add(r.quality);
    const at = Math.round(performance.now() - capped);
    const what = `${r.layer}/${r.video?.frameWidth ?? "-"}`;
    if (layers.at(-1)?.split("@")[0] !== what) layers.push(`${what}@${at}`);
  };
  const adaptMs = await timeUntil(subscriber, publisherId, atLowest, Math.min(adaptWaitMs, holdMs), note);
  while (performance.now() - capped < holdMs) {
    note(await receivedFrom(subscriber, publisherId));
    await sleep(500);
  }
  const after = await receivedFrom(subscriber, publisherId);
  call.relay.impairPort(port, "toClient", {});
  const recoverMs = await timeUntil(subscriber, publisherId, atTop, recoverWaitMs);
  return {
    adaptMs,
    decodedLowestMs,
    concealment: concealment(before, after),
    audioLoss: audioLoss(before, after),
    recoverMs,
    marks: [...marks],
    layers,
    concealed,
    cappedAt: capped,
  };
}

/** What a tile receives: the layer asked for (data-layer: "0".."2", "paused", "off") and the pictures' width. */
export interface LayerReading {
  layer: string | null;
  width: number;
}

export interface LossStep extends LayerReading {
  lost: number;
  expected: number;
}

export interface LossResult {
  /** Frames decoded in each second of the window. */
  framesPerSecond: number[];
  nacks: number;
  /** Freezes of the picture (as the browser counts them) over the window, and their total length. */
  freezes: number;
  frozenMs: number;
  /** Key frames the subscriber decoded, and key frame requests (PLI) it sent itself, over the window. */
  keyFrames: number;
  plis: number;
  concealment: number;
  audioLoss: number;
  droppedPackets: number;
  /** The tile's data-layer and frameWidth each second. */
  layers: string[];
  /** The tile's data-layer and frameWidth just before the loss began: what the layer may not go below. */
  start: LayerReading;
  /**
   * Each second: the tile's data-layer and frameWidth at its end, and the packets (audio and video together,
   * as the page's downlink estimate counts them) lost and expected over it, as the receiver's statistics say
   * (a packet repaired by a retransmission is not lost).
   */
  steps: LossStep[];
  /**
   * Each second, what the video receiver saw: frames assembled (r) and decoded (d), key frames decoded (k),
   * key frame requests sent (pli), packets lost (l) and NACKs sent (n); with the publisher's page, the key
   * frame requests its camera received, the key frames it encoded and the layers it sends. Says why a second
   * decoded nothing, or why the picture got smaller.
   */
  video: string[];
}

/**
 * Random loss both ways for `seconds`; the subscriber's view of `publisherId`. `on: "subscriber"`: only the
 * subscriber's own connection is lossy (its publish and subscribe flows: a participant on a poor link);
 * `on: "everyone"`: every flow is, so what the subscriber receives crossed two lossy hops.
 */
export async function lossScenario(
  call: ImpairedCall,
  subscriber: Page,
  publisherId: string,
  {
    loss = 0.05,
    seconds = 15,
    settleMs = 0,
    on = "everyone" as "everyone" | "subscriber",
    publisher = undefined as Page | undefined,
  } = {},
): Promise<LossResult> {
  const dropped = () => call.relay.flows().reduce((n, f) => n + f.dropped.toClient + f.dropped.toServer, 0);
  const ports =
    on === "subscriber"
      ? [await relayPort(call, subscriber, "subscribe"), await relayPort(call, subscriber, "publish")]
      : [];
  const impair = (impairment: { loss?: number }) => {
    for (const direction of ["toClient", "toServer"] as const) {
      if (on === "everyone") call.relay.impair(direction, impairment);
      else for (const port of ports) call.relay.impairPort(port, direction, impairment);
    }
  };
  const before = await receivedFrom(subscriber, publisherId);
  const baseline: LayerReading = { layer: before.layer, width: before.video?.frameWidth ?? 0 };
  impair({ loss });
  try {
    await sleep(settleMs);
    const droppedBefore = dropped();
    const first = await receivedFrom(subscriber, publisherId);
    let sent = publisher ? await keyFramesSent(publisher) : null;
    const framesPerSecond: number[] = [];
    const layers: string[] = [];
    const video: string[] = [];
    const steps: LossStep[] = [];
    let prev = first;
    const start = performance.now();
    for (let i = 1; i <= seconds; i++) {
      await sleep(Math.max(0, start + i * 1000 - performance.now()));
      const cur = await receivedFrom(subscriber, publisherId);
      framesPerSecond.push((cur.video?.framesDecoded ?? 0) - (prev.video?.framesDecoded ?? 0));
      layers.push(`${cur.layer}/${cur.video?.frameWidth ?? "-"}`);
      const packets = (r: Received) => ({
        lost: (r.video?.packetsLost ?? 0) + (r.audio?.packetsLost ?? 0),
        received: (r.video?.packetsReceived ?? 0) + (r.audio?.packetsReceived ?? 0),
      });
      const [p0, p1] = [packets(prev), packets(cur)];
      steps.push({
        layer: cur.layer,
        width: cur.video?.frameWidth ?? 0,
        lost: p1.lost - p0.lost,
        expected: p1.lost - p0.lost + p1.received - p0.received,
      });
      const nowSent = publisher ? await keyFramesSent(publisher) : null;
      const pub =
        sent && nowSent
          ? ` | sender pli${nowSent.pli - sent.pli} k${nowSent.keyFrames - sent.keyFrames} sends ${nowSent.layers}`
          : "";
      sent = nowSent;
      video.push(videoSecond(prev, cur) + pub);
      prev = cur;
    }
    return {
      framesPerSecond,
      nacks: (prev.video?.nackCount ?? 0) - (first.video?.nackCount ?? 0),
      freezes: (prev.video?.freezeCount ?? 0) - (first.video?.freezeCount ?? 0),
      keyFrames: (prev.video?.keyFramesDecoded ?? 0) - (first.video?.keyFramesDecoded ?? 0),
      plis: (prev.video?.pliCount ?? 0) - (first.video?.pliCount ?? 0),
      frozenMs: Math.round(
        1000 * ((prev.video?.totalFreezesDuration ?? 0) - (first.video?.totalFreezesDuration ?? 0)),
      ),
      concealment: concealment(first, prev),
      audioLoss: audioLoss(first, prev),
      droppedPackets: dropped() - droppedBefore,
      layers,
      start: baseline,
      steps,
      video,
    };
  } finally {
    impair({});
  }
}

/** Order of the data-layer values: a numbered layer by its number; paused, off or none below them all. */
export function layerRank(layer: string | null): number {
  return layer === "0" || layer === "1" || layer === "2" ? Number(layer) : -1;
}

/**
 * README ("Poor connections"): "loss counts as congestion only when it is clearly above 10 % for the number
 * of packets seen, so an unlucky second of 5 % random loss lowers nothing". Clearly above, as said here
 * independently of the client's code: more than two standard deviations above 10 % for that many packets
 * (over 150 packets, above 14.9 %).
 */
export function clearlyAboveTenPercent(lost: number, expected: number): boolean {
  if (expected <= 0) return false;
  return lost / expected > 0.1 + 2 * Math.sqrt((0.1 * 0.9) / expected);
}

/**
 * The seconds of a loss scenario in which what the tile receives went below where it was before the loss:
 * the layer asked for (data-layer), and with `width`, the pictures decoded (frameWidth). The one exception
 * the README allows: a second that follows loss clearly above 10 % (in that second or the one before, since
 * the page's estimate judges about the last hundred packets). Each entry says the second, what was received
 * and the loss seen; empty when nothing went down.
 */
export function loweredUnderLoss(r: LossResult, { width = true } = {}): string[] {
  const out: string[] = [];
  const pct = (s: LossStep) =>
    `${s.expected > 0 ? ((100 * s.lost) / s.expected).toFixed(1) : "-"} % of ${s.expected} packets`;
  r.steps.forEach((s, i) => {
    const layerDown = layerRank(s.layer) < layerRank(r.start.layer);
    const widthDown = width && s.width < r.start.width;
    if (!layerDown && !widthDown) return;
    const excused = r.steps
      .slice(Math.max(0, i - 1), i + 1)
      .some((x) => clearlyAboveTenPercent(x.lost, x.expected));
    if (!excused)
      out.push(
        `second ${i + 1}: ${s.layer}/${s.width} (was ${r.start.layer}/${r.start.width}), loss ${pct(s)}; ${r.video[i] ?? ""}`,
      );
  });
  return out;
}

/**
 * Key frame requests a page's camera received and key frames it encoded, all layers; and the layers it sends
 * (rids of the active encodings, with the encoder's limitation when not "none", e.g. "h(cpu) l m").
 */
async function keyFramesSent(page: Page): Promise<{ pli: number; keyFrames: number; layers: string }> {
  return (await page.evaluate(`(async () => {
    let pli = 0, keyFrames = 0;
    const layers = [];
    for (const pc of (window.__pcs || [])) {
      if (pc.connectionState === "closed") continue;
      let r; try { r = await pc.getStats(); } catch (e) { continue; }
      r.forEach((s) => {
        if (s.type === "outbound-rtp" && s.kind === "video") {
          pli += s.pliCount || 0; keyFrames += s.keyFramesEncoded || 0;
          const limit = s.qualityLimitationReason && s.qualityLimitationReason !== "none" ? "(" + s.qualityLimitationReason + ")" : "";
          if (s.active !== false) layers.push((s.rid || "?") + limit);
        }
      });
    }
    return { pli, keyFrames, layers: layers.sort().join(" ") };
  })()`)) as { pli: number; keyFrames: number; layers: string };
}

function videoSecond(a: Received, b: Received): string {
  const d = (key: keyof NonNullable<Received["video"]>) => (b.video?.[key] ?? 0) - (a.video?.[key] ?? 0);
  return `r${d("framesReceived")} d${d("framesDecoded")} k${d("keyFramesDecoded")} pli${d("pliCount")} l${d("packetsLost")} n${d("nackCount")}`;
}

/** Waits until the publisher's tile on `page` is at the top layer (the call has ramped up). */
export async function waitForTop(page: Page, publisherId: string, timeoutMs = 45_000): Promise<void> {
  const ms = await timeUntil(page, publisherId, atTop, timeoutMs);
  if (ms === null) {
    const r = await receivedFrom(page, publisherId).catch(() => null);
    throw new Error(`${publisherId}'s video never reached the top layer: ${JSON.stringify(r)}`);
  }
}

/**
 * Waits until the publisher's tile on `page` has been at the top layer, decoding, for `steadyMs` in a row:
 * a scenario that starts right as the top layer comes (or goes) measures that ramp, not the network.
 */
export async function waitForSteadyTop(
  page: Page,
  publisherId: string,
  steadyMs = 4_000,
  timeoutMs = 45_000,
): Promise<void> {
  let since: number | null = null;
  let frames = -1;
  const ms = await timeUntil(
    page,
    publisherId,
    (r) => {
      const decoded = r.video?.framesDecoded ?? 0;
      const moving = decoded > frames;
      frames = decoded;
      if (!atTop(r) || !moving) since = null;
      else since ??= performance.now();
      return since !== null && performance.now() - since >= steadyMs;
    },
    timeoutMs,
  );
  if (ms === null) {
    const r = await receivedFrom(page, publisherId).catch(() => null);
    throw new Error(`${publisherId}'s video never stayed at the top layer: ${JSON.stringify(r)}`);
  }
}

export const remoteCamera = (participantId: string) => `${tileOf(participantId)}[data-source=camera]`;

/** The page's camera encodings: rid → active (what the page asked of its sender). */
export async function cameraEncodings(page: Page): Promise<Record<string, boolean>> {
  return (await page.evaluate(`(async () => {
    const out = {};
    for (const pc of (window.__pcs || [])) {
      if (pc.connectionState === "closed") continue;
      (await pc.getStats()).forEach((s) => {
        if (s.type === "outbound-rtp" && s.kind === "video" && s.rid) out[s.rid] = s.active !== false;
      });
    }
    return out;
  })()`)) as Record<string, boolean>;
}
