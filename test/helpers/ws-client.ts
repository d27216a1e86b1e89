/**
 * A raw protocol client over `ws`, for tests that speak the wire protocol directly and abuse it: what it sends is
 * deliberately unchecked (malformed, oversized, out-of-order frames are the point). What it receives is checked
 * against the server's contract (contract.ts): a message outside it fails the test.
 */
import WebSocket from "ws";
import type { ServerMessageOf, ServerMessageType } from "../../src/protocol/messages.js";
import { checkServerMessage } from "./contract.js";
import { safeJson } from "./wait.js";

// biome-ignore lint/suspicious/noExplicitAny: server messages are inspected loosely by tests
export type AnyMessage = Record<string, any> & { type: string };

export interface CloseInfo {
  code: number;
  reason: string;
}

export class RawClient {
  readonly ws: WebSocket;
  /** Every message received, in order. */
  readonly received: AnyMessage[] = [];
  /** Frames that were not JSON objects (should never happen). */
  readonly unparsable: string[] = [];
  readonly closed: Promise<CloseInfo>;
  closeInfo: CloseInfo | null = null;
  /** Date.now() when the close was seen. */
  closedAt: number | null = null;
  private consumed = new Set<AnyMessage>();
  private waiters: { pred: (m: AnyMessage) => boolean; resolve: (m: AnyMessage) => void }[] = [];
  private nextId = 1;

  private constructor(ws: WebSocket) {
    this.ws = ws;
    this.closed = new Promise((resolve) => {
      ws.on("close", (code, reason) => {
        this.closeInfo = { code, reason: reason.toString() };
        this.closedAt = Date.now();
        resolve(this.closeInfo);
      });
    });
    ws.on("error", () => {
      /* surfaced through `closed` */
    });
    ws.on("message", (data, isBinary) => {
      const text = isBinary ? Buffer.from(data as Buffer).toString("utf8") : data.toString();
      let msg: AnyMessage;
      try {
        msg = JSON.parse(text);
      } catch {
        this.unparsable.push(text);
        return;
      }
      this.received.push(msg);
      checkServerMessage("a test client", msg);
      for (let i = 0; i < this.waiters.length; i++) {
        const waiter = this.waiters[i];
        if (waiter?.pred(msg)) {
          this.waiters.splice(i, 1);
          this.consumed.add(msg);
          waiter.resolve(msg);
          break;
        }
      }
    });
  }

  static connect(url: string, options: WebSocket.ClientOptions = {}): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { ...options, maxPayload: 16 * 1024 * 1024 });
      const client = new RawClient(ws);
      ws.once("open", () => resolve(client));
      ws.once("error", reject);
    });
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  /** Sends an object as JSON, or a string/Buffer as is (Buffer → binary frame). */
  send(data: unknown): void {
    if (typeof data === "string") this.ws.send(data);
    else if (Buffer.isBuffer(data)) this.ws.send(data, { binary: true });
    else this.ws.send(JSON.stringify(data));
  }

  allocId(): number {
    return this.nextId++;
  }

  /** Waits for the next not-yet-consumed message matching `pred` (including ones already received). */
  next(pred: (m: AnyMessage) => boolean, timeoutMs = 5000, what = "a matching message"): Promise<AnyMessage> {
    const already = this.received.find((m) => !this.consumed.has(m) && pred(m));
    if (already) {
      this.consumed.add(already);
      return Promise.resolve(already);
    }
    return new Promise((resolve, reject) => {
      const waiter = {
        pred,
        resolve: (m: AnyMessage) => {
          clearTimeout(timer);
          resolve(m);
        },
      };
      const timer = setTimeout(() => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(
          new Error(
            `timed out after ${timeoutMs} ms waiting for ${what}; socket ${
              this.closeInfo ? `closed ${safeJson(this.closeInfo)}` : "open"
            }; last messages: ${safeJson(this.received.slice(-5))}`,
          ),
        );
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /**
   * The next message of `type` (matching `pred`, if given), typed as the server's own type for it: what this
   * client receives is held to the same contract at run time, so the type is the message's.
   */
  nextOf<K extends ServerMessageType>(
    type: K,
    pred: (m: ServerMessageOf<K>) => boolean = () => true,
    timeoutMs = 5000,
  ): Promise<ServerMessageOf<K>> {
    return this.next(
      (m) => m.type === type && pred(m as ServerMessageOf<K>),
      timeoutMs,
      `a '${type}' message`,
    ) as Promise<ServerMessageOf<K>>;
  }

  /** The reply (any type) carrying request id `id`. */
  reply(id: number, timeoutMs = 5000): Promise<AnyMessage> {
    return this.next((m) => m.id === id, timeoutMs, `the reply to request ${id}`);
  }

  /** Sends `msg` with a fresh id (unless it has one) and waits for the reply with that id. */
  async request(msg: Record<string, unknown>, timeoutMs = 5000): Promise<AnyMessage> {
    const id = typeof msg.id === "number" ? msg.id : this.allocId();
    this.send({ ...msg, id });
    return this.reply(id, timeoutMs);
  }

  /** Resolves true if a message matching `pred` arrives within `ms` (used to assert that something does NOT come). */
  async arrivesWithin(pred: (m: AnyMessage) => boolean, ms: number): Promise<boolean> {
    try {
      await this.next(pred, ms);
      return true;
    } catch {
      return false;
    }
  }

  close(): void {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close();
  }

  terminate(): void {
    this.ws.terminate();
  }
}

/** Joins `room` as `name` over a fresh socket; returns the client and its `joined` reply. */
export async function joinRaw(
  wsUrl: string,
  room: string,
  name: string,
): Promise<{ client: RawClient; joined: ServerMessageOf<"joined"> }> {
  const client = await RawClient.connect(wsUrl);
  const joined = await client.request({ type: "join", v: 1, room, name }, 10_000);
  if (joined.type !== "joined") {
    client.close();
    throw new Error(`join failed: ${safeJson(joined)}`);
  }
  return { client, joined: joined as ServerMessageOf<"joined"> };
}
