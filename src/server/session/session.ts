/**
 * One WebSocket connection's life: before `join` it may only join; after, it stands in one room — as a
 * participant, a moderator, or someone waiting in the lobby — and every message is checked against that
 * standing (permissions.ts) before a handler acts. Messages run one at a time, in arrival order; each request
 * gets its reply or a typed error.
 */
import { ErrorCode, ProtocolError } from "../../protocol/errors.js";
import { type ClientMessage, PROTOCOL_VERSION, type ServerMessage } from "../../protocol/messages.js";
import type { Conference } from "../conference/conference.js";
import { type EntryClient, PASSWORD_TRIES } from "../conference/door.js";
import { authorize } from "../conference/permissions.js";
import type { Room } from "../conference/room.js";
import { WindowLimiter } from "../conference/window-limiter.js";
import { errorFields } from "../log-fields.js";
import { logger } from "../logger.js";
import { MediaError } from "../media/media-room.js";
import type { ParticipantSink, Router } from "../routing/router.js";
import { type InRoomContext, inRoomHandlers } from "./in-room.js";

const log = logger("session");

export interface SessionDeps {
  conference: Conference;
  router: Router;
}

/** What the gateway knows of the client behind a connection (its address, kept in memory only). */
export interface SessionClient {
  readonly address: string;
  /** Wrong passwords from this address, every connection and meeting together. */
  readonly passwordFailures: WindowLimiter;
}

export class Session {
  readonly #deps: SessionDeps;
  readonly #sink: ParticipantSink;
  readonly #client: EntryClient;
  #ctx: InRoomContext | undefined;
  #joining = false;
  #ended = false;
  #queue: Promise<void> = Promise.resolve();

  constructor(deps: SessionDeps, sink: ParticipantSink, client: SessionClient) {
    this.#deps = deps;
    this.#sink = sink;
    this.#client = {
      address: client.address,
      passwordFailures: new WindowLimiter(PASSWORD_TRIES.max, PASSWORD_TRIES.windowMs),
      addressPasswordFailures: client.passwordFailures,
    };
  }

  /** Whether the connection stands in a room (joined or waiting). */
  get joined(): boolean {
    return this.#ctx !== undefined;
  }

  /** Queues a parsed message; replies go to the sink. */
  handle(message: ClientMessage): void {
    this.#queue = this.#queue.then(() => this.#run(message));
  }

  /** The connection closed: leave the room (as "disconnected" unless `leave` already ran). */
  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#leaveRoom();
  }

  #leaveRoom(): void {
    const ctx = this.#ctx;
    if (!ctx) return;
    this.#ctx = undefined;
    // Moved to another room of the meeting: the participant is that connection's now, not ours to take out.
    if (!this.#deps.router.detach(ctx.id, this.#sink)) return;
    ctx.room.leave(ctx.id, "disconnected");
    log.info("connection closed", { participants: ctx.room.size });
  }

  async #run(message: ClientMessage): Promise<void> {
    if (this.#ended) return;
    try {
      if (message.type === "join") await this.#join(message);
      else if (message.type === "room.peek") this.#peek(message);
      else await this.#inRoom(message);
    } catch (err) {
      this.#fail(message, err);
    }
  }

  /** A count of the people in a meeting, never who: the pre-join screen says whether anyone is there. */
  #peek(m: Extract<ClientMessage, { type: "room.peek" }>): void {
    const participants = this.#deps.conference.occupancy(m.room);
    this.#send({ type: "room.info", ...(m.id !== undefined ? { id: m.id } : {}), participants });
  }

  async #inRoom(message: Exclude<ClientMessage, { type: "join" | "room.peek" }>): Promise<void> {
    const ctx = this.#ctx;
    if (!ctx) {
      if (message.type === "ping") {
        this.#send({ type: "pong", ...(message.id !== undefined ? { id: message.id } : {}) });
        return;
      }
      throw new ProtocolError(ErrorCode.NotJoined, "send 'join' first");
    }
    const standing = ctx.room.standingOf(ctx.id);
    if (!standing) throw new ProtocolError(ErrorCode.NotJoined, "you are no longer in this meeting");
    authorize(standing, message.type);
    ctx.room.participant(ctx.id)?.budgets.take(message.type);
    const handler = inRoomHandlers[message.type] as (
      c: InRoomContext,
      m: typeof message,
    ) => Promise<void> | void;
    await handler(ctx, message);
  }

  async #join(m: Extract<ClientMessage, { type: "join" }>): Promise<void> {
    if (this.#ctx || this.#joining) throw new ProtocolError(ErrorCode.AlreadyJoined, "already joined");
    if (m.v !== PROTOCOL_VERSION) {
      throw new ProtocolError(ErrorCode.UnsupportedVersion, `this server speaks version ${PROTOCOL_VERSION}`);
    }
    this.#joining = true;
    let room: Room | undefined;
    try {
      room =
        m.breakout === undefined
          ? await this.#deps.conference.room(m.room)
          : await this.#deps.conference.breakoutRoom(m.room, m.breakout);
      if (this.#ended) return; // the socket closed while the room was being set up
      const outcome = await room.door.request({
        name: m.name,
        audio: m.audio,
        video: m.video,
        password: m.password,
        resume: m.resume,
        grant: m.grant,
        key: m.key,
        requestId: m.id,
        client: this.#client,
        attach: (id) => {
          this.#deps.router.attach(id, this.#sink);
          this.#ctx = this.#context(room as Room, id);
        },
      });
      log.info(outcome.state === "joined" ? "participant joined" : "participant waiting", {
        participants: room.size,
      });
      // The socket closed while the door checked a password: leave as a dropped connection would.
      if (this.#ended) this.#leaveRoom();
    } finally {
      this.#joining = false;
      // A refused join (wrong password, bad resume token, full) may have created the room: it must not stay.
      if (!this.#ctx) room?.closeIfIdle();
    }
  }

  #context(room: Room, id: string): InRoomContext {
    return {
      room,
      id,
      reply: (message) => this.#send(message),
      close: (code, reason) => {
        this.#ended = true;
        this.#ctx = undefined;
        this.#deps.router.detach(id, this.#sink);
        this.#sink.close(code, reason);
      },
    };
  }

  #fail(message: ClientMessage, err: unknown): void {
    const id = message.id !== undefined ? { id: message.id } : {};
    if (err instanceof ProtocolError) {
      const retry = err.retryAfterMs !== undefined ? { retryAfterMs: err.retryAfterMs } : {};
      this.#send({ type: "error", ...id, code: err.code, message: err.message, ...retry });
    } else if (err instanceof MediaError) {
      // A request out of order (an answer with no offer pending) is the client's mistake, not the media server's.
      const code = err.failure === "out_of_order" ? ErrorCode.BadState : ErrorCode.MediaFailed;
      // Janus's reasons can quote what the client sent (a mid, an SDP line): the log gets codes only.
      log.warn("media request refused", { type: message.type, ...errorFields(err) });
      this.#send({ type: "error", ...id, code, message: err.message });
    } else {
      log.error("request failed", { type: message.type, ...errorFields(err) });
      this.#send({ type: "error", ...id, code: ErrorCode.Internal, message: "internal error" });
    }
  }

  #send(message: ServerMessage): void {
    this.#sink.send(message);
  }
}
