/**
 * Where a meeting's state is kept for another node to take it over. One node alone keeps nothing (no store);
 * a cluster keeps each meeting's snapshot in Redis (routing/redis-meeting-store.ts).
 */
import type { MeetingSnapshot } from "./snapshot.js";

/** What a store needs of a room (room.ts's Room is one). */
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
