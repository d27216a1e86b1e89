/**
 * The node holding a client's socket, for a meeting held elsewhere: every frame the client sends goes to the
 * holding node, every message the holder sends comes back to the socket. Both directions are numbered and
 * sent again until they arrive (OrderedSender/OrderedReceiver), so a Redis restart or a node cut off from
 * Redis for a moment loses nothing. A hole that stays, a holder that is gone or that no longer knows the
 * connection closes the socket with 1012, and the client comes back, as itself, to whichever node holds the
 * meeting then.
 */
import { CloseCode } from "../../protocol/errors.js";
import { logger } from "../logger.js";
import type { Envelope } from "./cluster-schemas.js";
import type { NodeBus } from "./node-bus.js";
import { gapFor, OrderedReceiver } from "./ordered-receiver.js";
import { OrderedSender } from "./ordered-sender.js";

const log = logger("relay");

/** The socket end of a relay (the gateway's WebSocket). */
export interface RelayedSocket {
  sendText(text: string): void;
  close(code: number, reason: string): void;
}

/** How long a relayed message may take to arrive, sent again meanwhile, before the connection is given up. */
export interface RelayTiming {
  giveUpMs: number;
}

const ENTRY = /^\{"type":"(joined|lobby\.waiting)"/;

type FromHolder = Extract<Envelope, { t: "out" | "end" }>;

export class Relay {
  readonly conn: string;
  readonly holder: string;
  readonly #bus: NodeBus;
  readonly #socket: RelayedSocket;
  readonly #toHolder: OrderedSender;
  readonly #fromHolder: OrderedReceiver<FromHolder>;
  #acked: (() => void) | undefined;
  #closed = false;
  #entered = false;
  readonly acked: Promise<void>;

  constructor(bus: NodeBus, conn: string, holder: string, socket: RelayedSocket, timing: RelayTiming) {
    this.#bus = bus;
    this.conn = conn;
    this.holder = holder;
    this.#socket = socket;
    this.acked = new Promise((resolve) => {
      this.#acked = resolve;
    });
    this.#toHolder = new OrderedSender(bus, holder, { giveUpMs: timing.giveUpMs }, () =>
      this.lost("the meeting's server cannot be reached"),
    );
    this.#fromHolder = new OrderedReceiver<FromHolder>(
      gapFor(timing.giveUpMs),
      (envelope) => this.#pass(envelope),
      () => {
        log.info("relayed message missing", { direction: "out", after: this.#fromHolder.received });
        this.lost("a relayed message was lost");
      },
    );
  }

  open(self: string, address: string): void {
    this.#bus.send(this.holder, { t: "open", c: this.conn, from: self, addr: address });
  }

  forward(text: string): void {
    if (this.#closed) return;
    this.#toHolder.send((n) => ({ t: "in", c: this.conn, n, d: text }));
  }

  /** A message from the holder for this connection. */
  receive(envelope: Envelope): void {
    if (this.#closed) return;
    if (envelope.t === "ack") this.#acked?.();
    else if (envelope.t === "out" || envelope.t === "end") this.#fromHolder.receive(envelope.n, envelope);
    else if (envelope.t === "gone") this.lost("the meeting's server no longer knows this connection");
  }

  /** The holder is gone, or a message was lost: the client reconnects and resumes (1012). */
  lost(reason: string): void {
    if (this.#closed) return;
    this.close();
    this.#socket.close(CloseCode.ServiceRestart, reason);
  }

  /** The socket closed (or the relay is given up): the holder lets the connection go. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#fromHolder.stop();
    this.#toHolder.send((n) => ({ t: "close", c: this.conn, n }));
  }

  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Whether the holder let the connection in (joined, or waiting in the lobby): until then the gateway's join
   * timeout still applies, as to a socket of this node's own meetings.
   */
  get entered(): boolean {
    return this.#entered;
  }

  #pass(envelope: FromHolder): void {
    if (envelope.t === "end") {
      this.#closed = true;
      this.#fromHolder.stop();
      this.#toHolder.stop(); // the holder has let the connection go: nothing of it is awaited there
      this.#socket.close(envelope.code, envelope.reason);
      return;
    }
    // The holder's own JSON starts with its type: enough to tell that the join was answered by an entry.
    if (!this.#entered && ENTRY.test(envelope.d)) this.#entered = true;
    this.#socket.sendText(envelope.d);
  }
}
