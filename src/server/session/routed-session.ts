/**
 * A connection in a cluster: it joins the meeting wherever the meeting is held. Before `join` (and for a
 * meeting held here) a local Session serves it; for a meeting held on another node, every frame from `join`
 * on is relayed there (routing/relay.ts) and this node only carries the socket. Frames are routed one at a
 * time, in arrival order, like a Session's.
 */
import { ErrorCode, ProtocolError } from "../../protocol/errors.js";
import type { ClientMessage } from "../../protocol/messages.js";
import type { Placement } from "../routing/cluster.js";
import type { Relay, RelayedSocket } from "../routing/relay.js";
import type { ParticipantSink } from "../routing/router.js";
import type { FrameHandler } from "./frames.js";
import type { Session } from "./session.js";

/** How long the meeting's node has to acknowledge a relayed connection before it is thought lost. */
const ACK_TIMEOUT_MS = 1500;
const RETRY_MS = 500;

export interface RoutedDeps {
  placement: Placement;
  /** Whether this node has the meeting now (a join for it needs no round trip to Redis). */
  holdsHere(room: string): boolean;
}

export class RoutedSession implements FrameHandler {
  readonly #deps: RoutedDeps;
  readonly #local: Session;
  readonly #socket: RelayedSocket & ParticipantSink;
  readonly #address: string;
  #relay: Relay | undefined;
  #queue: Promise<void> = Promise.resolve();
  #ended = false;

  constructor(deps: RoutedDeps, local: Session, socket: RelayedSocket & ParticipantSink, address: string) {
    this.#deps = deps;
    this.#local = local;
    this.#socket = socket;
    this.#address = address;
  }

  get joined(): boolean {
    return this.#local.joined || this.#relay?.entered === true;
  }

  handle(message: ClientMessage, text: string): void {
    this.#queue = this.#queue.then(() => this.#route(message, text));
  }

  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#local.end();
    if (this.#relay) this.#deps.placement.forget(this.#relay);
  }

  async #route(message: ClientMessage, text: string): Promise<void> {
    if (this.#ended) return;
    if (this.#relay) this.#relay.forward(text);
    else if (message.type === "join" && !this.#local.joined) await this.#join(message, text);
    else if (message.type === "room.peek" && !this.#deps.holdsHere(message.room)) await this.#peek(message);
    else this.#local.handle(message);
  }

  async #join(message: Extract<ClientMessage, { type: "join" }>, text: string): Promise<void> {
    const { placement } = this.#deps;
    if (this.#deps.holdsHere(message.room)) {
      this.#local.handle(message);
      return;
    }
    const deadline = Date.now() + placement.placementDeadlineMs;
    for (;;) {
      let holder: string;
      try {
        holder = await placement.place(message.room);
      } catch (err) {
        this.#refuse(message, err);
        return;
      }
      if (this.#ended) return;
      if (holder === placement.self) {
        this.#local.handle(message);
        return;
      }
      const relay = placement.relay(holder, this.#socket, this.#address);
      relay.forward(text);
      if (await acknowledged(relay)) {
        if (this.#ended) placement.forget(relay);
        else this.#relay = relay;
        return;
      }
      // Silent: its node died and its announcement has not expired yet. Once it has, `place` names another.
      placement.forget(relay);
      if (this.#ended) return;
      if (Date.now() + RETRY_MS > deadline) {
        this.#refuse(
          message,
          new ProtocolError(ErrorCode.Unavailable, "the meeting's server does not answer"),
        );
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
    }
  }

  async #peek(message: Extract<ClientMessage, { type: "room.peek" }>): Promise<void> {
    const participants = await this.#deps.placement.count(message.room);
    this.#socket.send({
      type: "room.info",
      ...(message.id !== undefined ? { id: message.id } : {}),
      participants,
    });
  }

  #refuse(message: ClientMessage, err: unknown): void {
    const error =
      err instanceof ProtocolError
        ? err
        : new ProtocolError(ErrorCode.Unavailable, "the meeting cannot be reached");
    this.#socket.send({
      type: "error",
      ...(message.id !== undefined ? { id: message.id } : {}),
      code: error.code,
      message: error.message,
    });
  }
}

function acknowledged(relay: Relay): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ACK_TIMEOUT_MS);
    relay.acked.then(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}
