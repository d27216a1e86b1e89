/**
 * A load bot: a headless participant that enters a room through Palabre's real WebSocket protocol
 * (PROTOCOL.md) — join, publish, trickle, subscribe.offer/answer, subscribe.configure, media.state, leave —
 * with no side door. Its media is in media.ts.
 *
 *   const bot = new Bot({ url, room, name: "bot-1", audio: "muted", video: false, subscribe: false });
 *   await bot.start();            // joined, publishing (if it has anything to publish)
 *   const report = await bot.report();
 *   await bot.leave();
 */
import WebSocket from "ws";
import { newPublisher, newReceiver, preparePublisher, receiveMode } from "./connections.js";
import {
  type AudioMode,
  emptyIn,
  emptyOut,
  type InCounters,
  type OutCounters,
  type Publisher,
  type Receiver,
  type WireCandidate,
} from "./media.js";

export interface BotOptions {
  /** ws://host:port/ws */
  url: string;
  room: string;
  name: string;
  /** off: publishes no audio; muted: an audio m-line that sends nothing (media.state audio:false); on: a tone. */
  audio: AudioMode;
  /** Publishes a 320×180 15 fps VP8 stream (one encoding). */
  video: boolean;
  /** Receives everyone's media; otherwise answers offers and turns every stream off (subscribe.configure). */
  subscribe: boolean;
  /**
   * A subscribing bot decodes what it receives (libwebrtc) and hands the frames to JavaScript (RTCVideoSink);
   * costly. Otherwise it counts packets and frames without decoding them.
   */
  decode?: boolean;
  /** For joined → publish connected, and for each request. */
  timeoutMs?: number;
}

/** A participant as the bot last heard of it. */
export interface Peer {
  id: string;
  name: string;
  audio: boolean;
  video: boolean;
}

/** One stream of the subscribe connection, from the latest subscribe.offer. */
export interface StreamInfo {
  mid: string;
  participantId: string;
  kind: string;
}

export interface BotReport {
  name: string;
  id: string | undefined;
  state: BotState;
  /** connect → `joined`, ms. */
  joinMs: number | undefined;
  /** `joined` → publish connection connected, ms. */
  publishConnectedMs: number | undefined;
  publishState: string;
  subscribeState: string;
  /** subscribe.offer received / answered. */
  offers: number;
  answers: number;
  out: OutCounters;
  in: InCounters;
  /** Packets received per publishing participant (audio + video), from the subscribe connection. */
  inByParticipant: Map<string, { audio: number; video: number; frames: number }>;
  wsIn: number;
  wsOut: number;
  failures: string[];
}

export type BotState = "new" | "connecting" | "joined" | "left" | "closed" | "failed";

type Msg = Record<string, unknown> & { type: string };

interface PendingRequest {
  resolve(msg: Msg): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

export class Bot {
  readonly opts: BotOptions;
  state: BotState = "new";
  id: string | undefined;
  joinMs: number | undefined;
  publishConnectedMs: number | undefined;
  readonly failures: string[] = [];
  /** Everyone else in the room, as announced. */
  readonly peers = new Map<string, Peer>();
  /** The latest subscribe.offer's streams, by mid. */
  streams = new Map<string, StreamInfo>();
  offers = 0;
  answers = 0;
  wsIn = 0;
  wsOut = 0;
  /** Messages received, by type. */
  readonly inByType = new Map<string, number>();
  /** Resolves when the socket closes (code, reason). */
  readonly closed: Promise<{ code: number; reason: string }>;
  closeInfo: { code: number; reason: string } | undefined;

  #ws: WebSocket | undefined;
  #closedResolve: (info: { code: number; reason: string }) => void = () => {};
  #nextId = 1;
  readonly #pending = new Map<number, PendingRequest>();
  #publisher: Publisher | undefined;
  #subscriber: Receiver | undefined;
  /** subscribe.offer handling runs in turn. */
  #offerChain: Promise<void> = Promise.resolve();
  /** Mids already turned off (non-subscribing bot). */
  readonly #silenced = new Set<string>();
  #iceServers: RTCIceServer[] = [];
  #leaving = false;
  readonly #timeoutMs: number;
  readonly #listeners = new Set<(msg: Msg) => void>();

  constructor(opts: BotOptions) {
    this.opts = opts;
    this.#timeoutMs = opts.timeoutMs ?? 20_000;
    this.closed = new Promise((resolve) => {
      this.#closedResolve = resolve;
    });
  }

  get publishState(): string {
    return this.#publisher?.state ?? "none";
  }

  get subscribeState(): string {
    return this.#subscriber?.state ?? "none";
  }

  /** What starting needs and every bot of the process shares (see `preparePublisher`). */
  async prepare(): Promise<void> {
    await preparePublisher(this.opts);
  }

  /** Connects, joins, and publishes; resolves once the publish connection is up (or right after join). */
  async start(): Promise<void> {
    this.state = "connecting";
    const t0 = performance.now();
    try {
      await this.#connect();
      const joined = await this.request(
        {
          type: "join",
          v: 1,
          room: this.opts.room,
          name: this.opts.name,
          audio: this.opts.audio === "on",
          video: this.opts.video,
        },
        this.#timeoutMs,
      );
      if (joined.type !== "joined") throw new Error(`join refused: ${describe(joined)}`);
      this.joinMs = performance.now() - t0;
      this.state = "joined";
      const you = joined.you as { id: string };
      this.id = you.id;
      for (const p of (joined.participants as Peer[]) ?? []) this.peers.set(p.id, pick(p));
      this.#iceServers = (joined.iceServers as RTCIceServer[]) ?? [];
      if (this.opts.audio !== "off" || this.opts.video) await this.#publish(performance.now());
    } catch (err) {
      this.#fail(`start: ${errText(err)}`);
      this.state = "failed";
      throw err;
    }
  }

  /** Sends a request with a fresh id and resolves with the reply carrying it (any type). */
  request(msg: Record<string, unknown>, timeoutMs = this.#timeoutMs): Promise<Msg> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`no reply to ${String(msg.type)} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#pending.set(id, { resolve, reject, timer });
      this.send({ ...msg, id });
    });
  }

  send(msg: Record<string, unknown>): void {
    const ws = this.#ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return;
    this.wsOut++;
    ws.send(JSON.stringify(msg));
  }

  /** Called for every message the bot receives (after its own handling). */
  onMessage(listener: (msg: Msg) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Turns the tone on or off: media.state for the others, and the track on or off the sender. */
  async setAudio(on: boolean): Promise<void> {
    await this.#publisher?.setAudio(on);
    const reply = await this.request({ type: "media.state", audio: on, video: this.opts.video });
    if (reply.type !== "ok") throw new Error(`media.state refused: ${describe(reply)}`);
  }

  /** Waits until every subscribe.offer received so far has been answered (and configured). */
  settled(): Promise<void> {
    return this.#offerChain;
  }

  /** Hangs up with `leave` (the server answers ok and closes with 4000), then closes the connections. */
  async leave(timeoutMs = 5000): Promise<void> {
    this.#leaving = true;
    if (this.#ws?.readyState === WebSocket.OPEN && this.state === "joined") {
      try {
        const reply = await this.request({ type: "leave" }, timeoutMs);
        if (reply.type !== "ok") this.#fail(`leave: ${describe(reply)}`);
        await Promise.race([this.closed, new Promise((r) => setTimeout(r, timeoutMs))]);
      } catch (err) {
        this.#fail(`leave: ${errText(err)}`);
      }
    }
    this.state = this.state === "failed" ? "failed" : "left";
    this.close();
  }

  /** Drops everything at once, without `leave` (a crashed client). */
  close(): void {
    this.#leaving = true;
    this.#publisher?.close();
    this.#subscriber?.close();
    this.#ws?.terminate();
    for (const [, p] of this.#pending) {
      clearTimeout(p.timer);
      p.reject(new Error("bot closed"));
    }
    this.#pending.clear();
  }

  async report(): Promise<BotReport> {
    const [out, inn] = await Promise.all([
      this.#publisher?.counters().catch(() => emptyOut()) ?? emptyOut(),
      this.#subscriber?.counters().catch(() => emptyIn()) ?? emptyIn(),
    ]);
    const inByParticipant = new Map<string, { audio: number; video: number; frames: number }>();
    for (const [mid, c] of inn.byMid) {
      const stream = this.streams.get(mid);
      if (!stream) continue;
      const entry = inByParticipant.get(stream.participantId) ?? { audio: 0, video: 0, frames: 0 };
      if (c.kind === "audio") entry.audio += c.packets;
      else entry.video += c.packets;
      entry.frames += c.frames;
      inByParticipant.set(stream.participantId, entry);
    }
    return {
      name: this.opts.name,
      id: this.id,
      state: this.state,
      joinMs: this.joinMs,
      publishConnectedMs: this.publishConnectedMs,
      publishState: this.publishState,
      subscribeState: this.subscribeState,
      offers: this.offers,
      answers: this.answers,
      out,
      in: inn,
      inByParticipant,
      wsIn: this.wsIn,
      wsOut: this.wsOut,
      failures: [...this.failures],
    };
  }

  // ── internals ──────────────────────────────────────────────────────────────────────────────

  #connect(): Promise<void> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(this.opts.url, { maxPayload: 16 * 1024 * 1024, perMessageDeflate: false });
      this.#ws = ws;
      const timer = setTimeout(() => {
        ws.terminate();
        reject(new Error(`websocket not open within ${this.#timeoutMs} ms`));
      }, this.#timeoutMs);
      ws.once("open", () => {
        clearTimeout(timer);
        resolve();
      });
      ws.once("error", (err) => {
        clearTimeout(timer);
        reject(err);
      });
      ws.on("message", (data) => this.#onFrame(data.toString()));
      ws.on("close", (code, reason) => {
        this.closeInfo = { code, reason: reason.toString() };
        if (!this.#leaving && this.state === "joined") {
          this.#fail(`socket closed unexpectedly (${code} ${reason.toString()})`);
          this.state = "closed";
        }
        this.#closedResolve(this.closeInfo);
      });
    });
  }

  #onFrame(text: string): void {
    this.wsIn++;
    let msg: Msg;
    try {
      msg = JSON.parse(text) as Msg;
    } catch {
      this.#fail("a frame that is not JSON");
      return;
    }
    this.inByType.set(msg.type, (this.inByType.get(msg.type) ?? 0) + 1);
    if (typeof msg.id === "number") {
      const pending = this.#pending.get(msg.id);
      if (pending) {
        this.#pending.delete(msg.id);
        clearTimeout(pending.timer);
        pending.resolve(msg);
      } else if (msg.type === "error") {
        this.#fail(`error for request ${msg.id}: ${describe(msg)}`);
      }
    } else {
      this.#onEvent(msg);
    }
    for (const listener of this.#listeners) listener(msg);
  }

  #onEvent(msg: Msg): void {
    switch (msg.type) {
      case "participant.joined":
      case "participant.updated": {
        const p = msg.participant as Peer;
        this.peers.set(p.id, pick(p));
        break;
      }
      case "participant.left":
        this.peers.delete(String(msg.participantId));
        break;
      case "subscribe.offer": {
        this.offers++;
        const jsep = msg.jsep as { sdp: string };
        const streams = (msg.streams as StreamInfo[]) ?? [];
        this.#offerChain = this.#offerChain.then(() =>
          this.#onSubscribeOffer(jsep.sdp, streams).catch((err) => {
            if (!this.#leaving) this.#fail(`subscribe: ${errText(err)}`);
          }),
        );
        break;
      }
      case "error":
        // Errors without id: rate_limited, or a failure the server reports on its own.
        this.#fail(`server error: ${describe(msg)}`);
        break;
      default:
        break;
    }
  }

  async #publish(since: number): Promise<void> {
    const publisher = await newPublisher({
      iceServers: this.#iceServers,
      audio: this.opts.audio,
      video: this.opts.video,
      onCandidate: (c) => this.#trickle("publish", c),
    });
    this.#publisher = publisher;
    const sdp = await publisher.createOffer();
    const reply = await this.request({ type: "publish", jsep: { type: "offer", sdp } });
    if (reply.type !== "publish.answer") throw new Error(`publish refused: ${describe(reply)}`);
    await publisher.applyAnswer((reply.jsep as { sdp: string }).sdp);
    await publisher.connected(this.#timeoutMs);
    this.publishConnectedMs = performance.now() - since;
  }

  async #onSubscribeOffer(sdp: string, streams: StreamInfo[]): Promise<void> {
    if (this.#leaving) return;
    this.#subscriber ??= newReceiver(receiveMode(this.opts.subscribe, this.opts.decode), {
      iceServers: this.#iceServers,
      onCandidate: (c) => this.#trickle("subscribe", c),
    });
    this.streams = new Map(streams.map((s) => [s.mid, s]));
    const answer = await this.#subscriber.answer(sdp);
    const reply = await this.request({ type: "subscribe.answer", jsep: { type: "answer", sdp: answer } });
    if (reply.type !== "ok") throw new Error(`subscribe.answer refused: ${describe(reply)}`);
    this.answers++;
    if (this.opts.subscribe) return;
    // Present but not receiving: ask the server to have Janus forward nothing on any m-line.
    const fresh = streams.filter((s) => !this.#silenced.has(s.mid)).map((s) => s.mid);
    for (let i = 0; i < fresh.length; i += 256) {
      const chunk = fresh.slice(i, i + 256);
      const ok = await this.request({
        type: "subscribe.configure",
        streams: chunk.map((mid) => ({ mid, send: false })),
      });
      if (ok.type !== "ok") throw new Error(`subscribe.configure refused: ${describe(ok)}`);
      for (const mid of chunk) this.#silenced.add(mid);
    }
    // A mid that is no longer listed may come back for someone else: configure it again then.
    for (const mid of [...this.#silenced]) if (!this.streams.has(mid)) this.#silenced.delete(mid);
  }

  #trickle(pc: "publish" | "subscribe", candidate: WireCandidate | null): void {
    if (this.#leaving) return;
    // Fire and forget: the server answers trickles only on error (then `#onFrame` records it).
    this.send({ type: "trickle", pc, candidate });
  }

  #fail(reason: string): void {
    if (this.failures.length < 20) this.failures.push(reason);
  }
}

function pick(p: Peer): Peer {
  return { id: p.id, name: p.name, audio: p.audio, video: p.video };
}

function describe(msg: Msg): string {
  if (msg.type === "error") return `${String(msg.code)}: ${String(msg.message ?? "")}`;
  return msg.type;
}

function errText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
