/**
 * A meeting's state as it travels between nodes, and where it is kept. The conference takes it from a room
 * and gives it to a fresh one (conference/snapshot.ts); a cluster keeps it in Redis (redis-meeting-store.ts)
 * and reads it back as untrusted input (cluster-schemas.ts). One node alone keeps nothing: no store.
 */
import type { BarredEntry, ChatMessage, Device, Poll, Role } from "../../protocol/messages.js";

export const SNAPSHOT_VERSION = 1;

/** A password as kept: a salted scrypt hash (conference/password.ts). */
export interface PasswordSeal {
  /** base64url, 16 random bytes. */
  readonly salt: string;
  /** base64url, 32 bytes of scrypt(password, salt). */
  readonly hash: string;
}

/** A raised hand's place in the queue. */
export interface RaisedHand {
  raisedAt: number;
  /** Breaks ties between hands raised in the same millisecond. */
  seq: number;
}

/** A poll with who voted what (the voter: their browser's meeting key, or their participant id). */
export interface PollState extends Omit<Poll, "votes" | "voters" | "names" | "mine"> {
  ballots: { voter: string; name: string; choices: number[] }[];
}

export interface PersonSnapshot {
  /** The resume token (a secret: it never leaves the cluster). */
  token: string;
  id: string;
  name: string;
  role: Role;
  hand: RaisedHand | null;
  blocked: Device[];
  key: string | null;
  /** When their resume window closes (ms since the epoch); null: they are in the meeting now. */
  expires: number | null;
}

export interface MeetingSnapshot {
  v: typeof SNAPSHOT_VERSION;
  lobby: boolean;
  password: PasswordSeal | null;
  e2ee: boolean;
  pollsByAnyone: boolean;
  recordingAllowed: boolean;
  chat: { seq: number; history: ChatMessage[]; recent: [string, string[]][] };
  hands: { seq: number };
  polls: { seq: number; list: PollState[] };
  barred: [string, BarredEntry][];
  people: PersonSnapshot[];
  /** The meeting's breakout rooms; null in a breakout room's own state, and in a meeting without them. */
  breakouts: BreakoutsSnapshot | null;
}

/** A meeting's breakout rooms (conference/breakouts.ts): each open one with its own chat, hands, polls, people. */
export interface BreakoutsSnapshot {
  /** The number the next room's id takes. */
  next: number;
  open: boolean;
  allowMove: boolean;
  closingAt: number | null;
  /** Participant id → breakout room id. */
  assigned: [string, string][];
  /** `state`: null until the rooms open. Its settings are the meeting's (unused), its `breakouts` null. */
  rooms: { id: string; name: string; state: MeetingSnapshot | null }[];
}

/** What a store needs of a room (conference/room.ts's Room is one). */
export interface StoredRoom {
  readonly name: string;
  readonly size: number;
  snapshot(now?: number): MeetingSnapshot;
}

export interface MeetingStore {
  /** The snapshot of a meeting another node held, to take it over; null if there is none. */
  load(room: string): Promise<MeetingSnapshot | null>;
  /** The meeting's state changed: write its snapshot soon (writes are coalesced). */
  changed(room: StoredRoom): void;
  /** The meeting ended: forget everything of it. */
  ended(room: string): void;
  /** This node lets the meeting go (it is stopping): its snapshot is written, and another node may claim it. */
  handOver(room: StoredRoom): Promise<void>;
  /** Called when another node turns out to hold a meeting this node has (it took it over meanwhile). */
  onLost(listener: (room: string) => void): void;
}
