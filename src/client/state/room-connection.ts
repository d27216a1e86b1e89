/**
 * RoomConnection: one socket's life in a meeting. It opens the socket, sends `join`, builds the media
 * engine once `joined` arrives (at once, or later from the lobby), and turns what the server says on that
 * socket into RoomState. The Room makes a new one for every join and every reconnection attempt and closes
 * the old one: a closed connection stays silent, so a socket that drops after we moved on cannot start
 * anything.
 *
 * What to do about an ending (refused, removed, lost) is not its business: it tells its owner, the Room,
 * which decides between the end screens and reconnecting.
 */

import { CloseCode } from "../../protocol/errors.js";
import { PROTOCOL_VERSION } from "../../protocol/limits.js";
import type { IceServer, ServerMessage, ServerMessageOf } from "../../protocol/messages.js";
import type { Engine } from "../engine/engine.js";
import type { LocalMedia } from "../engine/local-media.js";
import type { HandlerTables, ServerHandlers } from "../signal/handlers.js";
import { type OutgoingMessage, type ReplyTo, SignalClient } from "../signal/signal-client.js";
import type { Attempt, ConnectionOwner, ConnectionParts, Ending, JoinTarget } from "./connection-contract.js";
import { meetingKey } from "./meeting-key.js";
import { roomErrorOf } from "./room-errors.js";
import type { RoomState } from "./room-state.js";
import type { Roster } from "./roster.js";

/** A socket that neither opens nor fails (a dead network) must not stall the reconnection loop. */
export const CONNECT_TIMEOUT_MS = 10_000;

/** Close codes that end our participation (Left: the server ended it; we are out, not broken). */
const ENDINGS = new Map<number, Ending>([
  [CloseCode.Denied, "denied"],
  [CloseCode.Removed, "removed"],
  [CloseCode.MeetingEnded, "ended"],
  [CloseCode.Left, "left"],
]);

/**
 * Messages the connection hands on itself, at the moment it chooses (after building the engine, before
 * publishing): the others are handed on as they come, once the connection's own handler ran.
 */
const TOLD_BY_HANDLER: ReadonlySet<ServerMessage["type"]> = new Set(["joined", "media.restored"]);

export class RoomConnection {
  readonly #state: RoomState;
  readonly #roster: Roster;
  readonly #owner: ConnectionOwner;
  /** The feature modules' handler tables: each server message goes there after the connection's own part. */
  readonly #modules: HandlerTables;
  readonly #signal: SignalClient;
  readonly #parts: ConnectionParts;
  #engine: Engine | null = null;
  /** From `joined`: kept to build the engine again after the media server restarted. */
  #iceServers: readonly IceServer[] = [];
  /** `join` was answered: we are in the meeting or its lobby. */
  #live = false;
  #closed = false;
  #closeCode = 0;
  /** An offer that arrived before the engine existed (it should not happen, but costs nothing to keep). */
  #earlyOffer: ServerMessageOf<"subscribe.offer"> | null = null;

  constructor(
    state: RoomState,
    roster: Roster,
    owner: ConnectionOwner,
    modules: HandlerTables,
    parts: ConnectionParts,
  ) {
    this.#state = state;
    this.#roster = roster;
    this.#owner = owner;
    this.#modules = modules;
    this.#parts = parts;
    const own = this.#handlers();
    this.#signal = new SignalClient(
      {
        // Only an open connection speaks: one dropped while reconnecting must not start anything.
        message: (message) => {
          if (this.#closed) return;
          (own[message.type] as ((m: ServerMessage) => void) | undefined)?.(message);
          if (!this.#closed && !TOLD_BY_HANDLER.has(message.type)) this.#modules.dispatch(message);
        },
        close: ({ code }) => this.#socketClosed(code),
      },
      parts.Socket,
    );
  }

  /** The media engine, once in the meeting. */
  get engine(): Engine | null {
    return this.#engine;
  }

  /**
   * The signal client feature modules' requests go through, while this connection is in the meeting or its
   * lobby; null before (a socket opened to reconnect has not joined yet, and the server would answer
   * `not_joined`) and after. Whether the socket is open is the signal client's own check.
   */
  get requests(): SignalClient | null {
    return this.#closed || !this.#live ? null : this.#signal;
  }

  /**
   * One socket and one `join` (with the resume token, or the grant of a move, if given), up to entering the
   * meeting or its lobby.
   */
  async open(target: JoinTarget, media: LocalMedia, resume: string | null, grant?: string): Promise<Attempt> {
    const s = this.#state;
    s.connection.value = "connecting";
    const giveUp = setTimeout(() => this.#signal.close(), CONNECT_TIMEOUT_MS);
    try {
      await this.#signal.connect(this.#parts.url());
    } catch (error) {
      return this.#failed("connect", error);
    } finally {
      clearTimeout(giveUp);
    }
    if (this.#closed) return { kind: "stale" };
    s.connection.value = "connected";

    const key = await meetingKey(target.room);
    if (this.#closed) return { kind: "stale" };
    let reply: ReplyTo<"join">;
    try {
      const devices = s.local.value;
      reply = await this.#signal.request({
        type: "join",
        v: PROTOCOL_VERSION,
        room: target.room,
        name: target.name,
        audio: devices?.audio ?? true,
        video: devices?.video ?? true,
        // Resuming or moving asks for no password (PROTOCOL.md); a fresh join carries the last one accepted.
        ...(grant
          ? { grant }
          : resume
            ? { resume }
            : target.password !== undefined
              ? { password: target.password }
              : {}),
        ...(target.breakout !== undefined ? { breakout: target.breakout } : {}),
        ...(key ? { key } : {}),
      });
    } catch (error) {
      return this.#failed("join", error);
    }
    if (this.#closed) return { kind: "stale" };
    this.#live = true;
    if (reply.type === "lobby.waiting") {
      s.passwordPrompt.value = null;
      s.reconnecting.value = false;
      s.view.value = "lobby";
      return { kind: "waiting" };
    }
    this.#enter(reply, media);
    return { kind: "entered" };
  }

  /** Tells the others our devices' state (only a participant may: `joined` carries it otherwise). */
  sendMediaState(): void {
    const local = this.#state.local.value;
    if (!local?.info || !this.#live || this.#closed || this.#state.view.value !== "conference") return;
    if (!this.#signal.isOpen) return;
    this.#signal
      .request({ type: "media.state", audio: local.audio, video: local.video })
      .catch((err: unknown) => {
        console.warn("palabre: media.state was not accepted", err);
      });
  }

  /**
   * Closes the media at once and, if we had joined, sends `message` (leave, lobby.cancel) before closing the
   * socket, waiting at most `timeoutMs` for the reply. Silent from the first line, like close().
   */
  async closeSaying(message: OutgoingMessage, timeoutMs: number): Promise<void> {
    const live = this.#live && !this.#closed;
    this.#silence();
    if (!live) {
      this.#signal.close();
      return;
    }
    try {
      await this.#signal.request(message, timeoutMs);
    } catch {
      // The server takes us out when the socket closes all the same.
    } finally {
      this.#signal.close();
    }
  }

  /** For page unload: says `leave` without waiting, and closes. */
  closeNow(message: OutgoingMessage): void {
    if (this.#live && !this.#closed) this.#signal.send(message);
    this.close();
  }

  /**
   * Moving to another room: nothing this connection hears reaches the room any more, but our media goes on
   * flowing where we were until the server has moved us (it then closes this socket, 4006) or close().
   */
  retire(): void {
    this.#closed = true;
    this.#live = false;
  }

  /** Closes the engine and the socket; nothing this connection hears afterwards reaches the room. */
  close(): void {
    this.#silence();
    this.#signal.close();
  }

  #silence(): void {
    this.#closed = true;
    this.#live = false;
    this.#engine?.close();
    this.#engine = null;
    this.#earlyOffer = null;
  }

  #failed(stage: "connect" | "join", error: unknown): Attempt {
    const closed = this.#closed;
    const closeCode = this.#closeCode;
    this.close();
    return closed ? { kind: "stale" } : { kind: "failed", stage, error, closeCode };
  }

  /** The part of joining after `joined`, whether it answered our `join` or came from the lobby. */
  #enter(joined: ServerMessageOf<"joined">, media: LocalMedia): void {
    const s = this.#state;
    // No await from here until the engine exists: a subscribe.offer may be the very next frame.
    this.#iceServers = joined.iceServers;
    this.#live = true;
    this.#startEngine(media);
    this.#owner.entered(joined.resume);
    s.roomName.value = joined.room;
    s.settings.value = joined.settings;
    const local = s.local.value;
    if (local) s.local.value = { ...local, info: joined.you };
    this.#roster.reset(joined.participants, joined.you.id);
    s.passwordPrompt.value = null;
    s.view.value = "conference";
    s.reconnecting.value = false;
    s.mediaReconnecting.value = false;
    // A toggle pressed while `join` was in flight (or in the lobby): declare the devices' real state.
    if (local && (local.audio !== joined.you.audio || local.video !== joined.you.video))
      this.sendMediaState();
    this.#modules.dispatch(joined);
    if (this.#earlyOffer) this.#applyOffer(this.#earlyOffer);
    this.#earlyOffer = null;
    this.#publish();
  }

  /** A new engine (both peer connections) for this socket: on entering, and after the media server restarted. */
  #startEngine(media: LocalMedia): void {
    const s = this.#state;
    const engine = this.#parts.engine(this.#signal, this.#iceServers, media.stream, {
      onRemoteTracks: (id, tracks) => {
        if (!this.#closed && this.#engine === engine) this.#roster.tracks(id, tracks);
      },
      onHealth: (health) => {
        if (!this.#closed && this.#engine === engine) s.mediaHealth.value = health;
      },
      transforms: () => this.#owner.transforms(),
    });
    this.#engine = engine;
  }

  #publish(): void {
    const engine = this.#engine;
    engine?.publish().catch((err: unknown) => {
      // An engine replaced meanwhile (the media server was lost) failed for that reason alone.
      if (!this.#closed && this.#engine === engine) this.#owner.failed(roomErrorOf(err));
    });
  }

  /** The media server was lost: our media with it. The meeting goes on; we wait for `media.restored`. */
  #mediaLost(): void {
    this.#engine?.close();
    this.#engine = null;
    this.#earlyOffer = null;
    this.#roster.clearTracks();
    this.#state.mediaHealth.value = "connecting";
    this.#state.mediaReconnecting.value = true;
  }

  /** The media server is back: publish again on new connections; features put what they send back on them. */
  #mediaRestored(msg: ServerMessageOf<"media.restored">): void {
    const media = this.#state.local.value?.media;
    if (!media || this.#state.view.value !== "conference") return;
    this.#engine?.close();
    this.#startEngine(media);
    this.#state.mediaReconnecting.value = false;
    this.#modules.dispatch(msg);
    if (this.#earlyOffer) this.#applyOffer(this.#earlyOffer);
    this.#earlyOffer = null;
    this.#publish();
  }

  /** What the connection itself does with each server message (the feature modules hear them after). */
  #handlers(): ServerHandlers {
    return {
      "participant.joined": ({ participant }) =>
        this.#roster.joined(participant, this.#engine?.remoteTracksOf(participant.id) ?? {}),
      "participant.updated": ({ participant }) => this.#roster.updated(participant),
      "participant.left": ({ participantId }) => this.#roster.left(participantId),
      "subscribe.offer": (msg) => {
        if (this.#engine) this.#applyOffer(msg);
        else this.#earlyOffer = msg;
      },
      // Admitted from the lobby: `joined` without an id, and from here on it is an ordinary join.
      joined: (joined) => {
        const media = this.#state.local.value?.media;
        if (this.#state.view.value === "lobby" && media) this.#enter(joined, media);
      },
      "media.lost": () => {
        if (this.#live) this.#mediaLost();
      },
      "media.restored": (msg) => {
        if (this.#live) this.#mediaRestored(msg);
      },
      "room.updated": ({ settings }) => {
        this.#state.settings.value = settings;
      },
      "breakout.move": ({ breakout, grant }) => this.#owner.moved(breakout, grant),
      // The close that follows (4003, 4004) says the same; acting on the message does not depend on its code.
      "lobby.denied": () => this.#owner.ended("denied"),
      "moderation.removed": ({ reason }) => {
        this.#state.removalReason.value = reason ?? null;
        this.#owner.ended("removed");
      },
      // Errors without a request id answer fire-and-forget messages (trickle): worth a log, not a halt.
      error: (msg) => console.warn(`palabre: server error ${msg.code}: ${msg.message}`),
    };
  }

  #socketClosed(code: number): void {
    if (this.#closed) return;
    this.#closeCode = code;
    this.#state.connection.value = "closed";
    // A join still in flight fails with "closed", and its caller decides.
    if (!this.#live) return;
    const ending = ENDINGS.get(code);
    if (ending) this.#owner.ended(ending);
    // A network drop, a server restart, the media server gone (4002): come back by ourselves.
    else this.#owner.lost(code === CloseCode.MediaLost);
  }

  #applyOffer(msg: ServerMessageOf<"subscribe.offer">): void {
    this.#engine?.handleSubscribeOffer(msg).catch((err: unknown) => {
      console.warn("palabre: could not apply a subscribe offer", err);
    });
  }
}
