/**
 * A small typed client for the Janus WebSocket API (the core protocol, not a plugin): one socket, one Janus
 * session, handles attached to plugins, transactions matched to their replies, keep-alives.
 * Janus is trusted (our child, on loopback), so its replies are type-asserted, not schema-parsed.
 */
import { randomBytes } from "node:crypto";
import { EventEmitter } from "node:events";
import WebSocket from "ws";
import { logger } from "../logger.js";
import { AckedRequests, HandleActivity, TeardownQueue } from "./teardown-queue.js";

const log = logger("janus-client");

export interface JanusJsep {
  type: "offer" | "answer";
  sdp: string;
  e2ee?: boolean;
  /** Order of the simulcast rids in the offer: "hml" (Janus's default) or "lmh". */
  rid_order?: "hml" | "lmh";
}

/** A plugin event or synchronous plugin reply, as Janus delivers it. */
export interface PluginMessage {
  data: Record<string, unknown>;
  jsep?: JanusJsep;
}

/** Janus refused a request (core or plugin error). */
export class JanusError extends Error {
  readonly code: number;
  constructor(code: number, reason: string) {
    super(`janus error ${code}: ${reason}`);
    this.name = "JanusError";
    this.code = code;
  }
}

interface Pending {
  resolve: (msg: JanusFrame) => void;
  reject: (err: Error) => void;
  /** Async plugin requests get an `ack` first, then an `event` with the same transaction. */
  waitForEvent: boolean;
  /** A plugin message: an `ack` to it means the plugin works on it until its `event`. */
  message: boolean;
  /** Called once Janus is done with the request (see `send`). */
  settled: () => void;
  timer: NodeJS.Timeout;
}

interface JanusFrame {
  janus: string;
  transaction?: string;
  session_id?: number;
  sender?: number;
  data?: { id?: number };
  error?: { code: number; reason: string };
  plugindata?: { plugin: string; data: Record<string, unknown> };
  jsep?: JanusJsep;
  candidate?: unknown;
  [key: string]: unknown;
}

const REQUEST_TIMEOUT_MS = 10_000;
const KEEPALIVE_MS = 25_000;

/**
 * Events from one attached plugin handle. `event` carries plugin events that answer no request of ours
 * (Janus-initiated: renegotiations, publisher notices, talking); `webrtcup`/`hangup`/`media`/`slowlink` are
 * the core's notices about the handle's PeerConnection.
 */
export interface HandleEvents {
  event: [PluginMessage];
  webrtcup: [];
  hangup: [reason: string];
  media: [info: { type: string; receiving: boolean; mid?: string }];
  slowlink: [info: { uplink: boolean; media: string; lost?: number }];
  detached: [];
}

export class JanusHandle extends EventEmitter<HandleEvents> {
  readonly id: number;
  readonly #client: JanusClient;
  /** No more events for our listeners: we asked for the detach, or Janus said the handle is gone. */
  #detached = false;
  #detaching: Promise<void> | undefined;
  /** The VideoRoom this handle joined (or creates): its requests and teardowns queue per room. */
  #room = 0;
  /** Requests Janus has not finished, and the PeerConnection's state: what a detach waits for. */
  readonly #activity = new HandleActivity();
  #confirmGone: () => void = () => {};
  /** Janus said the handle is gone (its `detached` event), or the connection closed. */
  readonly #gone = new Promise<void>((resolve) => {
    this.#confirmGone = resolve;
  });

  constructor(client: JanusClient, id: number) {
    super();
    this.#client = client;
    this.id = id;
  }

  get detached(): boolean {
    return this.#detached;
  }

  /**
   * Sends a plugin request. `async` requests (join, configure, start, subscribe…) resolve with the plugin's
   * event once Janus sends it; synchronous ones (create, destroy, moderate…) with the immediate reply.
   * A plugin-level `error` in the reply rejects with JanusError.
   */
  async request(body: Record<string, unknown>, opts: { jsep?: JanusJsep; async?: boolean } = {}) {
    if (typeof body.room === "number") this.#room = body.room;
    const settled = await this.#admit();
    const frame: Record<string, unknown> = { janus: "message", handle_id: this.id, body };
    if (opts.jsep) frame.jsep = opts.jsep;
    const reply = await this.#client.send(frame, opts.async ?? false, settled);
    if (reply.jsep) this.#activity.negotiating();
    const data = reply.plugindata?.data ?? {};
    if (typeof data.error_code === "number") {
      throw new JanusError(data.error_code, String(data.error ?? "plugin error"));
    }
    const msg: PluginMessage = { data };
    if (reply.jsep) msg.jsep = reply.jsep;
    return msg;
  }

  async trickle(candidate: unknown | null): Promise<void> {
    this.#refuseAfterDetach();
    const frame: Record<string, unknown> = { janus: "trickle", handle_id: this.id };
    frame.candidate = candidate === null ? { completed: true } : candidate;
    await this.#client.send(frame, false, this.#activity.track());
  }

  /**
   * Detaches the handle: Janus hangs up its PeerConnection and leaves whatever room it was in. Resolves once
   * Janus is done. Never sent while a request of its room is in flight, nor next to another teardown in that
   * room (teardown-queue.ts).
   */
  detach(): Promise<void> {
    this.#detaching ??= this.#detach();
    return this.#detaching;
  }

  async #detach(): Promise<void> {
    const alreadyGone = this.#detached;
    this.#stopEvents();
    if (alreadyGone) return;
    await this.#client.teardowns.run(this.#room, {
      what: `handle ${this.id}`,
      idle: () => this.#activity.idle(),
      send: async () => {
        try {
          await this.#client.send({ janus: "detach", handle_id: this.id }, false);
        } catch (err) {
          // Already gone on the Janus side (session expired, Janus restarted): nothing left to free.
          log.debug("detach failed", { handle: this.id, err: String(err) });
          this.#confirmGone();
        }
      },
      done: this.#gone,
    });
    this.#client.forget(this.id);
  }

  /** @internal called by the client when Janus reports the handle gone, or the connection closed. */
  markDetached(): void {
    this.#stopEvents();
    this.#confirmGone();
    this.#client.forget(this.id);
  }

  #stopEvents(): void {
    if (this.#detached) return;
    this.#detached = true;
    this.emit("detached");
    this.removeAllListeners();
  }

  /** Once its detach is asked for, a handle sends nothing more (unless the guard is off, as before it). */
  #refuseAfterDetach(): void {
    if (this.#detaching && this.#client.teardowns.serialized) throw new JanusError(0, "handle detached");
  }

  /** Waits for the teardowns queued in the handle's room (teardown-queue.ts); `settled` when Janus is done. */
  async #admit(): Promise<() => void> {
    this.#refuseAfterDetach();
    const settled = await this.#client.teardowns.admit(this.#room, this.#activity);
    if (!this.#detaching || !this.#client.teardowns.serialized) return settled;
    settled(); // its detach was asked for while it waited
    throw new JanusError(0, "handle detached");
  }

  /** @internal the core's notices on the PeerConnection, and offers Janus makes on its own. */
  noteMedia(what: "webrtcup" | "hangup" | "jsep"): void {
    if (what === "jsep") this.#activity.negotiating();
    else this.#activity.pc(what === "webrtcup");
  }
}

export interface JanusClientEvents {
  close: [];
}

/** One WebSocket and one Janus session. */
export class JanusClient extends EventEmitter<JanusClientEvents> {
  readonly #ws: WebSocket;
  readonly #apiSecret: string;
  readonly #pending = new Map<string, Pending>();
  readonly #handles = new Map<number, JanusHandle>();
  /** Async plugin requests Janus acknowledged and still works on, by transaction (see `send`). */
  readonly #processing = new AckedRequests(REQUEST_TIMEOUT_MS);
  #sessionId = 0;
  #keepalive: NodeJS.Timeout | undefined;
  #closed = false;
  /** Detaches of this session's handles, one at a time (teardown-queue.ts). */
  readonly teardowns = new TeardownQueue();

  private constructor(ws: WebSocket, apiSecret: string) {
    super();
    this.#ws = ws;
    this.#apiSecret = apiSecret;
    ws.on("message", (data) => this.#onFrame(data.toString()));
    ws.on("close", (code, reason) => {
      // Said once, when it was not asked for: why Janus hung up is the first question after a restart.
      if (!this.#closed) log.warn("janus socket closed", { code, reason: reason.toString().slice(0, 200) });
      this.#onClose();
    });
    ws.on("error", (err) => log.warn("socket error", { err: err.message }));
  }

  /** Connects and creates a Janus session. */
  static async connect(url: string, apiSecret: string): Promise<JanusClient> {
    const ws = new WebSocket(url, "janus-protocol");
    await new Promise<void>((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("error", reject);
    });
    const client = new JanusClient(ws, apiSecret);
    const reply = await client.send({ janus: "create" }, false);
    const id = reply.data?.id;
    if (typeof id !== "number") throw new Error("janus create: no session id");
    client.#sessionId = id;
    client.#keepalive = setInterval(() => {
      client
        .send({ janus: "keepalive" }, false)
        .catch((err) => log.warn("keepalive failed", { err: String(err) }));
    }, KEEPALIVE_MS);
    return client;
  }

  get closed(): boolean {
    return this.#closed;
  }

  async attach(plugin: string): Promise<JanusHandle> {
    const reply = await this.send({ janus: "attach", plugin }, false);
    const id = reply.data?.id;
    if (typeof id !== "number") throw new Error("janus attach: no handle id");
    const handle = new JanusHandle(this, id);
    this.#handles.set(id, handle);
    return handle;
  }

  /** @internal */
  forget(handleId: number): void {
    this.#handles.delete(handleId);
  }

  /**
   * @internal Sends a core request and resolves with its reply (or its event, for async plugin messages).
   * `settled` is called once Janus is done with the request: on its reply, or for a plugin message that Janus
   * only acknowledged (an async request we did not wait for), on its later event; on error, timeout or close.
   */
  send(frame: Record<string, unknown>, waitForEvent: boolean, settled = () => {}): Promise<JanusFrame> {
    if (this.#closed) {
      settled();
      return Promise.reject(new JanusError(0, "janus connection closed"));
    }
    const transaction = randomBytes(9).toString("base64url");
    const full = { ...frame, transaction, apisecret: this.#apiSecret } as Record<string, unknown>;
    if (this.#sessionId) full.session_id = this.#sessionId;
    return new Promise<JanusFrame>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(transaction);
        settled();
        reject(new JanusError(0, `janus ${String(frame.janus)} timed out`));
      }, REQUEST_TIMEOUT_MS);
      const message = frame.janus === "message";
      this.#pending.set(transaction, { resolve, reject, waitForEvent, message, settled, timer });
      this.#ws.send(JSON.stringify(full));
    });
  }

  close(): void {
    if (this.#closed) return;
    if (this.#sessionId && this.#ws.readyState === WebSocket.OPEN) {
      this.#ws.send(
        JSON.stringify({ janus: "destroy", session_id: this.#sessionId, apisecret: this.#apiSecret }),
      );
    }
    this.#ws.close();
    this.#onClose();
  }

  #onFrame(text: string): void {
    let msg: JanusFrame;
    try {
      msg = JSON.parse(text) as JanusFrame;
    } catch {
      log.warn("non-JSON frame from janus");
      return;
    }
    const pending = msg.transaction ? this.#pending.get(msg.transaction) : undefined;
    if (pending) {
      if (msg.janus === "ack" && pending.waitForEvent) return;
      const transaction = msg.transaction as string;
      this.#pending.delete(transaction);
      clearTimeout(pending.timer);
      if (msg.janus === "ack" && pending.message) this.#processing.add(transaction, pending.settled);
      else pending.settled();
      if (msg.janus === "error") {
        pending.reject(new JanusError(msg.error?.code ?? 0, msg.error?.reason ?? "unknown"));
      } else {
        pending.resolve(msg);
      }
      return;
    }
    if (msg.transaction && msg.janus === "event") this.#processing.answered(msg.transaction);
    this.#dispatchToHandle(msg);
  }

  #dispatchToHandle(msg: JanusFrame): void {
    if (msg.sender === undefined) return; // session-level notices (timeouts) need no routing
    const handle = this.#handles.get(msg.sender);
    if (!handle) return;
    switch (msg.janus) {
      case "event":
        if (msg.jsep) handle.noteMedia("jsep");
        if (msg.plugindata) {
          const event: PluginMessage = { data: msg.plugindata.data };
          if (msg.jsep) event.jsep = msg.jsep;
          handle.emit("event", event);
        }
        break;
      case "webrtcup":
        handle.noteMedia("webrtcup");
        handle.emit("webrtcup");
        break;
      case "hangup":
        handle.noteMedia("hangup");
        handle.emit("hangup", String(msg.reason ?? ""));
        break;
      case "media":
        handle.emit("media", {
          type: String(msg.type),
          receiving: msg.receiving === true,
          ...(typeof msg.mid === "string" ? { mid: msg.mid } : {}),
        });
        break;
      case "slowlink":
        handle.emit("slowlink", {
          uplink: msg.uplink === true,
          media: String(msg.media),
          ...(typeof msg.lost === "number" ? { lost: msg.lost } : {}),
        });
        break;
      case "detached":
        handle.markDetached();
        break;
      default:
        break;
    }
  }

  #onClose(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#keepalive);
    for (const [, p] of this.#pending) {
      clearTimeout(p.timer);
      p.settled();
      p.reject(new JanusError(0, "janus connection closed"));
    }
    this.#pending.clear();
    this.#processing.settleAll();
    for (const handle of [...this.#handles.values()]) handle.markDetached();
    this.emit("close");
  }
}
