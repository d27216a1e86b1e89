/**
 * What a room does while someone it needs is away: it stays open, empty, while a participant whose connection
 * dropped may still come back (then closes), and it leaves the moderator's role to one who dropped for a moment
 * before giving it to the participant present longest. Both are timers; `close` stops them.
 */
import type { Participant } from "./participant.js";

/** What the vacancy needs of its room (room.ts's Room is one). */
export interface VacancyRoom {
  readonly closed: boolean;
  readonly size: number;
  readonly options: { readonly moderatorReturnMs: number };
  readonly door: { lastReturnBy(now?: number): number | null };
  participants(): IterableIterator<Participant>;
  hasModerator(): boolean;
  promote(p: Participant): void;
  /** Ends the meeting: nobody came back. */
  end(): void;
}

export class Vacancy {
  readonly #room: VacancyRoom;
  #emptyTimer: NodeJS.Timeout | undefined;
  #promotionTimer: NodeJS.Timeout | undefined;

  constructor(room: VacancyRoom) {
    this.#room = room;
  }

  /** The room emptied: it ends now, or once nobody who dropped can come back any more. */
  emptied(now = Date.now()): void {
    const returnBy = this.#room.door.lastReturnBy(now);
    if (returnBy === null) this.#room.end();
    else this.#endWhenStillEmptyAt(returnBy, now);
  }

  /** No moderator inside: give one who dropped `moderatorReturnMs` to come back, then promote someone. */
  promoteSoon(): void {
    if (this.#room.options.moderatorReturnMs <= 0) {
      this.promoteLongestPresent();
      return;
    }
    if (this.#promotionTimer) return;
    this.#promotionTimer = setTimeout(() => {
      this.#promotionTimer = undefined;
      if (!this.#room.closed && !this.#room.hasModerator()) this.promoteLongestPresent();
    }, this.#room.options.moderatorReturnMs);
    this.#promotionTimer.unref();
  }

  /** The room is never left without a moderator for long while someone is in it. */
  promoteLongestPresent(): void {
    let oldest: Participant | undefined;
    for (const p of this.#room.participants()) if (!oldest || p.joinedAt < oldest.joinedAt) oldest = p;
    if (oldest) this.#room.promote(oldest);
  }

  close(): void {
    clearTimeout(this.#emptyTimer);
    clearTimeout(this.#promotionTimer);
  }

  #endWhenStillEmptyAt(when: number, now: number): void {
    clearTimeout(this.#emptyTimer);
    this.#emptyTimer = setTimeout(
      () => {
        this.#emptyTimer = undefined;
        if (this.#room.size > 0 || this.#room.closed) return;
        const later = this.#room.door.lastReturnBy();
        if (later === null) this.#room.end();
        else this.#endWhenStillEmptyAt(later, Date.now());
      },
      Math.max(0, when - now) + 10,
    );
    this.#emptyTimer.unref();
  }
}
