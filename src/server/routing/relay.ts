/**
 * The node holding a client's socket, for a meeting held elsewhere: every frame the client sends goes to the
 * holding node, every message the holder sends comes back to the socket. Frames are numbered both ways; a
 * gap (a message lost while Redis was away) or the holder's death closes the socket with 1012, and the
 * client comes back, as itself, to whichever node holds the meeting then.
 */
import { CloseCode } from "../../protocol/errors.js";
import type { Envelope } from "./cluster-schemas.js";
import type { NodeBus } from "./node-bus.js";

/** The socket end of a relay (the gateway's WebSocket). */
export interface RelayedSocket {
  sendText(text: string): void;
  close(code: number, reason: string): void;
}

const ENTRY = /^\{"type":"(joined|lobby\.waiting)"/;

export class Relay {
  readonly conn: string;
  readonly holder: string;
  readonly #bus: NodeBus;
  readonly #socket: RelayedSocket;
  #sent = 0;
  #received = 0;
  #acked: (() => void) | undefined;
  #closed = false;
  #entered = false;
  readonly acked: Promise<void>;

  constructor(bus: NodeBus, conn: string, holder: string, socket: RelayedSocket) {
    this.#bus = bus;
    this.conn = conn;
    this.holder = holder;
    this.#socket = socket;
    this.acked = new Promise((resolve) => {
      this.#acked = resolve;
    });
  }

  open(self: string, address: string): void {
    this.#bus.send(this.holder, { t: "open", c: this.conn, from: self, addr: address });
  }

  forward(text: string): void {
    if (this.#closed) return;
    this.#bus.send(this.holder, { t: "in", c: this.conn, n: ++this.#sent, d: text });
  }

  /** A message from the holder for this connection. */
  receive(envelope: Envelope): void {
    if (this.#closed) return;
    if (envelope.t === "ack") this.#acked?.();
    else if (envelope.t === "out") {
      if (envelope.n !== this.#received + 1) {
        this.lost("a relayed message was lost");
        return;
      }
      this.#received = envelope.n;
      // The holder's own JSON starts with its type: enough to tell that the join was answered by an entry.
      if (!this.#entered && ENTRY.test(envelope.d)) this.#entered = true;
      this.#socket.sendText(envelope.d);
    } else if (envelope.t === "end") {
      this.#closed = true;
      this.#socket.close(envelope.code, envelope.reason);
    }
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
    this.#bus.send(this.holder, { t: "close", c: this.conn });
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
}
