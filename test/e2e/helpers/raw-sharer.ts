/**
 * A raw in-page participant (no app code, like raw-peer.ts) that publishes a microphone, a camera AND a screen
 * share (a second video m-line declared `screen`, fed by a clone of the fake camera so it keeps producing
 * frames), answers every subscribe.offer, and IGNORES moderation (moderation.muted for any kind): it keeps its
 * tracks enabled and keeps sending. Used to prove that a moderator's camera and screen mutes are enforced by
 * the media server, not by the client's good will.
 *
 * The page is the server's /healthz (same origin as /ws, a secure context on 127.0.0.1). Page-side code is a
 * plain JavaScript string (see rtc.ts for why).
 */
import type { Page } from "playwright-core";
import { waitFor } from "../../helpers/wait.js";

const START = `async ({ wsUrl, room, name }) => {
  const ws = new WebSocket(wsUrl);
  let nextId = 1;
  const pending = new Map();
  const state = { id: null, received: [], errors: [], closed: null, mids: {} };
  window.__sharer = state;
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
      sub.onicecandidate = (e) => send({ type: "trickle", pc: "subscribe", candidate: e.candidate ? e.candidate.toJSON() : null });
    }
    await sub.setRemoteDescription(offer.jsep);
    await sub.setLocalDescription(await sub.createAnswer());
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
    if (m.type === "subscribe.offer")
      subChain = subChain.then(() => answer(m)).catch((e) => state.errors.push("subscribe: " + String(e)));
    // moderation.muted (audio, video or screen) / moderation.unmute_request: deliberately ignored.
  };
  ws.onclose = (ev) => { state.closed = { code: ev.code, reason: ev.reason }; };
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = () => reject(new Error("websocket error"));
  });
  const joined = await request({ type: "join", v: 1, room, name });
  if (joined.type !== "joined") throw new Error("join: " + JSON.stringify(joined));
  state.id = joined.you.id;
  // Declared first, as the protocol asks of a sharer (and so the moderator's menu offers "stop screen").
  const declared = await request({ type: "media.state", audio: true, video: true, screen: true });
  if (declared.type !== "ok") throw new Error("media.state: " + JSON.stringify(declared));
  const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 640, height: 360 } });
  const screen = stream.getVideoTracks()[0].clone();
  state.tracks = [stream.getAudioTracks()[0], stream.getVideoTracks()[0], screen];
  const pub = new RTCPeerConnection({ iceServers: [] });
  state.pub = pub;
  const early = [];
  let offered = false;
  pub.onicecandidate = (e) => {
    const c = e.candidate ? e.candidate.toJSON() : null;
    if (offered) send({ type: "trickle", pc: "publish", candidate: c });
    else early.push(c);
  };
  const mic = pub.addTransceiver(state.tracks[0], { direction: "sendonly", streams: [stream] });
  const cam = pub.addTransceiver(state.tracks[1], { direction: "sendonly", streams: [stream] });
  const scr = pub.addTransceiver(screen, { direction: "sendonly", streams: [new MediaStream([screen])] });
  await pub.setLocalDescription(await pub.createOffer());
  state.senders = { microphone: mic.sender, camera: cam.sender, screen: scr.sender };
  const sources = [
    { mid: mic.mid, source: "microphone" },
    { mid: cam.mid, source: "camera" },
    { mid: scr.mid, source: "screen" },
  ];
  const published = request({ type: "publish", jsep: { type: "offer", sdp: pub.localDescription.sdp }, sources });
  offered = true;
  for (const c of early) send({ type: "trickle", pc: "publish", candidate: c });
  const reply = await published;
  if (reply.type !== "publish.answer") throw new Error("publish: " + JSON.stringify(reply));
  await pub.setRemoteDescription(reply.jsep);
  return state.id;
}`;

export interface SharerState {
  id: string | null;
  /** Types of every message received, in order. */
  types: string[];
  /** Every moderation.muted kind received, in order. */
  mutedKinds: string[];
  errors: string[];
  closed: { code: number; reason: string } | null;
  publishState: string | null;
  /** The enabled flags of its microphone, camera and screen tracks: the raw client never touches them. */
  enabled: boolean[];
  /** What its publish connection sent per source: audio packets, video frames encoded. */
  sentAudio: number;
  cameraFrames: number;
  screenFrames: number;
}

/** Joins `room` from `page` (no app loaded), publishes microphone, camera and screen; returns the id. */
export async function startRawSharer(
  page: Page,
  origin: string,
  room: string,
  name: string,
): Promise<string> {
  await page.goto(`${origin}/healthz`, { waitUntil: "load" });
  const wsUrl = `${origin.replace(/^http/, "ws")}/ws`;
  const id = (await page.evaluate(`(${START})(${JSON.stringify({ wsUrl, room, name })})`)) as string;
  await waitFor(async () => (await sharerState(page)).publishState === "connected", {
    timeoutMs: 30_000,
    what: "the raw sharer's publish connection to connect",
  });
  return id;
}

export async function sharerState(page: Page): Promise<SharerState> {
  return page.evaluate(`(async () => {
    const s = window.__sharer;
    if (!s) return { id: null, types: [], mutedKinds: [], errors: ["not started"], closed: null, publishState: null,
      enabled: [], sentAudio: 0, cameraFrames: 0, screenFrames: 0 };
    const out = (sender, field) => sender.getStats().then((r) => {
      let n = 0;
      r.forEach((x) => { if (x.type === "outbound-rtp") n += x[field] || 0; });
      return n;
    });
    const senders = s.senders;
    return {
      id: s.id,
      types: s.received.map((m) => m.type),
      mutedKinds: s.received.filter((m) => m.type === "moderation.muted").map((m) => m.kind),
      errors: s.errors.slice(),
      closed: s.closed,
      publishState: s.pub ? s.pub.connectionState : null,
      enabled: (s.tracks || []).map((t) => t.enabled),
      sentAudio: senders ? await out(senders.microphone, "packetsSent") : 0,
      cameraFrames: senders ? await out(senders.camera, "framesEncoded") : 0,
      screenFrames: senders ? await out(senders.screen, "framesEncoded") : 0,
    };
  })()`) as Promise<SharerState>;
}
