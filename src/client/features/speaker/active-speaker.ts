/**
 * Who is the active speaker, from the server's `speaking` start/stop signals (PROTOCOL.md, Quality signals),
 * kept stable for the speaker view: the stage follows whoever started talking last and has kept talking for
 * a while, but never switches sooner than a hold time after the previous switch, so two people trading short
 * remarks do not make the stage flicker. Someone who stops talking stays the active speaker until another
 * qualifies: the stage does not go blank between sentences.
 *
 * Pure and clock-free: every method takes `now` (ms), so tests drive time by hand; `nextCheck` says when the
 * answer may change without new input, for the caller's timer.
 */

/** Talking this long (continuously) makes someone a candidate. */
export const MIN_SPEECH_MS = 1_000;
/** The active speaker is kept at least this long before another takes over. */
export const HOLD_MS = 2_000;

export class ActiveSpeaker {
  /** Who is talking now, since when. */
  private readonly since = new Map<string, number>();
  private current: string | null = null;
  private currentSince = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly minSpeechMs = MIN_SPEECH_MS,
    private readonly holdMs = HOLD_MS,
  ) {}

  /** The active speaker as of the last update (null until someone has talked long enough). */
  get active(): string | null {
    return this.current;
  }

  /** Who is talking at this moment, unsmoothed (the speaking ring). */
  get talking(): ReadonlySet<string> {
    return new Set(this.since.keys());
  }

  /** The server said `participantId` started (true) or stopped (false) talking; a mute counts as a stop. */
  set(participantId: string, speaking: boolean, now: number): string | null {
    if (!speaking) this.since.delete(participantId);
    else if (!this.since.has(participantId)) this.since.set(participantId, now);
    return this.update(now);
  }

  /** The participant left: forgotten at once, and the stage is free for the next speaker without a hold. */
  remove(participantId: string, now: number): string | null {
    this.since.delete(participantId);
    if (this.current === participantId) {
      this.current = null;
      this.currentSince = Number.NEGATIVE_INFINITY;
    }
    return this.update(now);
  }

  /** Forgets everyone (a new meeting). */
  clear(): void {
    this.since.clear();
    this.current = null;
    this.currentSince = Number.NEGATIVE_INFINITY;
  }

  /** Re-evaluates at `now` and returns the active speaker. */
  update(now: number): string | null {
    const candidate = this.candidate(now);
    if (candidate !== null && candidate !== this.current && now - this.currentSince >= this.holdMs) {
      this.current = candidate;
      this.currentSince = now;
    }
    return this.current;
  }

  /** The next moment `update` could give another answer with no new input; null: not before new input. */
  nextCheck(now: number): number | null {
    let next: number | null = null;
    for (const [id, start] of this.since) {
      if (id === this.current) continue;
      const at = Math.max(start + this.minSpeechMs, this.currentSince + this.holdMs);
      if (at > now && (next === null || at < next)) next = at;
    }
    return next;
  }

  /** Among those talking for long enough, the one who started last. */
  private candidate(now: number): string | null {
    let best: string | null = null;
    let bestStart = Number.NEGATIVE_INFINITY;
    for (const [id, start] of this.since) {
      if (now - start >= this.minSpeechMs && start > bestStart) {
        best = id;
        bestStart = start;
      }
    }
    return best;
  }
}
