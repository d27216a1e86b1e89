/** The people waiting to be let in, oldest first. */
import type { LobbyEntry } from "../../protocol/messages.js";

export interface WaitingParticipant extends LobbyEntry {
  audio: boolean;
  video: boolean;
  /** The client address it knocked from: counted against a per-address cap, never shown or logged. */
  address: string;
  /** Its browser's key for this meeting, if sent (a removal bars it). */
  key?: string | undefined;
}

export class Lobby {
  readonly #waiting = new Map<string, WaitingParticipant>();

  add(entry: WaitingParticipant): void {
    this.#waiting.set(entry.id, entry);
  }

  get(id: string): WaitingParticipant | undefined {
    return this.#waiting.get(id);
  }

  /** How many of the waiters knocked from `address`. */
  countFrom(address: string): number {
    let n = 0;
    for (const w of this.#waiting.values()) if (w.address === address) n++;
    return n;
  }

  has(id: string): boolean {
    return this.#waiting.has(id);
  }

  take(id: string): WaitingParticipant | undefined {
    const entry = this.#waiting.get(id);
    this.#waiting.delete(id);
    return entry;
  }

  get size(): number {
    return this.#waiting.size;
  }

  ids(): string[] {
    return [...this.#waiting.keys()];
  }

  /** What moderators see: no device state, just who and since when. */
  list(): LobbyEntry[] {
    return [...this.#waiting.values()].map(({ id, name, since }) => ({ id, name, since }));
  }
}
