/**
 * Speaker statistics (PROTOCOL.md "Speaker statistics"): how long each person of a room has been shown
 * speaking, counted from the `speaking` flips everyone is sent, for moderators. Kept in memory only, with the
 * room: gone when it ends (and not carried to the node that takes a meeting over: it starts again from zero).
 * Those who left stay in the list (they talked in this meeting); the list is bounded, so churn cannot grow it.
 */
import type { SpeakerStat } from "../../protocol/messages.js";

/** People a room's statistics remember; past it, the departed who talked least are forgotten first. */
export const SPEAKER_STATS_MAX = 500;

interface Tally {
  name: string;
  ms: number;
  /** Speaking since (ms, server clock), or null. */
  since: number | null;
}

export class SpeakerStats {
  readonly #tallies = new Map<string, Tally>();

  /** `id` (named `name`) is shown speaking from `now` (a repeat does not restart the turn). */
  started(id: string, name: string, now: number): void {
    const tally = this.#tallies.get(id);
    if (tally) {
      tally.since ??= now;
      return;
    }
    // Speaking from the start: not among those the bound may forget.
    this.#tallies.set(id, { name, ms: 0, since: now });
    this.#bound();
  }

  /** `id` is no longer shown speaking (stopped, muted, left, the media server lost): its turn is added up. */
  stopped(id: string, now: number): void {
    const tally = this.#tallies.get(id);
    if (!tally || tally.since === null) return;
    tally.ms += Math.max(0, now - tally.since);
    tally.since = null;
  }

  /** Everyone who talked, most first, and everyone `present` (talked or not); times counted up to `now`. */
  list(present: Iterable<{ id: string; name: string }>, now: number): SpeakerStat[] {
    const here = new Map([...present].map((p) => [p.id, p.name]));
    const out: SpeakerStat[] = [];
    for (const [id, t] of this.#tallies) {
      const ms = t.ms + (t.since !== null ? Math.max(0, now - t.since) : 0);
      out.push({ participantId: id, name: here.get(id) ?? t.name, ms, present: here.has(id) });
    }
    for (const [id, name] of here)
      if (!this.#tallies.has(id)) out.push({ participantId: id, name, ms: 0, present: true });
    return out.sort((a, b) => b.ms - a.ms || a.name.localeCompare(b.name));
  }

  #bound(): void {
    if (this.#tallies.size <= SPEAKER_STATS_MAX) return;
    let least: [string, Tally] | null = null;
    for (const entry of this.#tallies)
      if (entry[1].since === null && (least === null || entry[1].ms < least[1].ms)) least = entry;
    if (least) this.#tallies.delete(least[0]);
  }
}
