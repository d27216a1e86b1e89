/**
 * The media model of a load bot, independent of how it signals: what its publish and subscribe connections
 * offer (Publisher, Receiver), their counters, and the loopback rules for candidates. Used by the Palabre bot
 * (bot.ts, over our WebSocket protocol) and by the raw-Janus bots of the capacity benchmark (bench/raw-janus.ts).
 *
 * The libwebrtc connections here are the costly ones: BotPublisher encodes the synthetic sources
 * (synthetic-clock.ts) live, used once per process to record them (recording.ts; bots replay the recording,
 * replay-publisher.ts); BotSubscriber decodes what it receives, for bots asked to `decode` (bots otherwise
 * count what they receive without decrypting it, counting-receiver.ts).
 */
import wrtc from "@roamhq/wrtc";
import { type AudioSource, clock, type VideoSource, videoFps } from "./synthetic-clock.js";

const { RTCPeerConnection, nonstandard } = wrtc;

/** What a candidate looks like on the wire (`RTCIceCandidate.toJSON()`). */
export interface WireCandidate {
  candidate: string;
  sdpMid?: string | null;
  sdpMLineIndex?: number | null;
}

/** Is this candidate (`candidate:…`, with or without `a=`) loopback UDP? */
function isLoopbackUdp(candidate: string): boolean {
  const parts = candidate.split(" ");
  return (parts[2] ?? "").toLowerCase() === "udp" && (parts[4] ?? "").startsWith("127.");
}

/**
 * Only loopback UDP candidates leave a bot: this machine's own interface addresses (and IPv6, and TCP) are
 * never signalled, so the media server only ever reaches a bot on 127.0.0.0/8. Takes libwebrtc's and werift's
 * candidates alike.
 */
export function loopbackOnly(c: {
  candidate?: string;
  sdpMid?: string | null;
  sdpMLineIndex?: number | null;
}): WireCandidate | undefined {
  if (!c.candidate || !isLoopbackUdp(c.candidate)) return undefined;
  return { candidate: c.candidate, sdpMid: c.sdpMid ?? null, sdpMLineIndex: c.sdpMLineIndex ?? null };
}

/** Removes `a=candidate` lines for anything but loopback UDP (an SDP could carry gathered candidates). */
export function stripNonLoopbackCandidates(sdp: string): string {
  return sdp
    .split("\r\n")
    .filter((line) => !line.startsWith("a=candidate:") || isLoopbackUdp(line))
    .join("\r\n");
}

// ── Counters ─────────────────────────────────────────────────────────────────────────────────

export interface OutCounters {
  audioPackets: number;
  videoPackets: number;
  videoFrames: number;
  bytes: number;
  /** Key frame requests (PLI, FIR) the camera received. */
  keyFrameRequests: number;
}

export interface InCounters {
  audioPackets: number;
  videoPackets: number;
  /**
   * Video frames received: decoded ones (libwebrtc's getStats) or, for the counting receiver, complete ones
   * (the RTP packet that ends a frame carries the marker bit).
   */
  frames: number;
  /** Frames handed to JavaScript (RTCVideoSink), only with `decode`. */
  framesSunk: number;
  bytes: number;
  /** Packets per mid of the subscribe connection. */
  byMid: Map<string, { kind: string; packets: number; frames: number }>;
}

export function emptyOut(): OutCounters {
  return { audioPackets: 0, videoPackets: 0, videoFrames: 0, bytes: 0, keyFrameRequests: 0 };
}

export function emptyIn(): InCounters {
  return { audioPackets: 0, videoPackets: 0, frames: 0, framesSunk: 0, bytes: 0, byMid: new Map() };
}

type StatsEntry = Record<string, unknown> & { type: string };

async function statsOf(pc: RTCPeerConnection): Promise<StatsEntry[]> {
  const report = await pc.getStats();
  const out: StatsEntry[] = [];
  report.forEach((s: StatsEntry) => {
    out.push(s);
  });
  return out;
}

const num = (v: unknown): number => (typeof v === "number" && Number.isFinite(v) ? v : 0);

// ── Peer connections ─────────────────────────────────────────────────────────────────────────

export interface PeerOptions {
  iceServers: RTCIceServer[];
  /** Called for each loopback candidate, then once with null when gathering completes. */
  onCandidate(candidate: WireCandidate | null): void;
}

/** The latest connectionState, cached from events: reading it from the binding blocks on its signaling thread. */
export const lastState = new WeakMap<RTCPeerConnection, RTCPeerConnectionState>();

function newPeerConnection(opts: PeerOptions): RTCPeerConnection {
  const pc = new RTCPeerConnection({
    iceServers: opts.iceServers,
    bundlePolicy: "max-bundle",
    rtcpMuxPolicy: "require",
  });
  pc.onicecandidate = (ev) => {
    if (!ev.candidate) {
      opts.onCandidate(null);
      return;
    }
    const c = loopbackOnly(ev.candidate);
    if (c) opts.onCandidate(c);
  };
  lastState.set(pc, "new");
  pc.addEventListener("connectionstatechange", () => lastState.set(pc, pc.connectionState));
  return pc;
}

/** Resolves when `pc` reaches `connected`; rejects on `failed`/`closed` or after `timeoutMs`. */
export function connected(pc: RTCPeerConnection, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const state = pc.connectionState;
      if (state === "connected") done();
      else if (state === "failed" || state === "closed") done(new Error(`connection ${state}`));
    };
    const timer = setTimeout(
      () => done(new Error(`not connected after ${timeoutMs} ms (${pc.connectionState})`)),
      timeoutMs,
    );
    const done = (err?: Error) => {
      clearTimeout(timer);
      pc.removeEventListener("connectionstatechange", check);
      if (err) reject(err);
      else resolve();
    };
    pc.addEventListener("connectionstatechange", check);
    check();
  });
}

export type AudioMode = "off" | "muted" | "on";

export interface PublisherOptions extends PeerOptions {
  /** off: no audio m-line; muted: an m-line with no track (sends nothing); on: a quiet tone. */
  audio: AudioMode;
  video: boolean;
  /** Cap for the single video encoding, bit/s. */
  videoMaxBitrate?: number;
}

/** A bot's publish connection: it offers (at most) one audio and one video m-line, both sendonly. */
export interface Publisher {
  /** connectionState, as last reported by the connection. */
  readonly state: string;
  createOffer(): Promise<string>;
  applyAnswer(sdp: string): Promise<void>;
  /** Resolves once connected; rejects on failed/closed or after `timeoutMs`. */
  connected(timeoutMs: number): Promise<void>;
  /** Mutes (no packets at all) or unmutes the tone. */
  setAudio(on: boolean): Promise<void>;
  counters(): Promise<OutCounters>;
  close(): void;
}

/**
 * The libwebrtc publish connection, encoding the shared clock's sources live. Bots replay a recording of it
 * instead (replay-publisher.ts); recording.ts uses it to make that recording.
 */
export class BotPublisher implements Publisher {
  readonly pc: RTCPeerConnection;
  readonly #audioSource: AudioSource | undefined;
  readonly #videoSource: VideoSource | undefined;
  readonly #audioSender: RTCRtpSender | undefined;
  #audioTrack: MediaStreamTrack | undefined;
  #closed = false;

  constructor(readonly opts: PublisherOptions) {
    this.pc = newPeerConnection(opts);
    if (opts.audio !== "off") {
      const transceiver = this.pc.addTransceiver("audio", { direction: "sendonly" });
      this.#audioSender = transceiver.sender;
      if (opts.audio === "on") {
        this.#audioSource = new nonstandard.RTCAudioSource();
        this.#audioTrack = this.#audioSource.createTrack();
        void transceiver.sender.replaceTrack(this.#audioTrack);
        clock.addAudio(this.#audioSource);
      }
    }
    if (opts.video) {
      this.#videoSource = new nonstandard.RTCVideoSource();
      const track = this.#videoSource.createTrack();
      this.pc.addTransceiver(track, {
        direction: "sendonly",
        sendEncodings: [{ maxBitrate: opts.videoMaxBitrate ?? 200_000, maxFramerate: videoFps() }],
      });
      clock.addVideo(this.#videoSource);
    }
  }

  get state(): string {
    return lastState.get(this.pc) ?? "new";
  }

  connected(timeoutMs: number): Promise<void> {
    return connected(this.pc, timeoutMs);
  }

  async createOffer(): Promise<string> {
    const offer = await this.pc.createOffer();
    await this.pc.setLocalDescription(offer);
    return stripNonLoopbackCandidates(offer.sdp ?? "");
  }

  async applyAnswer(sdp: string): Promise<void> {
    await this.pc.setRemoteDescription({ type: "answer", sdp });
  }

  /** Mutes (no packets at all: the track is taken off the sender) or unmutes the tone. */
  async setAudio(on: boolean): Promise<void> {
    if (!this.#audioSender) return;
    if (on) {
      const source = this.#audioSource ?? new nonstandard.RTCAudioSource();
      this.#audioTrack ??= source.createTrack();
      clock.addAudio(source);
      await this.#audioSender.replaceTrack(this.#audioTrack);
    } else {
      await this.#audioSender.replaceTrack(null);
      if (this.#audioSource) clock.removeAudio(this.#audioSource);
    }
  }

  async counters(): Promise<OutCounters> {
    const out = emptyOut();
    if (this.#closed) return out;
    for (const s of await statsOf(this.pc)) {
      if (s.type !== "outbound-rtp") continue;
      out.bytes += num(s.bytesSent);
      if (s.kind === "audio") out.audioPackets += num(s.packetsSent);
      if (s.kind === "video") {
        out.videoPackets += num(s.packetsSent);
        out.videoFrames += num(s.framesEncoded);
        out.keyFrameRequests += num(s.pliCount) + num(s.firCount);
      }
    }
    return out;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    lastState.set(this.pc, "closed");
    if (this.#audioSource) clock.removeAudio(this.#audioSource);
    if (this.#videoSource) clock.removeVideo(this.#videoSource);
    for (const t of this.pc.getTransceivers()) t.sender.track?.stop();
    this.pc.close();
  }
}

/** A bot's subscribe connection: the media server offers, the bot answers and reports what it received. */
export interface Receiver {
  /** connectionState, as last reported by the connection. */
  readonly state: string;
  /** Applies an offer and returns the answer's SDP. */
  answer(offerSdp: string): Promise<string>;
  counters(): Promise<InCounters>;
  /** Resolves once connected; rejects on failed/closed or after `timeoutMs`. */
  connected(timeoutMs: number): Promise<void>;
  close(): void;
}

export interface SubscriberOptions extends PeerOptions {
  /** Hand decoded video frames to JavaScript and count them (costly: only when asked). */
  decode?: boolean;
}

/** The libwebrtc subscribe connection: decodes what it receives (bots' `--decode`). */
export class BotSubscriber implements Receiver {
  readonly pc: RTCPeerConnection;
  readonly #sinks: { stop(): void }[] = [];
  #framesSunk = 0;
  #closed = false;

  constructor(readonly opts: SubscriberOptions) {
    this.pc = newPeerConnection(opts);
    if (opts.decode) {
      this.pc.ontrack = (ev) => {
        if (ev.track.kind !== "video") return;
        const sink = new nonstandard.RTCVideoSink(ev.track);
        sink.onframe = () => {
          this.#framesSunk++;
        };
        this.#sinks.push(sink);
      };
    }
  }

  get state(): string {
    return lastState.get(this.pc) ?? "new";
  }

  connected(timeoutMs: number): Promise<void> {
    return connected(this.pc, timeoutMs);
  }

  async answer(offerSdp: string): Promise<string> {
    await this.pc.setRemoteDescription({ type: "offer", sdp: offerSdp });
    const answer = await this.pc.createAnswer();
    await this.pc.setLocalDescription(answer);
    return stripNonLoopbackCandidates(answer.sdp ?? "");
  }

  async counters(): Promise<InCounters> {
    const c = emptyIn();
    c.framesSunk = this.#framesSunk;
    if (this.#closed) return c;
    // inbound-rtp carries `mid` in this libwebrtc; fall back on the track id → mid of the transceivers.
    const midOfTrack = new Map<string, string>();
    for (const t of this.pc.getTransceivers()) {
      if (t.mid !== null) midOfTrack.set(t.receiver.track.id, t.mid);
    }
    for (const s of await statsOf(this.pc)) {
      if (s.type !== "inbound-rtp") continue;
      const packets = num(s.packetsReceived);
      const frames = num(s.framesDecoded);
      c.bytes += num(s.bytesReceived);
      if (s.kind === "audio") c.audioPackets += packets;
      if (s.kind === "video") {
        c.videoPackets += packets;
        c.frames += frames;
      }
      const mid =
        typeof s.mid === "string" ? s.mid : (midOfTrack.get(String(s.trackIdentifier ?? "")) ?? undefined);
      if (mid !== undefined) c.byMid.set(mid, { kind: String(s.kind), packets, frames });
    }
    return c;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    lastState.set(this.pc, "closed");
    for (const s of this.#sinks) s.stop();
    this.pc.close();
  }
}
