/**
 * A participant that speaks the protocol from inside a Chromium page, without the app: it joins, publishes the
 * fake camera and microphone (audio + video, sendonly), answers every subscribe.offer, trickles, and IGNORES
 * moderation requests (moderation.muted, unmute requests): it keeps sending whatever it is told, like a
 * modified client would. Used to prove that a moderator's mute is enforced by the media server.
 *
 * The page is the server's /healthz (same origin as /ws, a secure context on 127.0.0.1), so no app code runs.
 * Page-side code is a plain JavaScript string (see rtc.ts for why).
 */
import type { Page } from "playwright-core";
import { waitFor } from "../../helpers/wait.js";

const START = `async ({ wsUrl, room, name }) => {
  const state = { id: null, received: [], errors: [], closed: null };
  window.__raw = state;
  const ws = new WebSocket(wsUrl);
  let nextId = 1;
  const pending = new Map();
  const send = (m) => ws.send(JSON.stringify(m));
  const request = (m) => new Promise((resolve) => {
    const id = nextId++;
    pending.set(id, resolve);
    send(Object.assign({}, m, { id }));
  });
  state.request = request;
  let sub = null;
  let subChain = Promise.resolve();
  const answer = async (offer) => {
    if (!sub) {
      sub = new RTCPeerConnection({ iceServers: [] });
      state.sub = sub;
      sub.onicecandidate = (e) => send({ type: "trickle", pc: "subscribe", candidate: e.candidate ? e.candidate.toJSON() : null });
    }
    await sub.setRemoteDescription(offer.jsep);
    const local = await sub.createAnswer();
    await sub.setLocalDescription(local);
    const reply = await request({ type: "subscribe.answer", jsep: { type: "answer", sdp: sub.localDescription.sdp } });
    if (reply.type !== "ok") state.errors.push("subscribe.answer: " + JSON.stringify(reply));
  };
  ws.onmessage = (ev) => {
    const m = JSON.parse(ev.data);
    state.received.push(m);
    if (m.id !== undefined && pending.has(m.id)) {
      const resolve = pending.get(m.id);
      pending.delete(m.id);
      resolve(m);
      return;
    }
    if (m.type === "subscribe.offer") {
      subChain = subChain.then(() => answer(m)).catch((e) => state.errors.push("subscribe: " + String(e)));
    }
    // moderation.muted / moderation.unmute_request / floor.given: deliberately ignored.
  };
  ws.onclose = (ev) => { state.closed = { code: ev.code, reason: ev.reason }; };
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = () => reject(new Error("websocket error"));
  });
  const joined = await request({ type: "join", v: 1, room, name });
  if (joined.type !== "joined") throw new Error("join: " + JSON.stringify(joined));
  state.id = joined.you.id;
  const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 640, height: 360 } });
  state.stream = stream;
  const pub = new RTCPeerConnection({ iceServers: [] });
  state.pub = pub;
  const early = [];
  let offered = false;
  pub.onicecandidate = (e) => {
    const c = e.candidate ? e.candidate.toJSON() : null;
    if (offered) send({ type: "trickle", pc: "publish", candidate: c });
    else early.push(c);
  };
  pub.addTransceiver(stream.getAudioTracks()[0], { direction: "sendonly", streams: [stream] });
  pub.addTransceiver(stream.getVideoTracks()[0], { direction: "sendonly", streams: [stream] });
  await pub.setLocalDescription(await pub.createOffer());
  const published = request({ type: "publish", jsep: { type: "offer", sdp: pub.localDescription.sdp } });
  offered = true;
  for (const c of early) send({ type: "trickle", pc: "publish", candidate: c });
  const reply = await published;
  if (reply.type !== "publish.answer") throw new Error("publish: " + JSON.stringify(reply));
  await pub.setRemoteDescription(reply.jsep);
  return state.id;
}`;

export interface RawPeerState {
  id: string | null;
  /** Types of every message received, in order. */
  types: string[];
  errors: string[];
  closed: { code: number; reason: string } | null;
  publishState: string | null;
  /** The fake tracks' enabled flags: the raw client never touches them. */
  audioEnabled: boolean | null;
  videoEnabled: boolean | null;
}

/** Joins `room` from `page` (which must not have the app loaded) and publishes; returns the participant id. */
export async function startRawPeer(page: Page, origin: string, room: string, name: string): Promise<string> {
  await page.goto(`${origin}/healthz`, { waitUntil: "load" });
  const wsUrl = `${origin.replace(/^http/, "ws")}/ws`;
  const id = (await page.evaluate(`(${START})(${JSON.stringify({ wsUrl, room, name })})`)) as string;
  await waitFor(async () => (await rawPeerState(page)).publishState === "connected", {
    timeoutMs: 30_000,
    what: "the raw peer's publish connection to connect",
  });
  return id;
}

export async function rawPeerState(page: Page): Promise<RawPeerState> {
  return page.evaluate(`(() => {
    const s = window.__raw;
    if (!s) return { id: null, types: [], errors: ["not started"], closed: null, publishState: null, audioEnabled: null, videoEnabled: null };
    const a = s.stream ? s.stream.getAudioTracks()[0] : null;
    const v = s.stream ? s.stream.getVideoTracks()[0] : null;
    return {
      id: s.id, types: s.received.map((m) => m.type), errors: s.errors.slice(), closed: s.closed,
      publishState: s.pub ? s.pub.connectionState : null,
      audioEnabled: a ? a.enabled : null, videoEnabled: v ? v.enabled : null,
    };
  })()`) as Promise<RawPeerState>;
}

/** Sends a request from the raw peer and returns the reply. */
// biome-ignore lint/suspicious/noExplicitAny: protocol replies are inspected loosely by tests
export async function rawRequest(page: Page, message: Record<string, unknown>): Promise<Record<string, any>> {
  return page.evaluate(`window.__raw.request(${JSON.stringify(message)})`) as Promise<
    Record<string, unknown>
  >;
}

/** The raw peer's own sending, from its publish connection's outbound-rtp stats. */
export async function rawOutbound(page: Page): Promise<{ audioPackets: number; videoPackets: number }> {
  return page.evaluate(`(async () => {
    const pc = window.__raw && window.__raw.pub;
    let audioPackets = 0, videoPackets = 0;
    if (!pc) return { audioPackets, videoPackets };
    const r = await pc.getStats();
    r.forEach((s) => {
      if (s.type !== "outbound-rtp") return;
      if (s.kind === "audio") audioPackets += s.packetsSent || 0;
      if (s.kind === "video") videoPackets += s.packetsSent || 0;
    });
    return { audioPackets, videoPackets };
  })()`) as Promise<{ audioPackets: number; videoPackets: number }>;
}
