/**
 * Takes a meeting's state (routing/meeting-state.ts) from a room, and gives it to a fresh one: what another
 * node needs to take the meeting over: its settings (the password as a seal), its chat, its hand queue, its
 * polls (with who voted what), who was removed, everyone who is in it or may come back to it, with the resume
 * token that lets them in again as themselves, and its breakout rooms (each with the same, breakouts.ts).
 * Media is not part of it: the new node's media server starts afresh, and the participants publish again.
 */
import type { BarredEntry, Device, Role } from "../../protocol/messages.js";
import {
  type BreakoutsSnapshot,
  type MeetingSnapshot,
  type PersonSnapshot,
  type PollState,
  type RaisedHand,
  SNAPSHOT_VERSION,
} from "../routing/meeting-state.js";
import { Budgets } from "./budgets.js";
import type { ChatState } from "./chat.js";
import { type Departed, RESUME_WINDOW_MS } from "./door.js";
import type { SavedConfig } from "./room-config.js";

/** What a snapshot reads from and writes to (room.ts's Room is one). */
export interface SnapshotRoom {
  readonly config: { saved(): SavedConfig; restore(saved: SavedConfig): void };
  readonly chat: { state(): ChatState; restore(state: ChatState): void };
  readonly hands: { seq: number; record(id: string): RaisedHand | undefined };
  readonly polls: {
    state(): { seq: number; list: PollState[] };
    restore(state: { seq: number; list: PollState[] }): void;
  };
  readonly barred: {
    entries(): [string, BarredEntry][];
    restore(entries: [string, BarredEntry][]): void;
  };
  readonly door: {
    departed(now?: number): [string, Departed][];
    restoreDeparted(token: string, departed: Departed): void;
  };
  participants(): Iterable<{
    readonly id: string;
    readonly name: string;
    readonly role: Role;
    readonly resumeToken: string;
    readonly blocked: ReadonlySet<Device>;
    readonly key: string | undefined;
  }>;
}

/**
 * `room`'s state; `breakouts`: the meeting's breakout rooms, given for the meeting's own room only (a breakout
 * room's state has none).
 */
export function takeSnapshot(
  room: SnapshotRoom,
  now = Date.now(),
  breakouts?: { snapshot(now: number): BreakoutsSnapshot | null },
): MeetingSnapshot {
  const people: PersonSnapshot[] = [];
  for (const p of room.participants()) {
    people.push({
      token: p.resumeToken,
      id: p.id,
      name: p.name,
      role: p.role,
      hand: room.hands.record(p.id) ?? null,
      blocked: [...p.blocked],
      key: p.key ?? null,
      expires: null,
    });
  }
  for (const [token, d] of room.door.departed(now)) {
    people.push({
      token,
      id: d.id,
      name: d.name,
      role: d.role,
      hand: d.hand ?? null,
      blocked: d.blocked,
      key: d.key ?? null,
      expires: d.expires,
    });
  }
  return {
    v: SNAPSHOT_VERSION,
    ...room.config.saved(),
    chat: room.chat.state(),
    hands: { seq: room.hands.seq },
    polls: room.polls.state(),
    barred: room.barred.entries(),
    people,
    breakouts: breakouts?.snapshot(now) ?? null,
  };
}

/**
 * Whether anyone of the snapshot, in the meeting or in one of its breakout rooms, may still come back: if
 * nobody may, the meeting it describes has ended.
 */
export function anyoneMayReturn(snapshot: MeetingSnapshot, now = Date.now()): boolean {
  const rooms = [snapshot, ...(snapshot.breakouts?.rooms ?? []).map((r) => r.state)];
  return rooms.some((s) => s?.people.some((p) => p.expires === null || p.expires > now));
}

/**
 * Gives a fresh room the state of a meeting taken over: everyone who was in it may come back as themselves
 * within the resume window, counted from now (their node was lost; they could not have come back sooner).
 */
export function restoreSnapshot(room: SnapshotRoom, snapshot: MeetingSnapshot, now = Date.now()): void {
  room.config.restore({
    lobby: snapshot.lobby,
    password: snapshot.password,
    e2ee: snapshot.e2ee,
    pollsByAnyone: snapshot.pollsByAnyone,
    recordingAllowed: snapshot.recordingAllowed,
  });
  room.chat.restore(snapshot.chat);
  room.hands.seq = snapshot.hands.seq;
  room.polls.restore(snapshot.polls);
  room.barred.restore(snapshot.barred);
  for (const person of snapshot.people) {
    if (person.expires !== null && person.expires <= now) continue;
    const expires = person.expires ?? now + RESUME_WINDOW_MS;
    room.door.restoreDeparted(person.token, {
      id: person.id,
      name: person.name,
      role: person.role,
      hand: person.hand ?? undefined,
      blocked: person.blocked,
      key: person.key ?? undefined,
      budgets: new Budgets(),
      expires,
    });
  }
}
