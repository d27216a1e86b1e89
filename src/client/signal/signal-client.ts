/**
 * The client end of the signaling WebSocket (PROTOCOL.md): requests carry an `id` and are settled by the
 * reply with the same `id`; everything the server sends on its own goes to the listener, and so does the
 * socket's closing. It works over the browser's WebSocket or any constructor of the same shape (the `ws`
 * package in Node: the bots and the tests). Server messages are JSON-parsed and switched on, not validated here:
 * the browser trusts its own server, and every test holds that server to the contract instead, by checking each
 * message a test client or page receives against src/protocol/server-schema.ts (test/helpers/contract.ts), which
 * the compiler keeps in step with the types used here.
 */
import type { ErrorCode } from "../../protocol/errors.js";
import type { ClientMessageInput, ServerMessage, ServerMessageOf } from "../../protocol/messages.js";

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A client message without its `id`: the signal client numbers requests itself. */
export type OutgoingMessage = DistributiveOmit<ClientMessageInput, "id">;
type OutgoingType = OutgoingMessage["type"];

/** The reply each request expects when it succeeds. */
export type ReplyTo<K extends OutgoingType> = K extends "join"
  ? // A room with its lobby on answers `lobby.waiting`; `joined` then comes later, without an id.
    ServerMessageOf<"joined"> | ServerMessageOf<"lobby.waiting">
  : K extends "publish"
    ? ServerMessageOf<"publish.answer">
    : K extends "ping"
      ? ServerMessageOf<"pong">
      : K extends "room.peek"
        ? ServerMessageOf<"room.info">
        : K extends "speakers.stats"
          ? ServerMessageOf<"speaker.stats">
          : ServerMessageOf<"ok">;

/** Why a request failed: a protocol error code, or a local reason. */
export type FailureCode = ErrorCode | "closed" | "timeout";

export class SignalError extends Error {
  readonly code: FailureCode;
  constructor(code: FailureCode, message: string) {
    super(message);
    this.name = "SignalError";
    this.code = code;
  }
}

/** Who hears what the server sends on its own, and the socket closing. */
export interface SignalListener {
  message(message: ServerMessage): void;
  close(info: { code: number; reason: string }): void;
}

/** What the client needs of a WebSocket: the browser's, or the `ws` package's. */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number): void;
  addEventListener(type: "open", listener: () => void): void;
  addEventListener(type: "message", listener: (ev: { data: unknown }) => void): void;
  addEventListener(type: "close", listener: (ev: { code: number; reason: string }) => void): void;
}
export type SocketConstructor = new (url: string) => SocketLike;

/** WebSocket.OPEN and CLOSING: the same numbers in every implementation. */
const OPEN = 1;
const CLOSING = 2;

interface Pending {
  resolve: (msg: ServerMessage) => void;
  reject: (err: SignalError) => void;
  timer: ReturnType<typeof setTimeout>;
}

// A rate-limited request may get no reply at all (the server answers at most one `rate_limited` a second),
// so every request needs its own deadline or a caller could wait forever.
const DEFAULT_TIMEOUT_MS = 15_000;
const MAX_ID = 2 ** 31;

export function defaultSignalUrl(): string {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  return `${scheme}://${location.host}/ws`;
}

export class SignalClient {
  private socket: SocketLike | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(
    private readonly listener: SignalListener,
    private readonly Socket: SocketConstructor = WebSocket,
  ) {}

  /** Opens the socket; resolves once it is open, rejects if it closes first. */
  connect(url: string = defaultSignalUrl()): Promise<void> {
    if (this.socket) return Promise.reject(new Error("SignalClient.connect called twice"));
    const socket = new this.Socket(url);
    this.socket = socket;
    return new Promise((resolve, reject) => {
      let opened = false;
      socket.addEventListener("open", () => {
        opened = true;
        resolve();
      });
      socket.addEventListener("message", (ev) => this.onFrame(ev.data));
      socket.addEventListener("close", (ev) => {
        this.failAll(new SignalError("closed", `socket closed (${ev.code})`));
        if (!opened) reject(new SignalError("closed", `could not connect (${ev.code})`));
        this.listener.close({ code: ev.code, reason: ev.reason });
      });
      // 'error' is always followed by 'close', which does the bookkeeping.
    });
  }

  get isOpen(): boolean {
    return this.socket?.readyState === OPEN;
  }

  /** Sends a request and waits for its reply; rejects with the server's error code on `error`. */
  request<M extends OutgoingMessage>(msg: M, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<ReplyTo<M["type"]>> {
    const id = this.nextId;
    this.nextId = this.nextId >= MAX_ID ? 1 : this.nextId + 1;
    return new Promise((resolve, reject) => {
      if (!this.isOpen) {
        reject(new SignalError("closed", `cannot send '${msg.type}': socket not open`));
        return;
      }
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new SignalError("timeout", `no reply to '${msg.type}' within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve: resolve as (m: ServerMessage) => void, reject, timer });
      this.write({ ...msg, id });
    });
  }

  /** Sends a message that needs no reply (e.g. ICE candidates, or `leave` while the page unloads). */
  send(msg: OutgoingMessage): void {
    if (this.isOpen) this.write(msg);
  }

  close(): void {
    const socket = this.socket;
    if (socket && socket.readyState < CLOSING) socket.close(1000);
    this.failAll(new SignalError("closed", "closed by client"));
  }

  private write(msg: OutgoingMessage | (OutgoingMessage & { id: number })): void {
    this.socket?.send(JSON.stringify(msg));
  }

  private onFrame(data: unknown): void {
    if (typeof data !== "string") return;
    let msg: ServerMessage;
    try {
      msg = JSON.parse(data) as ServerMessage;
    } catch {
      console.warn("palabre: ignoring a non-JSON frame from the server");
      return;
    }
    if (typeof msg !== "object" || msg === null || typeof msg.type !== "string") return;

    const id = "id" in msg ? msg.id : undefined;
    if (typeof id === "number") {
      const waiting = this.pending.get(id);
      if (waiting) {
        this.pending.delete(id);
        clearTimeout(waiting.timer);
        if (msg.type === "error") waiting.reject(new SignalError(msg.code, msg.message));
        else waiting.resolve(msg);
        return;
      }
    }
    // A reply nobody waits for any more (it timed out) is dropped; unsolicited messages go to the listener.
    if (typeof id === "number" && msg.type !== "error") return;
    this.listener.message(msg);
  }

  private failAll(err: SignalError): void {
    for (const [id, waiting] of this.pending) {
      clearTimeout(waiting.timer);
      waiting.reject(err);
      this.pending.delete(id);
    }
  }
}
