/** The queue of raised hands, in the order they were raised. */
import type { HandEntry } from "../../protocol/messages.js";
import type { RaisedHand } from "../routing/meeting-state.js";

export class HandQueue {
  readonly #raised = new Map<string, RaisedHand>();
  #seq = 0;

  /** Raises a hand; a hand already up keeps its place. Returns whether the queue changed. */
  raise(participantId: string, now: number): boolean {
    if (this.#raised.has(participantId)) return false;
    this.#raised.set(participantId, { raisedAt: now, seq: this.#seq++ });
    return true;
  }

  /** Puts back a hand at its original place (a participant coming back after a lost connection). */
  restore(participantId: string, raised: RaisedHand): void {
    this.#raised.set(participantId, raised);
  }

  lower(participantId: string): boolean {
    return this.#raised.delete(participantId);
  }

  lowerAll(): boolean {
    const changed = this.#raised.size > 0;
    this.#raised.clear();
    return changed;
  }

  isRaised(participantId: string): boolean {
    return this.#raised.has(participantId);
  }

  /** The participant's place-keeping record, to remember across a reconnect. */
  record(participantId: string): RaisedHand | undefined {
    return this.#raised.get(participantId);
  }

  /** The numbering, so that hands raised after a move to another node still queue after the earlier ones. */
  get seq(): number {
    return this.#seq;
  }

  set seq(value: number) {
    this.#seq = Math.max(this.#seq, value);
  }

  list(): HandEntry[] {
    return [...this.#raised]
      .sort(([, a], [, b]) => a.raisedAt - b.raisedAt || a.seq - b.seq)
      .map(([participantId, r]) => ({ participantId, raisedAt: r.raisedAt }));
  }
}
