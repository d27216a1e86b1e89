/**
 * The holding node's side of relayed connections: a client whose socket is on another node is served here by
 * an ordinary Session, whose sink publishes back to that node. Room code sees a participant like any other.
 * Both directions are numbered and sent again until they arrive (routing/ordered-sender.ts).
 */
import { CloseCode } from "../../protocol/errors.js";
import type { ServerMessage } from "../../protocol/messages.js";
import { logger } from "../logger.js";
import type { RemoteEndpoint } from "../routing/cluster.js";
import type { Envelope } from "../routing/cluster-schemas.js";
import type { NodeBus } from "../routing/node-bus.js";
import { gapFor, OrderedReceiver } from "../routing/ordered-receiver.js";
import { OrderedSender } from "../routing/ordered-sender.js";
import type { ParticipantSink } from "../routing/router.js";
import { deliverFrame } from "./frames.js";
import type { Session, SessionClient } from "./session.js";

const log = logger("relay");

/** Connections ended here are remembered this long: a late frame of theirs is not answered `gone`. */
const ENDED_MEMORY_MS = 60_000;
const MAX_ENDED_REMEMBERED = 10_000;

/** A relayed connection's place in the gateway's count per client address; `release` when it ends. */
export interface RemoteSlot extends SessionClient {
  release(): void;
}

type FromSocket = Extract<Envelope, { t: "in" | "close" }>;

interface Remote {
  from: string;
  session: Session;
  slot: RemoteSlot;
  toSocket: OrderedSender;
  fromSocket: OrderedReceiver<FromSocket>;
}

export class RemoteSessions implements RemoteEndpoint {
  readonly #bus: NodeBus;
  readonly #giveUpMs: number;
  readonly #openSlot: (address: string) => RemoteSlot | null;
  readonly #newSession: (sink: ParticipantSink, client: SessionClient) => Session;
  readonly #remotes = new Map<string, Remote>();
  /** Connections that ended here, with when (oldest first). */
  readonly #ended = new Map<string, number>();

  constructor(
    bus: NodeBus,
    giveUpMs: number,
    openSlot: (address: string) => RemoteSlot | null,
    newSession: (sink: ParticipantSink, client: SessionClient) => Session,
  ) {
    this.#bus = bus;
    this.#giveUpMs = giveUpMs;
    this.#openSlot = openSlot;
    this.#newSession = newSession;
  }

  get size(): number {
    return this.#remotes.size;
  }

  /** A message from the node that holds the socket. */
  receive(envelope: Envelope): void {
    if (envelope.t === "open") this.#open(envelope.c, envelope.from, envelope.addr);
    else if (envelope.t === "in" || envelope.t === "close") {
      const remote = this.#remotes.get(envelope.c);
      if (remote) remote.fromSocket.receive(envelope.n, envelope);
      else if (envelope.t === "in" && !this.#ended.has(envelope.c)) {
        // Not known here (given up while its node was cut off, or this node restarted): the client reconnects.
        this.#bus.send(this.#fromNode(envelope.c), { t: "gone", c: envelope.c });
      }
    }
  }

  /** Ends the connections relayed by nodes that are gone (`gone` says which). */
  async dropGone(gone: (node: string) => Promise<boolean>): Promise<void> {
    const nodes = new Set([...this.#remotes.values()].map((r) => r.from));
    for (const node of nodes) {
      if (!(await gone(node))) continue;
      for (const [conn, remote] of this.#remotes) {
        if (remote.from !== node) continue;
        remote.toSocket.stop();
        this.#end(conn, { remember: false });
      }
    }
  }

  #open(conn: string, from: string, address: string): void {
    if (this.#remotes.has(conn) || this.#ended.has(conn)) return;
    const slot = this.#openSlot(address);
    if (!slot) return;
    let ended = false;
    const toSocket = new OrderedSender(this.#bus, from, { giveUpMs: this.#giveUpMs }, () => {
      // The socket's node cannot be reached: the participant leaves. Not remembered as ended: when the node is
      // back, the client's next frame is answered `gone`, and it reconnects instead of talking to no one.
      ended = true;
      this.#end(conn, { remember: false });
    });
    const sink: ParticipantSink = {
      send: (message: ServerMessage) => {
        if (ended) return;
        toSocket.send((n) => ({ t: "out", c: conn, n, d: JSON.stringify(message) }));
      },
      close: (code, reason) => {
        if (ended) return;
        ended = true;
        toSocket.send((n) => ({ t: "end", c: conn, n, code, reason: reason.slice(0, 123) }));
        this.#end(conn);
      },
    };
    const fromSocket = new OrderedReceiver<FromSocket>(
      gapFor(this.#giveUpMs),
      (envelope) => {
        if (envelope.t === "in") deliverFrame(envelope.d, session, sink);
        else {
          ended = true;
          toSocket.stop(); // the socket is closed: what it was still owed is moot
          this.#end(conn);
        }
      },
      () => {
        // A frame was lost for good: the client's state and ours may differ; it reconnects and resumes.
        log.info("relayed message missing", { direction: "in", after: fromSocket.received });
        sink.close(CloseCode.ServiceRestart, "a relayed message was lost");
      },
    );
    const session = this.#newSession(sink, slot);
    this.#remotes.set(conn, { from, session, slot, toSocket, fromSocket });
    this.#bus.send(from, { t: "ack", c: conn });
  }

  /**
   * The connection is over here. `remember` (an orderly end: ours was sent, or the socket closed) keeps its
   * late frames from being answered `gone`; a connection given up is not remembered, so its client learns.
   */
  #end(conn: string, { remember } = { remember: true }): void {
    const remote = this.#remotes.get(conn);
    if (!remote) return;
    this.#remotes.delete(conn);
    if (remember) this.#remember(conn);
    remote.fromSocket.stop();
    remote.session.end();
    remote.slot.release();
  }

  #remember(conn: string): void {
    const now = Date.now();
    this.#ended.set(conn, now);
    for (const [old, at] of this.#ended) {
      if (now - at < ENDED_MEMORY_MS && this.#ended.size <= MAX_ENDED_REMEMBERED) break;
      this.#ended.delete(old);
    }
  }

  /** The node a connection id names (`<node>.<number>`, checked by the envelope's schema). */
  #fromNode(conn: string): string {
    return conn.slice(0, conn.lastIndexOf("."));
  }
}
