/**
 * The holding node's side of relayed connections: a client whose socket is on another node is served here by
 * an ordinary Session, whose sink publishes back to that node. Room code sees a participant like any other.
 */
import { CloseCode } from "../../protocol/errors.js";
import type { ServerMessage } from "../../protocol/messages.js";
import type { RemoteEndpoint } from "../routing/cluster.js";
import type { Envelope } from "../routing/cluster-schemas.js";
import type { NodeBus } from "../routing/node-bus.js";
import type { ParticipantSink } from "../routing/router.js";
import { deliverFrame } from "./frames.js";
import type { Session, SessionClient } from "./session.js";

/** A relayed connection's place in the gateway's count per client address; `release` when it ends. */
export interface RemoteSlot extends SessionClient {
  release(): void;
}

interface Remote {
  from: string;
  session: Session;
  sink: ParticipantSink;
  slot: RemoteSlot;
  received: number;
}

export class RemoteSessions implements RemoteEndpoint {
  readonly #bus: NodeBus;
  readonly #openSlot: (address: string) => RemoteSlot | null;
  readonly #newSession: (sink: ParticipantSink, client: SessionClient) => Session;
  readonly #remotes = new Map<string, Remote>();

  constructor(
    bus: NodeBus,
    openSlot: (address: string) => RemoteSlot | null,
    newSession: (sink: ParticipantSink, client: SessionClient) => Session,
  ) {
    this.#bus = bus;
    this.#openSlot = openSlot;
    this.#newSession = newSession;
  }

  get size(): number {
    return this.#remotes.size;
  }

  /** A message from the node that holds the socket. */
  receive(envelope: Envelope): void {
    if (envelope.t === "open") this.#open(envelope.c, envelope.from, envelope.addr);
    else if (envelope.t === "in") {
      const remote = this.#remotes.get(envelope.c);
      if (!remote) return;
      if (envelope.n !== remote.received + 1) {
        // A frame was lost: the client's state and ours may differ; it reconnects and resumes.
        remote.sink.close(CloseCode.ServiceRestart, "a relayed message was lost");
        return;
      }
      remote.received = envelope.n;
      deliverFrame(envelope.d, remote.session, remote.sink);
    } else if (envelope.t === "close") this.#end(envelope.c);
  }

  /** Ends the connections relayed by nodes that are gone (`gone` says which). */
  async dropGone(gone: (node: string) => Promise<boolean>): Promise<void> {
    const nodes = new Set([...this.#remotes.values()].map((r) => r.from));
    for (const node of nodes) {
      if (!(await gone(node))) continue;
      for (const [conn, remote] of this.#remotes) if (remote.from === node) this.#end(conn);
    }
  }

  #open(conn: string, from: string, address: string): void {
    if (this.#remotes.has(conn)) return;
    const slot = this.#openSlot(address);
    if (!slot) return;
    let sent = 0;
    let ended = false;
    const sink: ParticipantSink = {
      send: (message: ServerMessage) => {
        if (ended) return;
        this.#bus.send(from, { t: "out", c: conn, n: ++sent, d: JSON.stringify(message) });
      },
      close: (code, reason) => {
        if (ended) return;
        ended = true;
        this.#bus.send(from, { t: "end", c: conn, code, reason: reason.slice(0, 123) });
        this.#end(conn);
      },
    };
    const session = this.#newSession(sink, slot);
    this.#remotes.set(conn, { from, session, sink, slot, received: 0 });
    this.#bus.send(from, { t: "ack", c: conn });
  }

  #end(conn: string): void {
    const remote = this.#remotes.get(conn);
    if (!remote) return;
    this.#remotes.delete(conn);
    remote.session.end();
    remote.slot.release();
  }
}
