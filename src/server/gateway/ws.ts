/**
 * The WebSocket endpoint `/ws`: a cap on connections per client address, size limit, rate limit, liveness
 * pings, then one parse through protocol/ and one Session per socket. Nothing here knows what a room is.
 */
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { type WebSocket, WebSocketServer } from "ws";
import { CloseCode, ErrorCode } from "../../protocol/errors.js";
import { Limits, type ServerMessage } from "../../protocol/messages.js";
import { logger } from "../logger.js";
import type { RelayedSocket } from "../routing/relay.js";
import type { ParticipantSink } from "../routing/router.js";
import { deliverFrame } from "../session/frames.js";
import { type RoutedDeps, RoutedSession } from "../session/routed-session.js";
import { Session, type SessionDeps } from "../session/session.js";
import type { AddressBook, AddressSlot } from "./address-book.js";
import { clientAddress } from "./client-address.js";
import { RateLimiter } from "./rate-limiter.js";

const log = logger("ws");

export const WS_PATH = "/ws";
const RATE_BURST = 60;
const RATE_PER_SECOND = 30;
/** A socket that misses two pings in a row is dead: at most 2 × 2 s from silence to removal. */
const PING_INTERVAL_MS = 2000;
const JOIN_TIMEOUT_MS = 30_000;

export interface EndpointOptions {
  addresses: AddressBook;
  /** In a cluster: how a connection reaches a meeting held on another node. */
  routing?: RoutedDeps | undefined;
  /** Proxies whose X-Forwarded-For names the client (see client-address.ts). */
  trustedProxies: ReadonlySet<string>;
}

export class SignalingEndpoint {
  readonly #wss: WebSocketServer;
  readonly #deps: SessionDeps;
  readonly #options: EndpointOptions;
  readonly #alive = new WeakMap<WebSocket, boolean>();
  readonly #pinger: NodeJS.Timeout;

  constructor(deps: SessionDeps, options: EndpointOptions) {
    this.#deps = deps;
    this.#options = options;
    this.#wss = new WebSocketServer({
      noServer: true,
      maxPayload: Limits.frameMaxBytes,
      perMessageDeflate: false,
    });
    this.#wss.on("connection", (ws: WebSocket, slot: AddressSlot) => this.#onConnection(ws, slot));
    this.#pinger = setInterval(() => this.#pingAll(), PING_INTERVAL_MS);
  }

  /** Signaling messages received and sent since start (for /metrics). */
  readonly counts = { in: 0, out: 0 };

  get connections(): number {
    return this.#wss.clients.size;
  }

  /**
   * Hands an HTTP upgrade for `/ws` to the WebSocket server, unless its client address has as many
   * connections open as allowed (429, before any WebSocket work).
   */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const slot = this.#options.addresses.open(clientAddress(req, this.#options.trustedProxies));
    if (!slot) {
      socket.end("HTTP/1.1 429 Too Many Requests\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
      socket.destroy();
      return;
    }
    // Whatever ends the socket (a refused handshake included) gives the slot back.
    socket.once("close", () => slot.release());
    this.#wss.handleUpgrade(req, socket, head, (ws) => this.#wss.emit("connection", ws, slot));
  }

  close(): void {
    clearInterval(this.#pinger);
    for (const ws of this.#wss.clients) ws.close(CloseCode.GoingAway, "server shutting down");
    this.#wss.close();
  }

  #onConnection(ws: WebSocket, slot: AddressSlot): void {
    const sendText = (text: string) => {
      if (ws.readyState !== ws.OPEN) return;
      this.counts.out++;
      ws.send(text);
    };
    const sink: ParticipantSink & RelayedSocket = {
      send: (message: ServerMessage) => sendText(JSON.stringify(message)),
      sendText,
      close: (code, reason) => ws.close(code, reason),
    };
    const local = new Session(this.#deps, sink, slot);
    const routing = this.#options.routing;
    const session = routing ? new RoutedSession(routing, local, sink, slot.address) : local;
    const limiter = new RateLimiter(RATE_BURST, RATE_PER_SECOND);
    let lastLimitedNotice = 0;
    this.#alive.set(ws, true);
    const joinTimer = setTimeout(() => {
      if (!session.joined) ws.close(CloseCode.JoinTimeout, "join timeout");
    }, JOIN_TIMEOUT_MS);

    ws.on("pong", () => this.#alive.set(ws, true));
    ws.on("message", (data, isBinary) => {
      this.counts.in++;
      if (!limiter.take()) {
        // Dropped unread. One notice per second at most, so a flood is not answered with a flood.
        const now = Date.now();
        if (now - lastLimitedNotice >= 1000) {
          lastLimitedNotice = now;
          sink.send({
            type: "error",
            code: ErrorCode.RateLimited,
            message: "too many messages; this one was dropped",
          });
        }
        return;
      }
      if (isBinary) {
        sink.send({ type: "error", code: ErrorCode.BadMessage, message: "binary frames are not accepted" });
        return;
      }
      deliverFrame(data.toString(), session, sink);
    });
    ws.on("close", (code) => {
      clearTimeout(joinTimer);
      log.debug("socket closed", { code, joined: session.joined });
      session.end();
    });
    ws.on("error", (err) => log.debug("socket error", { err: err.message }));
  }

  #pingAll(): void {
    for (const ws of this.#wss.clients) {
      if (this.#alive.get(ws) === false) {
        log.debug("socket missed a ping: terminated");
        ws.terminate();
        continue;
      }
      this.#alive.set(ws, false);
      ws.ping();
    }
  }
}
