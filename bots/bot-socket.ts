/**
 * A bot's WebSocket, in the shape the client's SignalClient takes (its SocketLike): the `ws` package with a
 * load bot's options, the frame counts of the bot's report, and a way to drop the connection as a crashed
 * client does (no closing handshake), which a browser's WebSocket cannot do.
 */
import WebSocket from "ws";
import type { SocketConstructor, SocketLike } from "../src/client/signal/signal-client.js";

export class BotSocket implements SocketLike {
  /** Frames received and sent, every one: replies nobody waits for any more included. */
  framesIn = 0;
  framesOut = 0;
  /** Why the socket failed, if it did: its close says no more than 1006. */
  error: Error | undefined;
  readonly #ws: WebSocket;

  /** A constructor for SignalClient, which makes its socket itself: `made` gets each one, to drop it later. */
  static maker(made: (socket: BotSocket) => void): SocketConstructor {
    return class extends BotSocket {
      constructor(url: string) {
        super(url);
        made(this);
      }
    };
  }

  constructor(url: string) {
    // Hundreds of bots share a process: compressing SDPs would cost CPU on both ends for nothing measured,
    // and ws's default limit (100 MiB) is more than a bot should buffer for a server whose frames are small.
    this.#ws = new WebSocket(url, { maxPayload: 16 * 1024 * 1024, perMessageDeflate: false });
    this.#ws.on("message", () => this.framesIn++);
    // ws throws an 'error' nobody listens to; 'close' follows every one, and SignalClient settles all there.
    this.#ws.on("error", (err) => {
      this.error ??= err;
    });
  }

  get readyState(): number {
    return this.#ws.readyState;
  }

  send(data: string): void {
    this.framesOut++;
    this.#ws.send(data);
  }

  close(code?: number): void {
    this.#ws.close(code);
  }

  /** Drops the connection at once: the server sees it lost (1006), as when a client crashes. */
  terminate(): void {
    this.#ws.terminate();
  }

  addEventListener(type: "open", listener: () => void): void;
  addEventListener(type: "message", listener: (ev: { data: unknown }) => void): void;
  addEventListener(type: "close", listener: (ev: { code: number; reason: string }) => void): void;
  addEventListener(type: "open" | "message" | "close", listener: (ev: never) => void): void {
    // Each overload above pairs its type with its event's shape; past them, one signature serves all three.
    const deliver = listener as (ev?: object) => void;
    if (type === "open") this.#ws.on("open", () => deliver());
    else if (type === "message")
      this.#ws.on("message", (data, isBinary) => deliver({ data: isBinary ? data : data.toString() }));
    else this.#ws.on("close", (code, reason) => deliver({ code, reason: reason.toString() }));
  }
}
