/**
 * The cluster's MeetingStore: each meeting's snapshot in its Redis hash (meeting-directory.ts), written a
 * moment after a change (changes in one burst make one write), written again for every meeting when Redis
 * comes back (it keeps nothing on disk, so a restart wiped them), and read back, as untrusted input, by the
 * node that takes a meeting over.
 */

import { errorFields } from "../log-fields.js";
import { logger } from "../logger.js";
import { MeetingSnapshotSchema, parseStored } from "./cluster-schemas.js";
import type { MeetingDirectory } from "./meeting-directory.js";
import type { MeetingSnapshot, MeetingStore, StoredRoom } from "./meeting-state.js";

const log = logger("meeting-store");

/** Changes closer together than this make one write. */
const SAVE_DELAY_MS = 20;
/**
 * The meeting and its 20 breakout rooms, each with 500 chat messages of 2,000 characters (4,000 once each
 * character is escaped, at worst: 2 MB a room), plus the people: below this.
 */
const MAX_SNAPSHOT_CHARS = 48 * 1024 * 1024;

export class RedisMeetingStore implements MeetingStore {
  readonly #directory: MeetingDirectory;
  /** Rooms with a write pending, and the write in flight per room (one at a time, in order). */
  readonly #dirty = new Map<string, StoredRoom>();
  readonly #writing = new Map<string, Promise<void>>();
  readonly #lostListeners: ((room: string) => void)[] = [];
  #timer: NodeJS.Timeout | undefined;

  constructor(directory: MeetingDirectory) {
    this.#directory = directory;
  }

  async load(room: string): Promise<MeetingSnapshot | null> {
    const text = await this.#directory.snapshot(room);
    if (text === null) return null;
    return parseStored(
      MeetingSnapshotSchema,
      text,
      "meeting snapshot",
      MAX_SNAPSHOT_CHARS,
    ) as MeetingSnapshot;
  }

  changed(room: StoredRoom): void {
    this.#dirty.set(room.name, room);
    this.#timer ??= setTimeout(() => this.#flush(), SAVE_DELAY_MS);
  }

  ended(room: string): void {
    this.#dirty.delete(room);
    void this.#after(room, () => this.#directory.remove(room));
  }

  async handOver(room: StoredRoom): Promise<void> {
    this.#dirty.delete(room.name);
    await this.#after(room.name, async () => {
      await this.#write(room);
      await this.#directory.release(room.name);
    });
  }

  /** Writes every room again (Redis came back empty, or a beat found one missing). */
  saveAll(rooms: Iterable<StoredRoom>): void {
    for (const room of rooms) this.changed(room);
  }

  onLost(listener: (room: string) => void): void {
    this.#lostListeners.push(listener);
  }

  /** Waits for the writes in flight (a stopping node). */
  async settle(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#flush();
    await Promise.allSettled([...this.#writing.values()]);
  }

  #flush(): void {
    this.#timer = undefined;
    const rooms = [...this.#dirty.values()];
    this.#dirty.clear();
    for (const room of rooms) void this.#after(room.name, () => this.#write(room));
  }

  async #write(room: StoredRoom): Promise<void> {
    const written = await this.#directory.save(room.name, JSON.stringify(room.snapshot()), room.size);
    if (!written) for (const listener of this.#lostListeners) listener(room.name);
  }

  /** Runs `work` after the room's previous write, so that writes of one room land in order. */
  #after(room: string, work: () => Promise<void>): Promise<void> {
    const previous = this.#writing.get(room) ?? Promise.resolve();
    const next = previous
      .then(work)
      .catch((err) => log.warn("meeting state write failed", errorFields(err)))
      .finally(() => {
        if (this.#writing.get(room) === next) this.#writing.delete(room);
      });
    this.#writing.set(room, next);
    return next;
  }
}
