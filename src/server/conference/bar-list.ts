/**
 * Who was removed from a meeting, for the rest of it: by their browser's key for this meeting (participant.ts),
 * so that reloading the page or joining again does not undo a removal. In memory, gone with the room.
 */
import type { BarredEntry } from "../../protocol/messages.js";
import type { Participant } from "./participant.js";

/** At most this many removals are remembered per meeting (the oldest are forgotten first). */
const MAX_BARRED = 500;

export class BarList {
  readonly #byKey = new Map<string, BarredEntry>();

  /** Bars `p`'s browser; a participant that sent no key cannot be barred beyond this connection. */
  add(p: Participant, now = Date.now()): void {
    if (!p.key) return;
    this.#byKey.set(p.key, { id: p.id, name: p.name, at: now });
    if (this.#byKey.size > MAX_BARRED) this.#byKey.delete(this.#byKey.keys().next().value as string);
  }

  has(key: string | undefined): boolean {
    return key !== undefined && this.#byKey.has(key);
  }

  /** Lifts the bar on the one removed as participant `id`; false if there is none. */
  allow(id: string): boolean {
    for (const [key, entry] of this.#byKey) {
      if (entry.id === id) {
        this.#byKey.delete(key);
        return true;
      }
    }
    return false;
  }

  /** Every bar with its key (keys never leave the server: this is for the meeting's snapshot). */
  entries(): [string, BarredEntry][] {
    return [...this.#byKey];
  }

  restore(entries: [string, BarredEntry][]): void {
    this.#byKey.clear();
    for (const [key, entry] of entries.slice(-MAX_BARRED)) this.#byKey.set(key, entry);
  }

  list(): BarredEntry[] {
    return [...this.#byKey.values()];
  }
}
