/** Counts events in a sliding time window: at most `max` per `windowMs`. */
export class WindowLimiter {
  readonly #max: number;
  readonly #windowMs: number;
  #times: number[] = [];

  constructor(max: number, windowMs: number) {
    this.#max = max;
    this.#windowMs = windowMs;
  }

  /** Whether the limit is reached now (without counting anything). */
  exhausted(now = Date.now()): boolean {
    this.#prune(now);
    return this.#times.length >= this.#max;
  }

  /** Counts one event. */
  record(now = Date.now()): void {
    this.#prune(now);
    this.#times.push(now);
  }

  /** Counts one event if the limit allows it; false when it does not (nothing counted). */
  tryTake(now = Date.now()): boolean {
    if (this.exhausted(now)) return false;
    this.#times.push(now);
    return true;
  }

  /** Takes back one event counted at `at` (a guess counted while it was checked, which turned out right). */
  refund(at: number): void {
    const i = this.#times.lastIndexOf(at);
    if (i >= 0) this.#times.splice(i, 1);
  }

  /** Whether nothing is counted in the window any more. */
  isEmpty(now = Date.now()): boolean {
    this.#prune(now);
    return this.#times.length === 0;
  }

  /** Milliseconds until one more event would be allowed (0 if it is allowed now). */
  retryAfter(now = Date.now()): number {
    this.#prune(now);
    if (this.#times.length < this.#max) return 0;
    return (this.#times[this.#times.length - this.#max] as number) + this.#windowMs - now + 1;
  }

  #prune(now: number): void {
    const cutoff = now - this.#windowMs;
    let i = 0;
    while (i < this.#times.length && (this.#times[i] as number) <= cutoff) i++;
    if (i > 0) this.#times = this.#times.slice(i);
  }
}
