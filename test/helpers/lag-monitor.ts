/**
 * Tells a slow server from a starved machine. A reply late because the server's event loop was stuck on a
 * frame comes while this process runs freely (the server burns one core, the tests have the other); a reply
 * late because the machine is overloaded (other work on its two cores) comes while this process, too, was
 * kept from running. This watches how late a 10 ms timer of this process fires, and says whether a slow
 * interval was one where this process itself was held back for a good part of it. Imports nothing from vitest.
 */
export class LagMonitor {
  static readonly TICK_MS = 10;
  /** Late ticks: when the tick fired and how late it was, in ms. */
  readonly #late: { at: number; lag: number }[] = [];
  #last = performance.now();
  readonly #timer: NodeJS.Timeout;

  constructor() {
    this.#timer = setInterval(() => {
      const now = performance.now();
      const lag = now - this.#last - LagMonitor.TICK_MS;
      if (lag > 5) this.#late.push({ at: now, lag });
      this.#last = now;
    }, LagMonitor.TICK_MS);
  }

  /** The longest this process went unscheduled between `from` and `to` (performance.now() times). */
  worstLagWithin(from: number, to: number): number {
    let worst = 0;
    for (const { at, lag } of this.#late) {
      if (at >= from && at - lag <= to) worst = Math.max(worst, lag);
    }
    return worst;
  }

  /**
   * Whether an interval that took too long is explained by the machine: this process itself was held back
   * for at least a third of it. A server stuck on a frame leaves this process free, so it is never excused.
   */
  starved(from: number, to: number): boolean {
    return this.worstLagWithin(from, to) >= (to - from) / 3;
  }

  /** The worst lag seen overall (for the report). */
  get worstLag(): number {
    return this.#late.reduce((worst, { lag }) => Math.max(worst, lag), 0);
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}
