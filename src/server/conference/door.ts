/**
 * How people get into a room: the password (with its rate limit), the lobby (knock, admit, deny, cancel),
 * and coming back after a lost connection (the resume window).
 */
import { CloseCode, ErrorCode, ProtocolError } from "../../protocol/errors.js";
import type { Device, ServerMessage } from "../../protocol/messages.js";
import type { PasswordSeal } from "../routing/meeting-state.js";
import type { Grant } from "./grants.js";
import type { HandQueue } from "./hands.js";
import type { Lobby } from "./lobby.js";
import { newParticipantId, Participant } from "./participant.js";
import { passwordMatches } from "./password.js";
import type { RoomFamily } from "./room-family.js";
import type { WindowLimiter } from "./window-limiter.js";

/** What the door needs of its room (room.ts's Room is one): the door does not depend on the room's file. */
export interface DoorRoom {
  readonly name: string;
  readonly options: {
    readonly maxParticipants: number;
    /** People waiting in the lobby, and of those, from one client address. */
    readonly maxWaiting: number;
    readonly maxWaitingPerAddress: number;
  };
  readonly lobby: Lobby;
  readonly hands: HandQueue;
  readonly size: number;
  readonly closed: boolean;
  readonly lobbyOn: boolean;
  readonly password: PasswordSeal | null;
  readonly barred: { has(key: string | undefined): boolean };
  /** The meeting and its breakout rooms, when it has some: a breakout room is entered with a grant only. */
  readonly family: RoomFamily<DoorRoom> | undefined;
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
/**
 * Wrong passwords allowed per minute and per connection. The count per client address (README, "Security")
 * is kept by the gateway. Neither is per room: a room-wide count let anyone lock invited guests out.
 */
export const PASSWORD_TRIES = { max: 5, windowMs: 60_000 };

/** Who is at the door: the client address (never sent or logged) and its two counts of wrong passwords. */
export interface EntryClient {
  readonly address: string;
  /** This connection's wrong passwords. */
  readonly passwordFailures: WindowLimiter;
  /** Every connection's from the same address, all rooms together. */
  readonly addressPasswordFailures: WindowLimiter;
}

export interface EntryRequest {
  name: string;
  audio: boolean;
  video: boolean;
  password?: string | undefined;
  resume?: string | undefined;
  /** From `breakout.move`: into this room from another of the meeting's, without lobby or password. */
  grant?: string | undefined;
  /** The browser's key for this meeting (a removal bars it). */
  key?: string | undefined;
  /** The `join` request id, echoed in the reply. */
  requestId?: number | undefined;
  client: EntryClient;
  /** Called with the participant's id before anything is sent to it, so replies can reach it. */
  attach: (id: string) => void;
}

export type EntryOutcome = { id: string; state: "joined" | "waiting" };

/** Someone whose connection dropped (or whose node was lost), kept for the resume window. */
export interface Departed {
  id: string;
  name: string;
  role: Participant["role"];
  hand: ReturnType<HandQueue["record"]>;
  /** What a moderator turned off stays off when they come back. */
  blocked: Device[];
  key: string | undefined;
  budgets: Participant["budgets"];
  expires: number;
}

export class Door {
  readonly #room: DoorRoom;
  readonly #departed = new Map<string, Departed>();

  constructor(room: DoorRoom) {
    this.#room = room;
  }

  /**
   * Lets someone in, puts them in the lobby, or refuses with a typed error (changing nothing). Waiters are
   * counted apart from participants, so strangers knocking cannot fill a meeting its guests are invited to.
   */
  async request(req: EntryRequest, now = Date.now()): Promise<EntryOutcome> {
    const room = this.#room;
    this.#checkOpen(req);
    if (req.grant !== undefined) return this.#moveIn(req.grant, req, now);
    if (req.resume !== undefined) return this.#resume(req, now);
    if (room.family && room.family.main !== room)
      throw new ProtocolError(ErrorCode.Forbidden, "a breakout room is entered from its meeting");
    await this.#checkPassword(req, now);
    // The check took a moment: the room may have closed, or someone barred this browser meanwhile.
    this.#checkOpen(req);
    // Nobody inside, but a participant who dropped may come back: the lobby holds newcomers until then.
    if (room.lobbyOn && (room.size > 0 || this.mayReturn(now))) return this.#wait(req, now);
    this.#checkRoomForOneMore();
    const id = newParticipantId();
    const role = room.hasModerator() || this.#moderatorMayReturn(now) ? "participant" : "moderator";
    this.#enter(new Participant(req.name, role, now, id), req);
    return { id, state: "joined" };
  }

  #checkOpen(req: EntryRequest): void {
    if (this.#room.closed) throw new ProtocolError(ErrorCode.Internal, "room is closing; try again");
    // Before the password: a removed browser learns nothing more of the meeting (nor of its breakout rooms).
    if ((this.#room.family?.main ?? this.#room).barred.has(req.key))
      throw new ProtocolError(ErrorCode.Removed, "a moderator removed you from this meeting");
  }

  admit(id: string, now = Date.now()): void {
    const room = this.#room;
    const waiting = room.lobby.get(id);
    if (!waiting) throw new ProtocolError(ErrorCode.NotFound, "nobody with this id is waiting");
    this.#checkRoomForOneMore();
    room.lobby.take(id);
    const p = new Participant(waiting.name, room.hasModerator() ? "participant" : "moderator", now, id);
    p.key = waiting.key;
    p.audio = waiting.audio;
    p.video = waiting.video;
    room.toModerators({ type: "lobby.resolved", participantId: id, outcome: "admitted" });
    room.enter(p);
  }

  /** Admits the waiters, oldest first, as long as the meeting has room for them. */
  admitAll(now = Date.now()): void {
    for (const id of this.#room.lobby.ids()) {
      if (this.#room.size >= this.#room.options.maxParticipants) break;
      this.admit(id, now);
    }
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
    this.#departed.set(p.resumeToken, {
      id: p.id,
      name: p.name,
      role: p.role,
      hand,
      blocked: [...p.blocked],
      key: p.key,
      budgets: p.budgets,
      expires: now + RESUME_WINDOW_MS,
    });
  }

  /** Who may still come back, by resume token (a meeting's snapshot carries them to another node). */
  departed(now = Date.now()): [string, Departed][] {
    this.#prune(now);
    return [...this.#departed];
  }

  /** Keeps a departed record taken from a snapshot: its owner comes back here with the same token. */
  restoreDeparted(token: string, departed: Departed): void {
    this.#departed.set(token, departed);
  }

  /** Whether someone who dropped may still come back (their resume window is open). */
  mayReturn(now = Date.now()): boolean {
    this.#prune(now);
    return this.#departed.size > 0;
  }

  /** When the last open resume window closes (ms since the epoch), or null if none is open. */
  lastReturnBy(now = Date.now()): number | null {
    this.#prune(now);
    let last: number | null = null;
    for (const d of this.#departed.values()) if (last === null || d.expires > last) last = d.expires;
    return last;
  }

  #moderatorMayReturn(now: number): boolean {
    this.#prune(now);
    for (const d of this.#departed.values()) if (d.role === "moderator") return true;
    return false;
  }

  #wait(req: EntryRequest, now: number): EntryOutcome {
    const room = this.#room;
    if (room.lobby.size >= room.options.maxWaiting)
      throw new ProtocolError(ErrorCode.LobbyFull, "too many people are waiting to enter this meeting");
    if (room.lobby.countFrom(req.client.address) >= room.options.maxWaitingPerAddress) {
      throw new ProtocolError(
        ErrorCode.LobbyFull,
        "too many people from your network are waiting to enter this meeting",
      );
    }
    const id = newParticipantId();
    req.attach(id);
    room.lobby.add({
      id,
      name: req.name,
      since: now,
      audio: req.audio,
      video: req.video,
      address: req.client.address,
      key: req.key,
    });
    room.send(id, {
      type: "lobby.waiting",
      ...(req.requestId !== undefined ? { id: req.requestId } : {}),
      room: room.name,
    });
    room.toModerators({ type: "lobby.knock", entry: { id, name: req.name, since: now } });
    return { id, state: "waiting" };
  }

  #checkRoomForOneMore(): void {
    if (this.#room.size >= this.#room.options.maxParticipants)
      throw new ProtocolError(ErrorCode.RoomFull, "this meeting is full");
  }

  #enter(p: Participant, req: EntryRequest): void {
    p.key = req.key;
    p.audio = req.audio;
    p.video = req.video;
    req.attach(p.id);
    this.#room.enter(p, req.requestId);
  }

  /** Someone sent here from another room of the meeting: the same participant, let in before. */
  #moveIn(token: string, req: EntryRequest, now: number): EntryOutcome {
    const family = this.#room.family;
    if (!family) throw new ProtocolError(ErrorCode.Forbidden, "this meeting has no other room");
    this.#checkRoomForOneMore(); // before the grant is used up
    const grant: Grant<DoorRoom> = family.redeem(token, this.#room);
    const { mover } = grant;
    family.leaving(grant);
    const p = new Participant(mover.name, mover.role, now, mover.id, mover.budgets);
    for (const device of mover.blocked) p.blocked.add(device);
    this.#enter(p, req);
    p.key = mover.key ?? req.key; // the browser's key as the meeting knew it: what a removal bars
    return { id: p.id, state: "joined" };
  }

  #resume(req: EntryRequest, now: number): EntryOutcome {
    this.#prune(now);
    const token = req.resume as string;
    const departed = this.#departed.get(token);
    if (!departed || this.#room.participant(departed.id)) {
      throw new ProtocolError(ErrorCode.ResumeExpired, "cannot resume: join as a new participant");
    }
    // Coming back takes a place like any entry, but no lobby and no password: it was let in before.
    this.#checkRoomForOneMore();
    this.#departed.delete(token);
    const p = new Participant(req.name, departed.role, now, departed.id, departed.budgets);
    for (const device of departed.blocked) p.blocked.add(device);
    // The hand goes back first, so that `joined.hands` already shows it in its place.
    if (departed.hand) this.#room.hands.restore(p.id, departed.hand);
    this.#enter(p, req);
    if (departed.hand) this.#room.broadcastHands();
    return { id: p.id, state: "joined" };
  }

  async #checkPassword(req: EntryRequest, now: number): Promise<void> {
    const expected = this.#room.password;
    if (expected === null) return;
    const { passwordFailures: mine, addressPasswordFailures: ours } = req.client;
    if (mine.exhausted(now) || ours.exhausted(now)) {
      const wait = Math.max(mine.retryAfter(now), ours.retryAfter(now));
      throw new ProtocolError(ErrorCode.TooManyAttempts, "too many wrong passwords; wait a minute", wait);
    }
    if (req.password === undefined)
      throw new ProtocolError(ErrorCode.PasswordRequired, "this meeting needs a password");
    // Counted as wrong while it is checked (a moment, off the event loop), so that guesses sent at once from
    // many connections are all counted before any check ends; a right one is taken back.
    mine.record(now);
    ours.record(now);
    if (!(await passwordMatches(expected, req.password))) {
      throw new ProtocolError(ErrorCode.PasswordWrong, "wrong password");
    }
    mine.refund(now);
    ours.refund(now);
  }

  #prune(now: number): void {
    for (const [token, d] of this.#departed) if (d.expires <= now) this.#departed.delete(token);
  }
}
