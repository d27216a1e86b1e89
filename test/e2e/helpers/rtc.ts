/**
 * Reading WebRTC stats without any back door in the app: an init script wraps window.RTCPeerConnection so
 * every connection the page creates is recorded in window.__pcs; then, per tile, the track ids of the tile's
 * <video>/<audio> srcObject are matched against `inbound-rtp` stats (`trackIdentifier`) of every recorded pc.
 *
 * Page-side code is kept as plain JavaScript strings: functions handed to page.evaluate() after a TypeScript
 * transform can carry helper calls (e.g. __name) that do not exist in the page.
 */
import { sampleUntil } from "../../helpers/wait.js";

/**
 * What the stats readers need of a page: running a script in it. Playwright's pages (Chromium) and
 * puppeteer's (Firefox, over WebDriver BiDi) both have it, so the same readers serve both browsers.
 */
export interface StatsPage {
  evaluate(script: string): Promise<unknown>;
}

/**
 * Installed with addInitScript. A Proxy keeps RTCPeerConnection's identity for the page: same prototype, same
 * statics (generateCertificate), same name/length, `instanceof` works, subclasses work (newTarget is passed on).
 */
export const RTC_RECORDER_SCRIPT = `(() => {
  const Original = window.RTCPeerConnection;
  if (!Original || window.__pcs) return;
  const pcs = [];
  Object.defineProperty(window, "__pcs", { value: pcs, enumerable: false, configurable: false, writable: false });
  const Wrapped = new Proxy(Original, {
    construct(target, args, newTarget) {
      const pc = Reflect.construct(target, args, newTarget);
      pcs.push(pc);
      // Registered first, so it runs before the app's own listeners: candidates on the machine's real
      // interfaces never reach the app (tests keep all traffic on loopback addresses). With
      // window.__candidatePolicy = "none", no candidate at all is signalled (the relay tests: the media server
      // must learn the browser's address from the relay, as a peer-reflexive candidate).
      pc.addEventListener("icecandidate", (ev) => {
        if (!ev.candidate || !ev.candidate.candidate) return;
        const policy = window.__candidatePolicy || "loopback";
        const address = ev.candidate.address || ev.candidate.candidate.split(" ")[4] || "";
        if (policy === "none" || !address.startsWith("127.")) ev.stopImmediatePropagation();
      });
      return pc;
    },
  });
  window.RTCPeerConnection = Wrapped;
  if (window.webkitRTCPeerConnection === Original) window.webkitRTCPeerConnection = Wrapped;
})();`;

export interface VideoInbound {
  framesDecoded: number;
  packetsReceived: number;
  bytesReceived: number;
  frameWidth: number;
  frameHeight: number;
}

export interface AudioInbound {
  packetsReceived: number;
  bytesReceived: number;
  /** Only computed when the track is played out (the tile's <audio> element). */
  totalAudioEnergy: number;
  audioLevel: number;
  totalSamplesDuration: number;
}

export interface TileInfo {
  participantId: string | null;
  local: boolean;
  name: string | null;
  micMuted: boolean;
  videoTrackId: string | null;
  audioTrackId: string | null;
  /** null when no inbound-rtp stats carry this track id (yet). */
  video: VideoInbound | null;
  audio: AudioInbound | null;
}

const READ_TILES = `async () => {
  const pcs = Array.isArray(window.__pcs) ? window.__pcs : [];
  const inbound = [];
  for (const pc of pcs) {
    if (pc.connectionState === "closed" || pc.signalingState === "closed") continue;
    let report;
    try { report = await pc.getStats(); } catch (e) { continue; }
    report.forEach((s) => { if (s.type === "inbound-rtp") inbound.push(s); });
  }
  const pick = (trackId) => {
    let best = null;
    for (const s of inbound) {
      if (s.trackIdentifier === trackId && (!best || (s.packetsReceived || 0) > (best.packetsReceived || 0))) best = s;
    }
    return best;
  };
  const firstTrack = (el, kind) => {
    const so = el && el.srcObject;
    if (!so || typeof so.getTracks !== "function") return null;
    return so.getTracks().find((t) => t.kind === kind) || null;
  };
  return Array.from(document.querySelectorAll("[data-testid=tile]")).map((tile) => {
    const vt = firstTrack(tile.querySelector("video"), "video");
    const at = firstTrack(tile.querySelector("audio"), "audio");
    const vs = vt ? pick(vt.id) : null;
    const as = at ? pick(at.id) : null;
    const nameEl = tile.querySelector("[data-testid=tile-name]");
    return {
      participantId: tile.getAttribute("data-participant-id"),
      local: tile.getAttribute("data-local") === "true",
      name: nameEl ? nameEl.textContent : null,
      micMuted: !!tile.querySelector("[data-testid=mic-muted]"),
      videoTrackId: vt ? vt.id : null,
      audioTrackId: at ? at.id : null,
      video: vs ? {
        framesDecoded: vs.framesDecoded || 0, packetsReceived: vs.packetsReceived || 0,
        bytesReceived: vs.bytesReceived || 0, frameWidth: vs.frameWidth || 0, frameHeight: vs.frameHeight || 0,
      } : null,
      audio: as ? {
        packetsReceived: as.packetsReceived || 0, bytesReceived: as.bytesReceived || 0,
        totalAudioEnergy: as.totalAudioEnergy || 0, audioLevel: as.audioLevel || 0,
        totalSamplesDuration: as.totalSamplesDuration || 0,
      } : null,
    };
  });
}`;

export async function readTiles(page: StatsPage): Promise<TileInfo[]> {
  return page.evaluate(`(${READ_TILES})()`) as Promise<TileInfo[]>;
}

export async function remoteTiles(page: StatsPage): Promise<TileInfo[]> {
  return (await readTiles(page)).filter((t) => !t.local);
}

export async function localParticipantId(page: StatsPage): Promise<string | null> {
  const local = (await readTiles(page)).find((t) => t.local);
  return local?.participantId ?? null;
}

/** ICE server URLs configured on every recorded peer connection. */
export async function configuredIceServers(page: StatsPage): Promise<string[][]> {
  return page.evaluate(`(() => (window.__pcs || []).map((pc) => {
    const servers = (pc.getConfiguration().iceServers || []);
    return servers.flatMap((s) => Array.isArray(s.urls) ? s.urls : [s.urls]);
  }))()`) as Promise<string[][]>;
}

/** Summary of the page's own sending: outbound-rtp per kind, for checking a page is publishing. */
export async function outboundSummary(
  page: StatsPage,
): Promise<{ audioPackets: number; videoFrames: number }> {
  return page.evaluate(`(async () => {
    let audioPackets = 0, videoFrames = 0;
    for (const pc of (window.__pcs || [])) {
      if (pc.connectionState === "closed") continue;
      let r; try { r = await pc.getStats(); } catch (e) { continue; }
      r.forEach((s) => {
        if (s.type !== "outbound-rtp") return;
        if (s.kind === "audio") audioPackets += s.packetsSent || 0;
        if (s.kind === "video") videoFrames += s.framesEncoded || 0;
      });
    }
    return { audioPackets, videoFrames };
  })()`) as Promise<{ audioPackets: number; videoFrames: number }>;
}

/**
 * Video bytes the page has sent, per source: the camera's simulcast encodings carry a rid, the screen's single
 * encoding none (engine/screen-sender.ts).
 */
export async function sentVideoBytes(page: StatsPage): Promise<{ camera: number; screen: number }> {
  return page.evaluate(`(async () => {
    let camera = 0, screen = 0;
    for (const pc of (window.__pcs || [])) {
      if (pc.connectionState === "closed") continue;
      let r; try { r = await pc.getStats(); } catch (e) { continue; }
      r.forEach((s) => {
        if (s.type !== "outbound-rtp" || s.kind !== "video") return;
        if (s.rid) camera += s.bytesSent || 0; else screen += s.bytesSent || 0;
      });
    }
    return { camera, screen };
  })()`) as Promise<{ camera: number; screen: number }>;
}

export interface Growth {
  participantId: string;
  before: TileInfo;
  after: TileInfo;
  videoFramesDelta: number;
  audioPacketsDelta: number;
  audioBytesDelta: number;
  audioEnergyDelta: number;
}

/** Samples the remote tiles of `page` twice, `intervalMs` apart, and returns per-participant deltas. */
export async function sampleGrowth(page: StatsPage, intervalMs = 2000): Promise<Map<string, Growth>> {
  const first = await remoteTiles(page);
  await new Promise((r) => setTimeout(r, intervalMs));
  const second = await remoteTiles(page);
  const result = new Map<string, Growth>();
  for (const after of second) {
    const before = first.find((t) => t.participantId === after.participantId);
    if (!before || after.participantId === null) continue;
    result.set(after.participantId, {
      participantId: after.participantId,
      before,
      after,
      videoFramesDelta: (after.video?.framesDecoded ?? 0) - (before.video?.framesDecoded ?? 0),
      audioPacketsDelta: (after.audio?.packetsReceived ?? 0) - (before.audio?.packetsReceived ?? 0),
      audioBytesDelta: (after.audio?.bytesReceived ?? 0) - (before.audio?.bytesReceived ?? 0),
      audioEnergyDelta: (after.audio?.totalAudioEnergy ?? 0) - (before.audio?.totalAudioEnergy ?? 0),
    });
  }
  return result;
}

/** Every page sampled at once (`intervalMs` each) until `steady` holds of what they received (sampleUntil). */
export function sampleUntilSteady(
  pages: StatsPage[],
  steady: (samples: Map<string, Growth>[]) => boolean,
  { tries = 4, intervalMs = 3000 } = {},
): Promise<Map<string, Growth>[]> {
  return sampleUntil(() => Promise.all(pages.map((p) => sampleGrowth(p, intervalMs))), steady, tries);
}

/** Decoded video and received audio at a steady call's rate, over a 3 s sample. */
export const flowing = (g: Growth | undefined) =>
  (g?.videoFramesDelta ?? 0) > 15 && (g?.audioPacketsDelta ?? 0) > 30;

/** A connection's selected (nominated, succeeded) candidate pair. */
export interface CandidatePair {
  state: string;
  /** The local candidate's address and port, and its type ("host", "relay"…). */
  local: string;
  localPort: number;
  localType: string;
  /** How the browser reaches its TURN server, for a relay candidate: "udp", "tcp" or "tls". */
  relayProtocol: string | null;
  remote: string;
  remotePort: number;
  remoteType: string;
}

/** For every connected recorded pc: its selected candidate pair. */
export async function selectedCandidatePairs(page: StatsPage): Promise<CandidatePair[]> {
  return page.evaluate(`(async () => {
    const out = [];
    for (const pc of (window.__pcs || [])) {
      if (pc.connectionState !== "connected") continue;
      let r; try { r = await pc.getStats(); } catch (e) { continue; }
      r.forEach((s) => {
        if (s.type !== "transport" || !s.selectedCandidatePairId) return;
        const pair = r.get(s.selectedCandidatePairId);
        const l = pair && r.get(pair.localCandidateId);
        const rm = pair && r.get(pair.remoteCandidateId);
        if (l && rm) out.push({ state: pair.state, local: l.address, localPort: l.port, localType: l.candidateType,
          relayProtocol: l.relayProtocol || null, remote: rm.address, remotePort: rm.port, remoteType: rm.candidateType });
      });
    }
    return out;
  })()`) as Promise<CandidatePair[]>;
}
