/**
 * A meeting's breakout rooms (PROTOCOL.md "Breakout rooms"): which rooms there are, who is assigned where,
 * whether they are open or closing, and the grants that move people between them and the meeting. Each
 * breakout room is an ordinary Room (its own media, chat, hands, polls) whose family is this object; the
 * meeting's Room is `main`. Moderators act from any room of the meeting; every change is told to everyone in
 * all of them (`breakouts`, gathered). Closing the meeting closes its breakout rooms.
 */
import { CloseCode, ErrorCode, ProtocolError } from "../../protocol/errors.js";
import { type BreakoutsState, Limits, type ServerMessage } from "../../protocol/messages.js";
import type { BreakoutsSnapshot } from "../routing/meeting-state.js";
import { type Grant, Grants } from "./grants.js";
import type { Participant } from "./participant.js";
import { assignAtRandom } from "./random-assignment.js";
import type { Room } from "./room.js";
import type { RoomFamily } from "./room-family.js";

/** `breakouts` messages are gathered: at most one per this many ms, whatever the number of moves. */
export const STATE_GATHER_MS = 250;
/** Once the rooms closed, whoever is still in one (a client that did not follow) is disconnected this later. */
export const STRAGGLER_MS = 10_000;
/** A countdown that ran out while the meeting moved to another node ends this long after the move. */
export const TAKEOVER_GRACE_MS = 5_000;

interface BreakoutRoom {
  id: string;
  name: string;
  /** Made when the rooms open (or when added to open ones); null until then. */
  room: Room | null;
}

export interface BreakoutDeps {
  /** Makes breakout room `id` of the meeting: a Room of its own, with its media, whose family is this. */
  createRoom(id: string): Promise<Room>;
}

const fail = (code: ErrorCode, message: string) => new ProtocolError(code, message);

export class Breakouts implements RoomFamily<Room> {
  readonly main: Room;
  readonly #deps: BreakoutDeps;
  readonly #rooms = new Map<string, BreakoutRoom>();
  /** Participant id → breakout room id. */
  readonly #assigned = new Map<string, string>();
  readonly #grants = new Grants<Room>();
  #next = 1;
  #open = false;
  #opening = false;
  #allowMove = false;
  #closingAt: number | null = null;
  #closeTimer: NodeJS.Timeout | undefined;
  #stateTimer: NodeJS.Timeout | undefined;
  #disposed = false;

  constructor(main: Room, deps: BreakoutDeps) {
    this.main = main;
    this.#deps = deps;
  }

  /** Whether the meeting has breakout rooms (open or not). */
  get any(): boolean {
    return this.#rooms.size > 0;
  }

  /** The open breakout room `id`'s Room, if it is made. */
  room(id: string): Room | undefined {
    return this.#rooms.get(id)?.room ?? undefined;
  }

  /** The meeting's rooms that exist now: the meeting first. */
  members(): Room[] {
    const rooms = [this.main];
    for (const b of this.#rooms.values()) if (b.room && !b.room.closed) rooms.push(b.room);
    return rooms;
  }

  // ── What moderators do ───────────────────────────────────────────────────────────────────

  create(names: string[]): void {
    if (this.#closingAt !== null) throw fail(ErrorCode.BadState, "the breakout rooms are closing");
    if (this.#rooms.size + names.length > Limits.breakoutRooms) {
      throw fail(ErrorCode.BreakoutLimit, `a meeting has at most ${Limits.breakoutRooms} breakout rooms`);
    }
    for (const name of names) {
      const b: BreakoutRoom = { id: `b${this.#next++}`, name, room: null };
      this.#rooms.set(b.id, b);
      if (this.#open) void this.#make(b).catch(() => undefined);
    }
    this.#stateChanged();
  }

  remove(id: string): void {
    const b = this.#get(id);
    if (b.room && b.room.size > 0) throw fail(ErrorCode.BadState, "someone is in this breakout room");
    this.#rooms.delete(id);
    for (const [pid, to] of this.#assigned) if (to === id) this.#assigned.delete(pid);
    this.#grants.voidInto(id);
    void b.room?.close(CloseCode.MeetingEnded, "the breakout room was removed");
    if (this.#rooms.size === 0) this.#reset();
    this.#stateChanged();
  }

  /** Every assignment valid, or none made. */
  assign(assignments: { participantId: string; breakout: string | null }[]): void {
    for (const a of assignments) {
      if (!this.#roomOf(a.participantId))
        throw fail(ErrorCode.NotFound, "no such participant in this meeting");
      if (a.breakout !== null) this.#get(a.breakout);
    }
    for (const a of assignments) {
      if (a.breakout === null) this.#assigned.delete(a.participantId);
      else this.#assigned.set(a.participantId, a.breakout);
    }
    this.#stateChanged();
  }

  /** Everyone in the meeting neither moderator nor assigned goes, at random, to the emptiest room. */
  shuffle(random: () => number = Math.random): void {
    if (this.#rooms.size === 0) throw fail(ErrorCode.BadState, "create breakout rooms first");
    const people = [...this.main.participants()].filter((p) => p.role !== "moderator").map((p) => p.id);
    assignAtRandom(people, [...this.#rooms.keys()], this.#assigned, random);
    this.#stateChanged();
  }

  configure(allowMove: boolean): void {
    this.#allowMove = allowMove;
    this.#stateChanged();
  }

  /** Opens the rooms (each made with its media); `auto` sends everyone assigned in the meeting to their room. */
  async open(auto: boolean): Promise<void> {
    if (this.#rooms.size === 0) throw fail(ErrorCode.BadState, "create breakout rooms first");
    if (this.#open || this.#opening) throw fail(ErrorCode.BadState, "the breakout rooms are open already");
    this.#opening = true;
    try {
      await Promise.all([...this.#rooms.values()].map((b) => this.#make(b)));
    } finally {
      this.#opening = false;
    }
    if (this.#disposed) return;
    this.#open = true;
    this.#stateChanged();
    if (!auto) return;
    for (const p of [...this.main.participants()]) {
      const to = this.#assigned.get(p.id);
      if (to !== undefined && this.room(to)) this.#send(this.main, p, to);
    }
  }

  broadcast(from: Participant, text: string, now = Date.now()): void {
    const notice: ServerMessage = {
      type: "breakout.notice",
      from: from.id,
      fromName: from.name,
      text,
      at: now,
    };
    for (const room of this.members()) room.broadcast(notice);
  }

  /** Everyone back to the meeting in `countdownSeconds`; then the rooms are gone. */
  close(countdownSeconds: number, now = Date.now()): void {
    if (!this.#open) throw fail(ErrorCode.BadState, "the breakout rooms are not open");
    this.#closeAt(now + countdownSeconds * 1000, countdownSeconds * 1000);
    this.#stateChanged();
  }

  // ── What anyone does ─────────────────────────────────────────────────────────────────────

  /** The `breakout.move` that sends `p`, in `from`, to breakout room `to` (null: the meeting), if it may go. */
  join(from: Room, p: Participant, to: string | null): ServerMessage {
    if (to === null) {
      if (from === this.main) throw fail(ErrorCode.BadState, "you are in the meeting already");
      return this.#move(from, p, null);
    }
    if (!this.#open || this.#closingAt !== null)
      throw fail(ErrorCode.BadState, "the breakout rooms are not open");
    const b = this.#get(to);
    if (b.room === from) throw fail(ErrorCode.BadState, "you are in this breakout room already");
    if (p.role !== "moderator" && !this.#allowMove && this.#assigned.get(p.id) !== to) {
      throw fail(ErrorCode.Forbidden, "you may go to your own breakout room only");
    }
    if (!b.room) throw fail(ErrorCode.Unavailable, "the breakout room is being prepared; try again");
    return this.#move(from, p, to);
  }

  // ── RoomFamily ───────────────────────────────────────────────────────────────────────────

  moderatorElsewhere(room: Room): boolean {
    if (room !== this.main) return true;
    for (const other of this.members()) {
      if (other === room) continue;
      for (const p of other.participants()) if (p.role === "moderator") return true;
    }
    return false;
  }

  keepsOpen(room: Room): boolean {
    if (this.#disposed || this.#rooms.size === 0) return false;
    if (room !== this.main && this.#idOf(room) === undefined) return false;
    return this.members().some((r) => r.size > 0 || r.lobby.size > 0 || r.door.mayReturn());
  }

  membershipChanged(_room: Room): void {
    // A meeting without breakout rooms says nothing of them: its people's messages are as before.
    if (this.#rooms.size > 0) this.#stateChanged();
  }

  roomClosed(room: Room, code: number): void {
    if (room === this.main) {
      this.dispose(code);
      return;
    }
    const id = this.#idOf(room);
    const b = id === undefined ? undefined : this.#rooms.get(id);
    if (b) b.room = null;
    // The last room of an empty meeting closed: the meeting ends too (its own vacancy was kept open).
    this.main.closeIfIdle();
  }

  elsewhere(room: Room, message: ServerMessage, to: { moderators: boolean }): void {
    if (room !== this.main) return;
    for (const other of this.members()) {
      if (other === room) continue;
      if (!to.moderators) other.broadcast(message);
      else for (const p of other.participants()) if (p.role === "moderator") other.send(p.id, message);
    }
  }

  redeem(token: string, room: Room): Grant<Room> {
    const to = room === this.main ? null : this.#idOf(room);
    const grant = to === undefined ? undefined : this.#grants.redeem(token, to);
    if (!grant)
      throw fail(ErrorCode.Forbidden, "this pass is not valid (used, expired, or for another room)");
    return grant;
  }

  leaving(grant: Grant<Room>): void {
    const { from, mover } = grant;
    if (!from.participant(mover.id)) return;
    from.leave(mover.id, "moved");
    from.disconnect(mover.id, CloseCode.Moved, "moved to another room of the meeting");
  }

  /** What everyone in the meeting and its rooms sees of them. */
  state(): BreakoutsState {
    return {
      rooms: [...this.#rooms.values()].map((b) => ({
        id: b.id,
        name: b.name,
        people: b.room ? [...b.room.participants()].map((p) => ({ id: p.id, name: p.name })) : [],
      })),
      open: this.#open,
      allowMove: this.#allowMove,
      closingAt: this.#closingAt,
      assigned: Object.fromEntries(this.#assigned),
    };
  }

  /** The meeting closed (`code`: it ended, or moves to another node): its breakout rooms too, timers stop. */
  dispose(code: number = CloseCode.MeetingEnded): void {
    if (this.#disposed) return;
    this.#disposed = true;
    clearTimeout(this.#closeTimer);
    clearTimeout(this.#stateTimer);
    this.#grants.clear();
    for (const b of this.#rooms.values()) void b.room?.close(code, "the meeting closed");
    this.#rooms.clear();
  }

  // ── Taken over by another node (snapshot.ts) ─────────────────────────────────────────────

  snapshot(now: number): BreakoutsSnapshot | null {
    if (this.#rooms.size === 0) return null;
    return {
      next: this.#next,
      open: this.#open,
      allowMove: this.#allowMove,
      closingAt: this.#closingAt,
      assigned: [...this.#assigned],
      rooms: [...this.#rooms.values()].map((b) => ({
        id: b.id,
        name: b.name,
        state: b.room && !b.room.closed ? b.room.snapshot(now) : null,
      })),
    };
  }

  /**
   * The rooms of a meeting taken over, each open one made again (with its media) and given its state. A
   * countdown that ran out meanwhile ends only after TAKEOVER_GRACE_MS, so that its people are back in
   * their rooms to be sent to the meeting.
   */
  async restore(saved: BreakoutsSnapshot, now = Date.now()): Promise<void> {
    this.#next = saved.next;
    this.#allowMove = saved.allowMove;
    for (const [pid, to] of saved.assigned) this.#assigned.set(pid, to);
    for (const r of saved.rooms) this.#rooms.set(r.id, { id: r.id, name: r.name, room: null });
    if (saved.open) {
      await Promise.all([...this.#rooms.values()].map((b) => this.#make(b)));
      for (const r of saved.rooms) if (r.state) this.room(r.id)?.takeOver(r.state, now);
      this.#open = true;
    }
    if (saved.closingAt !== null && this.#open)
      this.#closeAt(saved.closingAt, Math.max(saved.closingAt - now, TAKEOVER_GRACE_MS));
  }

  // ── Inside ───────────────────────────────────────────────────────────────────────────────

  #send(from: Room, p: Participant, to: string | null): void {
    from.send(p.id, this.#move(from, p, to));
  }

  /** A grant for `p` from `from` into `to`, in the message that gives it. */
  #move(from: Room, p: Participant, to: string | null): ServerMessage {
    const mover = {
      id: p.id,
      name: p.name,
      role: p.role,
      blocked: [...p.blocked],
      key: p.key,
      budgets: p.budgets,
    };
    return { type: "breakout.move", breakout: to, grant: this.#grants.issue(mover, from, to) };
  }

  async #make(b: BreakoutRoom): Promise<void> {
    if (b.room && !b.room.closed) return;
    const room = await this.#deps.createRoom(b.id);
    if (this.#disposed || this.#rooms.get(b.id) !== b) {
      void room.close(CloseCode.MeetingEnded, "the breakout room was removed");
      return;
    }
    b.room = room;
  }

  /** The rooms close at `closingAt` (as everyone is told), in `inMs` (as the timer runs). */
  #closeAt(closingAt: number, inMs: number): void {
    clearTimeout(this.#closeTimer);
    this.#closingAt = closingAt;
    this.#closeTimer = setTimeout(() => this.#closeNow(), inMs);
    this.#closeTimer.unref();
  }

  #closeNow(): void {
    if (this.#disposed) return;
    const rooms = [...this.#rooms.values()];
    for (const b of rooms) {
      if (!b.room) continue;
      for (const p of [...b.room.participants()]) this.#send(b.room, p, null);
    }
    this.#rooms.clear();
    this.#reset();
    this.#stateChanged();
    // Those who did not follow within STRAGGLER_MS are let go; the rooms close (and the meeting, if empty).
    setTimeout(() => {
      for (const b of rooms) void b.room?.close(CloseCode.MeetingEnded, "the breakout room closed");
    }, STRAGGLER_MS).unref();
  }

  #reset(): void {
    clearTimeout(this.#closeTimer);
    this.#assigned.clear();
    this.#open = false;
    this.#closingAt = null;
  }

  /** Everyone hears of the change (gathered); when the last room went, once more, with no rooms. */
  #stateChanged(): void {
    if (this.#disposed || this.#stateTimer) return;
    this.#stateTimer = setTimeout(() => {
      this.#stateTimer = undefined;
      if (this.#disposed) return;
      const message: ServerMessage = { type: "breakouts", ...this.state() };
      for (const room of this.members()) room.broadcast(message);
    }, STATE_GATHER_MS);
    this.#stateTimer.unref();
  }

  #get(id: string): BreakoutRoom {
    const b = this.#rooms.get(id);
    if (!b) throw fail(ErrorCode.NotFound, "no such breakout room");
    return b;
  }

  #idOf(room: Room): string | undefined {
    for (const b of this.#rooms.values()) if (b.room === room) return b.id;
    return undefined;
  }

  /** The room of the meeting `participantId` is in now. */
  #roomOf(participantId: string): Room | undefined {
    return this.members().find((r) => r.participant(participantId));
  }
}
