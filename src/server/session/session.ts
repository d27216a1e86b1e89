/**
 * One WebSocket connection's life: before `join` it may only join; after, it acts as one participant of one
 * room. Receives messages already parsed by protocol/, runs them one at a time (in arrival order), and
 * answers each request with its reply or a typed error.
 */
import { CloseCode, ErrorCode, ProtocolError } from "../../protocol/errors.js";
import {
  type ClientMessage,
  type IceServer,
  PROTOCOL_VERSION,
  type ServerMessage,
} from "../../protocol/messages.js";
import type { Conference } from "../conference/conference.js";
import type { Participant } from "../conference/participant.js";
import type { Room } from "../conference/room.js";
import { logger } from "../logger.js";
import { MediaError } from "../media/media-room.js";
import type { ParticipantSink, Router } from "../routing/router.js";

const log = logger("session");

export interface SessionDeps {
  conference: Conference;
  router: Router;
  iceServers: IceServer[];
}

export class Session {
  readonly #deps: SessionDeps;
  readonly #sink: ParticipantSink;
  #joined: { room: Room; participant: Participant } | undefined;
  #joining = false;
  #ended = false;
  #queue: Promise<void> = Promise.resolve();

  constructor(deps: SessionDeps, sink: ParticipantSink) {
    this.#deps = deps;
    this.#sink = sink;
  }

  get joined(): boolean {
    return this.#joined !== undefined;
  }

  /** Queues a parsed message; replies go to the sink. */
  handle(message: ClientMessage): void {
    this.#queue = this.#queue.then(() => this.#run(message));
  }

  /** The connection closed: leave the room (as "disconnected" unless `leave` already ran). */
  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#leave("disconnected");
  }

  async #run(message: ClientMessage): Promise<void> {
    if (this.#ended) return;
    try {
      await this.#dispatch(message);
    } catch (err) {
      const id = message.id;
      if (err instanceof ProtocolError) {
        this.#send({
          type: "error",
          ...(id !== undefined ? { id } : {}),
          code: err.code,
          message: err.message,
        });
      } else if (err instanceof MediaError) {
        this.#send({
          type: "error",
          ...(id !== undefined ? { id } : {}),
          code: ErrorCode.MediaFailed,
          message: err.message,
        });
      } else {
        log.error("request failed", { type: message.type, err: String(err) });
        this.#send({
          type: "error",
          ...(id !== undefined ? { id } : {}),
          code: ErrorCode.Internal,
          message: "internal error",
        });
      }
    }
  }

  async #dispatch(m: ClientMessage): Promise<void> {
    const id = m.id !== undefined ? { id: m.id } : {};
    switch (m.type) {
      case "ping":
        this.#send({ type: "pong", ...id });
        return;
      case "join":
        await this.#join(m);
        return;
      case "leave": {
        this.#requireJoined();
        this.#send({ type: "ok", ...id });
        this.#ended = true;
        this.#leave("left");
        this.#sink.close(CloseCode.Left, "left");
        return;
      }
      case "publish": {
        const { room, participant } = this.#requireJoined();
        const jsep = await room.publish(participant.id, m.jsep);
        this.#send({ type: "publish.answer", ...id, jsep });
        return;
      }
      case "subscribe.answer": {
        const { room, participant } = this.#requireJoined();
        try {
          await room.answerSubscriber(participant.id, m.jsep);
        } catch (err) {
          if (err instanceof MediaError) throw new ProtocolError(ErrorCode.BadState, err.message);
          throw err;
        }
        this.#send({ type: "ok", ...id });
        return;
      }
      case "trickle": {
        const { room, participant } = this.#requireJoined();
        room.trickle(participant.id, m.pc, m.candidate);
        if (m.id !== undefined) this.#send({ type: "ok", id: m.id });
        return;
      }
      case "media.state": {
        const { room, participant } = this.#requireJoined();
        room.setMediaState(participant.id, m.audio, m.video);
        this.#send({ type: "ok", ...id });
        return;
      }
    }
  }

  async #join(m: Extract<ClientMessage, { type: "join" }>): Promise<void> {
    if (this.#joined || this.#joining) throw new ProtocolError(ErrorCode.AlreadyJoined, "already joined");
    if (m.v !== PROTOCOL_VERSION) {
      throw new ProtocolError(ErrorCode.UnsupportedVersion, `this server speaks version ${PROTOCOL_VERSION}`);
    }
    this.#joining = true;
    try {
      const joined = await this.#deps.conference.join(m.room, m.name, { audio: m.audio, video: m.video });
      if (this.#ended) {
        // The socket closed while the room was being set up.
        joined.room.leave(joined.participant.id, "disconnected");
        return;
      }
      this.#joined = joined;
      const { room, participant } = joined;
      this.#deps.router.attach(participant.id, this.#sink);
      this.#send({
        type: "joined",
        ...(m.id !== undefined ? { id: m.id } : {}),
        you: participant.info(),
        room: room.name,
        participants: room.othersOf(participant.id),
        iceServers: this.#deps.iceServers,
      });
      room.startMedia(participant.id);
      log.info("participant joined", { participants: room.size });
    } finally {
      this.#joining = false;
    }
  }

  #leave(reason: "left" | "disconnected"): void {
    const joined = this.#joined;
    if (!joined) return;
    this.#joined = undefined;
    this.#deps.router.detach(joined.participant.id);
    joined.room.leave(joined.participant.id, reason);
    log.info("participant left", { reason, participants: joined.room.size });
  }

  #requireJoined(): { room: Room; participant: Participant } {
    if (!this.#joined) throw new ProtocolError(ErrorCode.NotJoined, "send 'join' first");
    return this.#joined;
  }

  #send(message: ServerMessage): void {
    this.#sink.send(message);
  }
}
