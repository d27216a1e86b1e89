/** Microphone levels: measuring them (pure) and reading them from a live track (Web Audio, all local). */

/** The RMS level (0–1) of audio samples in [-1, 1]. */
export function rms(samples: ArrayLike<number>): number {
  if (samples.length === 0) return 0;
  let sum = 0;
  for (let i = 0; i < samples.length; i++) {
    const x = samples[i] ?? 0;
    sum += x * x;
  }
  return Math.sqrt(sum / samples.length);
}

/** A level for a meter, 0–100: decibels from −60 dBFS (silence) to 0 dBFS, rounded. */
export function levelPercent(level: number): number {
  if (!(level > 0)) return 0;
  const db = 20 * Math.log10(level);
  return Math.round(Math.min(100, Math.max(0, ((db + 60) / 60) * 100)));
}

let context: AudioContext | null = null;

/**
 * One AudioContext for the page's meters. A browser may start it suspended until the person interacts with
 * the page: it resumes on the first click or key press.
 */
function audioContext(): AudioContext | null {
  if (context) return context;
  if (typeof AudioContext === "undefined") return null;
  const ctx = new AudioContext();
  context = ctx;
  if (ctx.state === "suspended") {
    const resume = () => {
      ctx.resume().catch(() => undefined);
      if (ctx.state !== "suspended") {
        removeEventListener("pointerdown", resume, true);
        removeEventListener("keydown", resume, true);
      }
    };
    addEventListener("pointerdown", resume, true);
    addEventListener("keydown", resume, true);
    resume();
  }
  return ctx;
}

/** Reads the level of one audio track; nothing is recorded or sent anywhere. */
export class LevelReader {
  private readonly buffer: Float32Array<ArrayBuffer>;

  private constructor(
    private readonly source: MediaStreamAudioSourceNode,
    private readonly analyser: AnalyserNode,
  ) {
    this.buffer = new Float32Array(analyser.fftSize);
  }

  /** null when the browser has no Web Audio. */
  static open(track: MediaStreamTrack): LevelReader | null {
    const ctx = audioContext();
    if (!ctx) return null;
    try {
      const source = ctx.createMediaStreamSource(new MediaStream([track]));
      const analyser = ctx.createAnalyser();
      // ~43 ms at 48 kHz: short enough to follow syllables, long enough to catch a short beep.
      analyser.fftSize = 2048;
      source.connect(analyser);
      return new LevelReader(source, analyser);
    } catch {
      return null;
    }
  }

  /** The RMS level (0–1) of the last few tens of milliseconds. */
  level(): number {
    this.analyser.getFloatTimeDomainData(this.buffer);
    return rms(this.buffer);
  }

  close(): void {
    this.source.disconnect();
    this.analyser.disconnect();
  }
}
