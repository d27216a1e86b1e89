/**
 * A load bot: a headless participant that enters a room through Palabre's real WebSocket protocol
 * (PROTOCOL.md) — join, publish, trickle, subscribe.offer/answer, subscribe.configure, media.state, leave —
 * with no side door, spoken by the browser client's own SignalClient (over bot-socket.ts). Its media is in
 * media.ts.
 *
 *   const bot = new Bot({ url, room, name: "bot-1", audio: "muted", video: false, subscribe: false });
 *   await bot.start();            // joined, publishing (if it has anything to publish)
 *   const report = await bot.report();
 *   await bot.leave();
 */
import type { ServerHandlers } from "../src/client/signal/handlers.js";
import {
  type OutgoingMessage,
  type ReplyTo,
  SignalClient,
  SignalError,
} from "../src/client/signal/signal-client.js";
import {
  type ClientMessageInput,
  type ParticipantInfo,
  PROTOCOL_VERSION,
  type ServerMessage,
  type ServerMessageOf,
  type StreamInfo,
} from "../src/protocol/messages.js";
import { type BotReport, type BotState, byParticipant } from "./bot-report.js";
import { BotSocket } from "./bot-socket.js";
import { newPublisher, newReceiver, preparePublisher, receiveMode } from "./connections.js";
import {
  type AudioMode,
  emptyIn,
  emptyOut,
  type Publisher,
  type Receiver,
  type WireCandidate,
} from "./media.js";

export type { BotReport, BotState } from "./bot-report.js";

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
export type Peer = Pick<ParticipantInfo, "id" | "name" | "audio" | "video">;

/** One stream of the subscribe connection, from the latest subscribe.offer. */
export type { StreamInfo };

/**
 * A server message as `onMessage` hands it over: typed, and also readable field by field before narrowing
 * (a caller may look at `m.message` of any message, as the tests do).
 */
export type HeardMessage = ServerMessage & Record<string, unknown>;

type RequestType = OutgoingMessage["type"];

/** A request `request` is making: `send` sends it through the signal client and leaves the reply here. */
interface Asking {
  timeoutMs: number;
  reply?: Promise<ServerMessage>;
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
  /** Messages received, by type (but errors that reject a request). */
  readonly inByType = new Map<string, number>();
  /** Resolves when the socket closes (code, reason). */
  readonly closed: Promise<{ code: number; reason: string }>;
  closeInfo: { code: number; reason: string } | undefined;

  readonly #client: SignalClient;
  #socket: BotSocket | undefined;
  #asking: Asking | undefined;
  #closedResolve: (info: { code: number; reason: string }) => void = () => {};
  #publisher: Publisher | undefined;
  #subscriber: Receiver | undefined;
  /** subscribe.offer handling runs in turn. */
  #offerChain: Promise<void> = Promise.resolve();
  /** Mids already turned off (non-subscribing bot). */
  readonly #silenced = new Set<string>();
  #iceServers: RTCIceServer[] = [];
  #leaving = false;
  readonly #timeoutMs: number;
  readonly #listeners = new Set<(msg: HeardMessage) => void>();

  /** What the bot does with what the server sends on its own (replies settle the requests instead). */
  readonly #handlers: ServerHandlers = {
    "participant.joined": (m) => this.peers.set(m.participant.id, pick(m.participant)),
    "participant.updated": (m) => this.peers.set(m.participant.id, pick(m.participant)),
    "participant.left": (m) => this.peers.delete(m.participantId),
    "subscribe.offer": (m) => {
      this.offers++;
      this.#offerChain = this.#offerChain.then(() =>
        this.#onSubscribeOffer(m).catch((err) => {
          if (!this.#leaving) this.#fail(`subscribe: ${errText(err)}`);
        }),
      );
    },
    // With an id: the reply to a request nobody waits for any more (it timed out), or to one sent with an id
    // of the caller's own. Without: rate_limited, or a failure the server reports on its own (a trickle's).
    error: (m) =>
      this.#fail(
        `${m.id === undefined ? "server error" : `error for request ${m.id}`}: ${m.code}: ${m.message}`,
      ),
  };

  constructor(opts: BotOptions) {
    this.opts = opts;
    this.#timeoutMs = opts.timeoutMs ?? 20_000;
    this.closed = new Promise((resolve) => {
      this.#closedResolve = resolve;
    });
    this.#client = new SignalClient(
      { message: (m) => this.#onServerMessage(m), close: (info) => this.#onClose(info) },
      BotSocket.maker((socket) => {
        this.#socket = socket;
      }),
    );
  }

  get publishState(): string {
    return this.#publisher?.state ?? "none";
  }

  get subscribeState(): string {
    return this.#subscriber?.state ?? "none";
  }

  /** WebSocket frames received and sent. */
  get wsIn(): number {
    return this.#socket?.framesIn ?? 0;
  }

  get wsOut(): number {
    return this.#socket?.framesOut ?? 0;
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
      const joined = await this.#ask(
        {
          type: "join",
          v: PROTOCOL_VERSION,
          room: this.opts.room,
          name: this.opts.name,
          audio: this.opts.audio === "on",
          video: this.opts.video,
        },
        this.#timeoutMs,
      );
      if (joined.type !== "joined") throw new Error(`join refused: ${joined.type}`);
      this.joinMs = performance.now() - t0;
      this.state = "joined";
      this.id = joined.you.id;
      for (const p of joined.participants) this.peers.set(p.id, pick(p));
      this.#iceServers = joined.iceServers;
      if (this.opts.audio !== "off" || this.opts.video) await this.#publish(performance.now());
    } catch (err) {
      this.#fail(`start: ${errText(err)}`);
      this.state = "failed";
      throw err;
    }
  }

  /**
   * Sends a request and resolves with its reply; rejects with a SignalError: the server's error code,
   * `timeout` or `closed`. Only the type is checked: callers build messages the compiler cannot vouch for.
   */
  request<K extends RequestType>(
    msg: { type: K } & Record<string, unknown>,
    timeoutMs = this.#timeoutMs,
  ): Promise<ReplyTo<K>> {
    // A request leaves through `send` like any message, so that wrapping `send` shows requests too
    // (bench/hangup-stress.ts catches the moment `publish` goes out that way); `send` finds it in #asking.
    const asking: Asking = { timeoutMs };
    this.#asking = asking;
    this.send(msg as unknown as ClientMessageInput);
    this.#asking = undefined;
    const reply = asking.reply ?? Promise.reject(new SignalError("closed", `'${msg.type}' was not sent`));
    return reply.then((m) => {
      this.#heard(m);
      return m as ReplyTo<K>;
    });
  }

  /** Sends a message that needs no reply. An `id` given goes as it is; its reply then goes to no one. */
  send(msg: ClientMessageInput): void {
    const asking = this.#asking;
    this.#asking = undefined;
    if (asking) asking.reply = this.#client.request(msg, asking.timeoutMs);
    else this.#client.send(msg);
  }

  /** Called for every message the bot receives (after its own handling), but errors that reject a request. */
  onMessage(listener: (msg: HeardMessage) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Turns the tone on or off: media.state for the others, and the track on or off the sender. */
  async setAudio(on: boolean): Promise<void> {
    await this.#publisher?.setAudio(on);
    await this.#ask({ type: "media.state", audio: on, video: this.opts.video });
  }

  /** Waits until every subscribe.offer received so far has been answered (and configured). */
  settled(): Promise<void> {
    return this.#offerChain;
  }

  /** Hangs up with `leave` (the server answers ok and closes with 4000), then closes the connections. */
  async leave(timeoutMs = 5000): Promise<void> {
    this.#leaving = true;
    if (this.#client.isOpen && this.state === "joined") {
      try {
        await this.#ask({ type: "leave" }, timeoutMs);
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
    // Dropped, not closed: SignalClient's close() would say goodbye (1000), which a crashed client never does.
    this.#socket?.terminate();
    this.#client.close();
  }

  async report(): Promise<BotReport> {
    const [out, inn] = await Promise.all([
      this.#publisher?.counters().catch(() => emptyOut()) ?? emptyOut(),
      this.#subscriber?.counters().catch(() => emptyIn()) ?? emptyIn(),
    ]);
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
      inByParticipant: byParticipant(inn, this.streams),
      wsIn: this.wsIn,
      wsOut: this.wsOut,
      failures: [...this.failures],
    };
  }

  // ── internals ──────────────────────────────────────────────────────────────────────────────

  /** `request`, with the message type-checked: the bot's own are well-formed. */
  #ask<M extends OutgoingMessage>(msg: M, timeoutMs?: number): Promise<ReplyTo<M["type"]>> {
    return this.request<M["type"]>(msg as M & Record<string, unknown>, timeoutMs);
  }

  async #connect(): Promise<void> {
    // SignalClient waits for the socket as long as it takes: a server that never answers is given up here.
    let late = false;
    const giveUp = setTimeout(() => {
      late = true;
      this.#socket?.terminate();
    }, this.#timeoutMs);
    try {
      await this.#client.connect(this.opts.url);
    } catch (err) {
      throw late
        ? new Error(`websocket not open within ${this.#timeoutMs} ms`)
        : (this.#socket?.error ?? err);
    } finally {
      clearTimeout(giveUp);
    }
  }

  #onServerMessage(msg: ServerMessage): void {
    const handler = this.#handlers[msg.type] as ((m: ServerMessage) => void) | undefined;
    handler?.(msg);
    this.#heard(msg);
  }

  #heard(msg: ServerMessage): void {
    this.inByType.set(msg.type, (this.inByType.get(msg.type) ?? 0) + 1);
    for (const listener of this.#listeners) listener(msg);
  }

  #onClose(info: { code: number; reason: string }): void {
    this.closeInfo = info;
    if (!this.#leaving && this.state === "joined") {
      this.#fail(`socket closed unexpectedly (${info.code} ${info.reason})`);
      this.state = "closed";
    }
    this.#closedResolve(info);
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
    const reply = await this.#ask({ type: "publish", jsep: { type: "offer", sdp } });
    await publisher.applyAnswer(reply.jsep.sdp);
    await publisher.connected(this.#timeoutMs);
    this.publishConnectedMs = performance.now() - since;
  }

  async #onSubscribeOffer({ jsep, streams }: ServerMessageOf<"subscribe.offer">): Promise<void> {
    if (this.#leaving) return;
    this.#subscriber ??= newReceiver(receiveMode(this.opts.subscribe, this.opts.decode), {
      iceServers: this.#iceServers,
      onCandidate: (c) => this.#trickle("subscribe", c),
    });
    this.streams = new Map(streams.map((s) => [s.mid, s]));
    const answer = await this.#subscriber.answer(jsep.sdp);
    await this.#ask({ type: "subscribe.answer", jsep: { type: "answer", sdp: answer } });
    this.answers++;
    if (this.opts.subscribe) return;
    // Present but not receiving: ask the server to have Janus forward nothing on any m-line.
    const fresh = streams.filter((s) => !this.#silenced.has(s.mid)).map((s) => s.mid);
    for (let i = 0; i < fresh.length; i += 256) {
      const chunk = fresh.slice(i, i + 256);
      await this.#ask({ type: "subscribe.configure", streams: chunk.map((mid) => ({ mid, send: false })) });
      for (const mid of chunk) this.#silenced.add(mid);
    }
    // A mid that is no longer listed may come back for someone else: configure it again then.
    for (const mid of [...this.#silenced]) if (!this.streams.has(mid)) this.#silenced.delete(mid);
  }

  #trickle(pc: "publish" | "subscribe", candidate: WireCandidate | null): void {
    if (this.#leaving) return;
    // Fire and forget: the server answers trickles only on error (then the `error` handler records it).
    this.send({ type: "trickle", pc, candidate });
  }

  #fail(reason: string): void {
    if (this.failures.length < 20) this.failures.push(reason);
  }
}

function pick(p: ParticipantInfo): Peer {
  return { id: p.id, name: p.name, audio: p.audio, video: p.video };
}

function errText(err: unknown): string {
  if (err instanceof SignalError) return `${err.code}: ${err.message}`;
  return err instanceof Error ? err.message : String(err);
}
