/**
 * "You are talking while muted": is the microphone hearing someone speak? Fed with the microphone's level
 * (RMS of a short window, 0–1) every ~50 ms while muted. Speech is loud again and again over a second or
 * more; a cough, a door or a keyboard clack is one short burst, and must not raise the notice.
 */
export interface TalkDetectorOptions {
  /** RMS above which a window counts as loud (0.03 ≈ −30 dBFS). */
  threshold: number;
  /** How far back loud windows count, in ms. */
  windowMs: number;
  /** Loud windows needed within `windowMs`. */
  minLoud: number;
  /** From the first to the last of them, at least this long (ms): a single burst is not speech. */
  minSpanMs: number;
}

export const TALK_DEFAULTS: TalkDetectorOptions = {
  threshold: 0.03,
  windowMs: 1500,
  minLoud: 4,
  minSpanMs: 600,
};

export class TalkDetector {
  private loud: number[] = [];
  private readonly options: TalkDetectorOptions;

  constructor(options: Partial<TalkDetectorOptions> = {}) {
    this.options = { ...TALK_DEFAULTS, ...options };
  }

  /** Adds one level measured at `now` (ms); returns whether it sounds like someone talking. */
  push(level: number, now: number): boolean {
    const { threshold, windowMs, minLoud, minSpanMs } = this.options;
    if (level >= threshold) this.loud.push(now);
    this.loud = this.loud.filter((t) => now - t <= windowMs);
    const first = this.loud[0];
    const last = this.loud[this.loud.length - 1];
    return (
      this.loud.length >= minLoud && first !== undefined && last !== undefined && last - first >= minSpanMs
    );
  }

  reset(): void {
    this.loud = [];
  }
}
