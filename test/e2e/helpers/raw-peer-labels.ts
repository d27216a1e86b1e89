/**
 * Like raw-peer.ts (a participant that speaks the protocol from inside a Chromium page, without the app, and
 * IGNORES moderation requests), but it chooses the labels of what it publishes (`publish.sources`): e.g. its
 * microphone declared as a shared tab's sound (`screen_audio`), the way a modified client could try to escape
 * a moderator's audio mute. Also: publishing an offer of a chosen shape (how many audio and video m-lines, and
 * their labels) to read the server's answer, and reading what an observer page receives per subscribe m-line.
 *
 * The page is the server's /healthz (same origin as /ws, a secure context on 127.0.0.1), so no app code runs.
 * Page-side code is a plain JavaScript string (see rtc.ts for why).
 */
import type { Page } from "playwright-core";
import { waitFor } from "../../helpers/wait.js";
import type { AnyMessage } from "../../helpers/ws-client.js";

export type Label = "microphone" | "camera" | "screen" | "screen_audio";

/** Opens a socket and joins; shared by both page-side scripts below. */
const CONNECT = `async (wsUrl, room, name) => {
  const ws = new WebSocket(wsUrl);
  let nextId = 1;
  const pending = new Map();
  const conn = { ws, received: [], closed: null, onPush: () => {} };
  conn.send = (m) => ws.send(JSON.stringify(m));
  conn.request = (m) => new Promise((resolve) => {
    const id = nextId++;
    pending.set(id, resolve);
    conn.send(Object.assign({}, m, { id }));
  });
  ws.onmessage = (ev) => {
    const m = JSON.parse(ev.data);
    conn.received.push(m);
    if (m.id !== undefined && pending.has(m.id)) {
      const resolve = pending.get(m.id);
      pending.delete(m.id);
      resolve(m);
      return;
    }
    conn.onPush(m);
  };
  ws.onclose = (ev) => { conn.closed = { code: ev.code, reason: ev.reason }; };
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = () => reject(new Error("websocket error"));
  });
  const joined = await conn.request({ type: "join", v: 1, room, name });
  if (joined.type !== "joined") throw new Error("join: " + JSON.stringify(joined));
  conn.id = joined.you.id;
  return conn;
}`;

/**
 * Joins, publishes the fake microphone and camera with `labels` for the first audio and video m-lines (absent:
 * left to the server's default), answers every subscribe.offer, and ignores moderation.
 */
const START = `async ({ wsUrl, room, name, labels }) => {
  const connect = ${CONNECT};
  const conn = await connect(wsUrl, room, name);
  const state = { id: conn.id, conn, errors: [] };
  window.__labelled = state;
  let sub = null;
  let subChain = Promise.resolve();
  const answer = async (offer) => {
    if (!sub) {
      sub = new RTCPeerConnection({ iceServers: [] });
      sub.onicecandidate = (e) => conn.send({ type: "trickle", pc: "subscribe", candidate: e.candidate ? e.candidate.toJSON() : null });
    }
    await sub.setRemoteDescription(offer.jsep);
    await sub.setLocalDescription(await sub.createAnswer());
    const reply = await conn.request({ type: "subscribe.answer", jsep: { type: "answer", sdp: sub.localDescription.sdp } });
    if (reply.type !== "ok") state.errors.push("subscribe.answer: " + JSON.stringify(reply));
  };
  // moderation.muted / moderation.unmute_request / floor.given: deliberately ignored.
  conn.onPush = (m) => {
    if (m.type === "subscribe.offer")
      subChain = subChain.then(() => answer(m)).catch((e) => state.errors.push("subscribe: " + String(e)));
  };
  const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 640, height: 360 } });
  state.stream = stream;
  const pub = new RTCPeerConnection({ iceServers: [] });
  state.pub = pub;
  const early = [];
  let offered = false;
  pub.onicecandidate = (e) => {
    const c = e.candidate ? e.candidate.toJSON() : null;
    if (offered) conn.send({ type: "trickle", pc: "publish", candidate: c });
    else early.push(c);
  };
  const audio = pub.addTransceiver(stream.getAudioTracks()[0], { direction: "sendonly", streams: [stream] });
  const video = pub.addTransceiver(stream.getVideoTracks()[0], { direction: "sendonly", streams: [stream] });
  await pub.setLocalDescription(await pub.createOffer());
  const sources = [];
  if (labels.audio) sources.push({ mid: audio.mid, source: labels.audio });
  if (labels.video) sources.push({ mid: video.mid, source: labels.video });
  const published = conn.request({ type: "publish", jsep: { type: "offer", sdp: pub.localDescription.sdp }, sources });
  offered = true;
  for (const c of early) conn.send({ type: "trickle", pc: "publish", candidate: c });
  const reply = await published;
  if (reply.type !== "publish.answer") throw new Error("publish: " + JSON.stringify(reply));
  await pub.setRemoteDescription(reply.jsep);
  return state.id;
}`;

export interface LabelledPeerState {
  id: string | null;
  /** Types of every message received, in order. */
  types: string[];
  errors: string[];
  closed: { code: number; reason: string } | null;
  publishState: string | null;
  /** The fake microphone's enabled flag: the raw client never touches it. */
  audioEnabled: boolean | null;
  /** Packets its publish connection sent, per kind. */
  sentAudio: number;
  sentVideo: number;
}

/**
 * Joins `room` from `page` (which must not have the app loaded), publishes with `labels`, and waits for the
 * publish connection to connect; returns the participant id.
 */
export async function startLabelledPeer(
  page: Page,
  origin: string,
  room: string,
  name: string,
  labels: { audio?: Label; video?: Label },
): Promise<string> {
  await page.goto(`${origin}/healthz`, { waitUntil: "load" });
  const wsUrl = `${origin.replace(/^http/, "ws")}/ws`;
  const id = (await page.evaluate(`(${START})(${JSON.stringify({ wsUrl, room, name, labels })})`)) as string;
  await waitFor(async () => (await labelledPeerState(page)).publishState === "connected", {
    timeoutMs: 30_000,
    what: "the labelled peer's publish connection to connect",
  });
  return id;
}

export async function labelledPeerState(page: Page): Promise<LabelledPeerState> {
  return page.evaluate(`(async () => {
    const s = window.__labelled;
    if (!s) return { id: null, types: [], errors: ["not started"], closed: null, publishState: null, audioEnabled: null, sentAudio: 0, sentVideo: 0 };
    const a = s.stream ? s.stream.getAudioTracks()[0] : null;
    let sentAudio = 0, sentVideo = 0;
    if (s.pub) (await s.pub.getStats()).forEach((r) => {
      if (r.type !== "outbound-rtp") return;
      if (r.kind === "audio") sentAudio += r.packetsSent || 0;
      if (r.kind === "video") sentVideo += r.packetsSent || 0;
    });
    return {
      id: s.id, types: s.conn.received.map((m) => m.type), errors: s.errors.slice(), closed: s.conn.closed,
      publishState: s.pub ? s.pub.connectionState : null, audioEnabled: a ? a.enabled : null, sentAudio, sentVideo,
    };
  })()`) as Promise<LabelledPeerState>;
}

/** Sends a request from the labelled peer's socket and returns the reply. */
export async function labelledRequest(page: Page, message: Record<string, unknown>): Promise<AnyMessage> {
  return page.evaluate(`window.__labelled.conn.request(${JSON.stringify(message)})`) as Promise<AnyMessage>;
}

/** One m-line of an offer of a chosen shape; `source`, when given, is declared in `publish.sources`. */
export interface ShapeLine {
  kind: "audio" | "video";
  source?: Label;
}

/**
 * From `page` (on /healthz, as above): a new participant joins `room` as `name`, sends `publish` with an offer
 * of m-lines `lines` (the fake devices' tracks, sendonly), and leaves. Returns the reply to `publish`.
 */
export async function publishShape(
  page: Page,
  origin: string,
  room: string,
  name: string,
  lines: ShapeLine[],
): Promise<{ id: string; reply: AnyMessage }> {
  const wsUrl = `${origin.replace(/^http/, "ws")}/ws`;
  return page.evaluate(`(async ({ wsUrl, room, name, lines }) => {
    const connect = ${CONNECT};
    const conn = await connect(wsUrl, room, name);
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 320, height: 180 } });
    const pc = new RTCPeerConnection({ iceServers: [] });
    const added = lines.map((line) => pc.addTransceiver(
      line.kind === "audio" ? stream.getAudioTracks()[0].clone() : stream.getVideoTracks()[0].clone(),
      { direction: "sendonly", streams: [stream] },
    ));
    await pc.setLocalDescription(await pc.createOffer());
    const sources = lines.flatMap((line, i) => line.source ? [{ mid: added[i].mid, source: line.source }] : []);
    const reply = await conn.request({ type: "publish", jsep: { type: "offer", sdp: pc.localDescription.sdp }, sources });
    await conn.request({ type: "leave" });
    pc.close();
    for (const t of stream.getTracks()) t.stop();
    return { id: conn.id, reply };
  })(${JSON.stringify({ wsUrl, room, name, lines })})`) as Promise<{ id: string; reply: AnyMessage }>;
}

export interface MidInbound {
  trackId: string;
  packetsReceived: number;
  totalAudioEnergy: number;
  framesDecoded: number;
}

/**
 * What the page's receiving m-lines `mids` (of its subscribe connection: the recvonly transceivers) received,
 * from their receivers' inbound-rtp stats. A mid the page has no receiving transceiver for is null.
 */
export async function inboundByMid(page: Page, mids: string[]): Promise<Record<string, MidInbound | null>> {
  return page.evaluate(`(async (mids) => {
    const out = {};
    for (const mid of mids) out[mid] = null;
    for (const pc of (window.__pcs || [])) {
      if (pc.signalingState === "closed") continue;
      for (const t of pc.getTransceivers()) {
        if (!(t.mid in out) || (t.currentDirection !== "recvonly" && t.direction !== "recvonly")) continue;
        let s = null;
        (await t.receiver.getStats()).forEach((r) => { if (r.type === "inbound-rtp") s = r; });
        out[t.mid] = {
          trackId: t.receiver.track.id,
          packetsReceived: s ? s.packetsReceived || 0 : 0,
          totalAudioEnergy: s ? s.totalAudioEnergy || 0 : 0,
          framesDecoded: s ? s.framesDecoded || 0 : 0,
        };
      }
    }
    return out;
  })(${JSON.stringify(mids)})`) as Promise<Record<string, MidInbound | null>>;
}
