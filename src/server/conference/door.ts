/**
 * How people get into a room: the password (with its rate limit), the lobby (knock, admit, deny, cancel),
 * and coming back after a lost connection (the resume window).
 */
import { CloseCode, ErrorCode, ProtocolError } from "../../protocol/errors.js";
import type { ServerMessage } from "../../protocol/messages.js";
import type { HandQueue } from "./hands.js";
import type { Lobby } from "./lobby.js";
import { newParticipantId, Participant } from "./participant.js";
import { WindowLimiter } from "./window-limiter.js";

/** What the door needs of its room (room.ts's Room is one): the door does not depend on the room's file. */
export interface DoorRoom {
  readonly name: string;
  readonly options: { readonly maxParticipants: number };
  readonly lobby: Lobby;
  readonly hands: HandQueue;
  readonly size: number;
  readonly closed: boolean;
  readonly lobbyOn: boolean;
  readonly password: string | null;
  participant(id: string): Participant | undefined;
  hasModerator(): boolean;
  enter(participant: Participant, requestId?: number): void;
  send(id: string, message: ServerMessage): void;
  toModerators(message: ServerMessage): void;
  broadcastHands(): void;
  disconnect(id: string, code: number, reason: string): void;
}

/** How long a participant who lost its connection can come back as itself. PROTOCOL.md says 60 s. */
export const RESUME_WINDOW_MS = 60_000;
/** Wrong passwords allowed per minute, per room and per connection. */
export const PASSWORD_TRIES = { max: 5, windowMs: 60_000 };

export interface EntryRequest {
  name: string;
  audio: boolean;
  video: boolean;
  password?: string | undefined;
  resume?: string | undefined;
  /** The `join` request id, echoed in the reply. */
  requestId?: number | undefined;
  /** The connection's own count of wrong passwords. */
  passwordFailures: WindowLimiter;
  /** Called with the participant's id before anything is sent to it, so replies can reach it. */
  attach: (id: string) => void;
}

export type EntryOutcome = { id: string; state: "joined" | "waiting" };

interface Departed {
  id: string;
  role: Participant["role"];
  hand: ReturnType<HandQueue["record"]>;
  expires: number;
}

export class Door {
  readonly #room: DoorRoom;
  readonly #passwordFailures = new WindowLimiter(PASSWORD_TRIES.max, PASSWORD_TRIES.windowMs);
  readonly #departed = new Map<string, Departed>();

  constructor(room: DoorRoom) {
    this.#room = room;
  }

  /** Lets someone in, puts them in the lobby, or refuses with a typed error (changing nothing). */
  request(req: EntryRequest, now = Date.now()): EntryOutcome {
    const room = this.#room;
    if (room.closed) throw new ProtocolError(ErrorCode.Internal, "room is closing; try again");
    if (room.size + room.lobby.size >= room.options.maxParticipants) {
      throw new ProtocolError(ErrorCode.RoomFull, "this meeting is full");
    }
    if (req.resume !== undefined) return this.#resume(req, now);
    this.#checkPassword(req, now);
    const id = newParticipantId();
    if (room.size > 0 && room.lobbyOn) {
      req.attach(id);
      room.lobby.add({ id, name: req.name, since: now, audio: req.audio, video: req.video });
      room.send(id, {
        type: "lobby.waiting",
        ...(req.requestId !== undefined ? { id: req.requestId } : {}),
        room: room.name,
      });
      room.toModerators({ type: "lobby.knock", entry: { id, name: req.name, since: now } });
      return { id, state: "waiting" };
    }
    const role = room.hasModerator() ? "participant" : "moderator";
    this.#enter(new Participant(req.name, role, now, id), req);
    return { id, state: "joined" };
  }

  admit(id: string, now = Date.now()): void {
    const room = this.#room;
    const waiting = room.lobby.take(id);
    if (!waiting) throw new ProtocolError(ErrorCode.NotFound, "nobody with this id is waiting");
    const p = new Participant(waiting.name, room.hasModerator() ? "participant" : "moderator", now, id);
    p.audio = waiting.audio;
    p.video = waiting.video;
    room.toModerators({ type: "lobby.resolved", participantId: id, outcome: "admitted" });
    room.enter(p);
  }

  admitAll(now = Date.now()): void {
    for (const id of this.#room.lobby.ids()) this.admit(id, now);
  }

  deny(id: string): void {
    const room = this.#room;
    if (!room.lobby.take(id)) throw new ProtocolError(ErrorCode.NotFound, "nobody with this id is waiting");
    room.toModerators({ type: "lobby.resolved", participantId: id, outcome: "denied" });
    room.send(id, { type: "lobby.denied" });
    room.disconnect(id, CloseCode.Denied, "entry refused");
  }

  /** Keeps what a participant who lost its connection needs to come back as itself. */
  remember(p: Participant, hand: Departed["hand"], now = Date.now()): void {
    this.#prune(now);
    this.#departed.set(p.resumeToken, { id: p.id, role: p.role, hand, expires: now + RESUME_WINDOW_MS });
  }

  #enter(p: Participant, req: EntryRequest): void {
    p.audio = req.audio;
    p.video = req.video;
    req.attach(p.id);
    this.#room.enter(p, req.requestId);
  }

  #resume(req: EntryRequest, now: number): EntryOutcome {
    this.#prune(now);
    const token = req.resume as string;
    const departed = this.#departed.get(token);
    if (!departed || this.#room.participant(departed.id)) {
      throw new ProtocolError(ErrorCode.ResumeExpired, "cannot resume: join as a new participant");
    }
    this.#departed.delete(token);
    const p = new Participant(req.name, departed.role, now, departed.id);
    // The hand goes back first, so that `joined.hands` already shows it in its place.
    if (departed.hand) this.#room.hands.restore(p.id, departed.hand);
    this.#enter(p, req);
    if (departed.hand) this.#room.broadcastHands();
    return { id: p.id, state: "joined" };
  }

  #checkPassword(req: EntryRequest, now: number): void {
    const expected = this.#room.password;
    if (expected === null) return;
    if (this.#passwordFailures.exhausted(now) || req.passwordFailures.exhausted(now)) {
      const wait = Math.max(this.#passwordFailures.retryAfter(now), req.passwordFailures.retryAfter(now));
      throw new ProtocolError(ErrorCode.TooManyAttempts, "too many wrong passwords; wait a minute", wait);
    }
    if (req.password === undefined)
      throw new ProtocolError(ErrorCode.PasswordRequired, "this meeting needs a password");
    if (!timingSafeEqualString(req.password, expected)) {
      this.#passwordFailures.record(now);
      req.passwordFailures.record(now);
      throw new ProtocolError(ErrorCode.PasswordWrong, "wrong password");
    }
  }

  #prune(now: number): void {
    for (const [token, d] of this.#departed) if (d.expires <= now) this.#departed.delete(token);
  }
}

/** Compares without an early exit, so response time says nothing about how much of a guess was right. */
function timingSafeEqualString(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}
