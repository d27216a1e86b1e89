/**
 * The synthetic sources of the bots' media: one process-wide clock that feeds every libwebrtc source (one
 * 10 ms timer for all audio, one timer at the frame rate for all video, with the same precomputed buffers).
 * Only the recording (recording.ts) encodes them; bots replay what it recorded.
 */
import wrtc from "@roamhq/wrtc";

const { nonstandard } = wrtc;

const SAMPLE_RATE = 48_000;
const AUDIO_FRAME = SAMPLE_RATE / 100; // 10 ms
export const VIDEO_WIDTH = 320;
export const VIDEO_HEIGHT = 180;
/** The square of noise in each frame (luma), placed left of centre. */
const NOISE_SIZE = 48;
const NOISE_TOP = 66;
const NOISE_LEFT = 40;
/** Bots' video frame rate: PALABRE_BOT_FPS (1..60), 15 by default; read when video starts (forked shards inherit it). */
export function videoFps(): number {
  const fps = Number(process.env.PALABRE_BOT_FPS ?? 15);
  return Number.isInteger(fps) && fps >= 1 && fps <= 60 ? fps : 15;
}

export type AudioSource = InstanceType<typeof nonstandard.RTCAudioSource>;
export type VideoSource = InstanceType<typeof nonstandard.RTCVideoSource>;

/** A quiet 400 Hz tone: exactly 4 periods in 10 ms, so one buffer repeats seamlessly. */
function toneFrame(amplitude: number): Int16Array {
  const samples = new Int16Array(AUDIO_FRAME);
  for (let i = 0; i < AUDIO_FRAME; i++) {
    samples[i] = Math.round(amplitude * Math.sin((2 * Math.PI * 400 * i) / SAMPLE_RATE));
  }
  return samples;
}

/**
 * One process-wide clock for every synthetic source. Audio: 10 ms frames, caught up by elapsed time (Node's
 * timers drift). Video: I420 frames, mostly flat grey with a bar that moves, so the encoder has a little to
 * do each frame (keeps it realistic but cheap).
 */
class MediaClock {
  readonly #audio = new Set<AudioSource>();
  readonly #video = new Set<VideoSource>();
  #audioTimer: NodeJS.Timeout | undefined;
  #videoTimer: NodeJS.Timeout | undefined;
  #audioStart = 0;
  #audioSent = 0;
  #videoStart = 0;
  #fps = 15;
  #videoSent = 0;
  readonly #tone = toneFrame(800); // about -32 dBFS
  readonly #frame = new Uint8Array((VIDEO_WIDTH * VIDEO_HEIGHT * 3) / 2);
  #seed = 1;

  addAudio(source: AudioSource): void {
    this.#audio.add(source);
    if (!this.#audioTimer) {
      this.#audioStart = performance.now();
      this.#audioSent = 0;
      this.#audioTimer = setInterval(() => this.#audioTick(), 10);
    }
  }

  removeAudio(source: AudioSource): void {
    this.#audio.delete(source);
    if (this.#audio.size === 0 && this.#audioTimer) {
      clearInterval(this.#audioTimer);
      this.#audioTimer = undefined;
    }
  }

  addVideo(source: VideoSource): void {
    this.#video.add(source);
    if (!this.#videoTimer) {
      this.#videoStart = performance.now();
      this.#videoSent = 0;
      this.#frame.fill(128);
      this.#fps = videoFps();
      this.#videoTimer = setInterval(() => this.#videoTick(), Math.floor(1000 / this.#fps));
    }
  }

  removeVideo(source: VideoSource): void {
    this.#video.delete(source);
    if (this.#video.size === 0 && this.#videoTimer) {
      clearInterval(this.#videoTimer);
      this.#videoTimer = undefined;
    }
  }

  #audioTick(): void {
    const due = Math.floor((performance.now() - this.#audioStart) / 10);
    // After a long stall (a loaded machine), skip ahead rather than burst more than 100 ms.
    if (due - this.#audioSent > 10) this.#audioSent = due - 10;
    for (; this.#audioSent < due; this.#audioSent++) {
      for (const source of this.#audio) {
        source.onData({ samples: this.#tone, sampleRate: SAMPLE_RATE, channelCount: 1, bitsPerSample: 16 });
      }
    }
  }

  #videoTick(): void {
    const due = Math.floor(((performance.now() - this.#videoStart) * this.#fps) / 1000);
    if (due <= this.#videoSent) return;
    this.#videoSent = due; // never burst: a late frame replaces the ones it missed
    // Luma: grey with a white vertical bar 8 px wide that sweeps across, and a block of fresh noise: the
    // noise keeps the encoder near its bitrate cap, as a camera's picture does (a flat picture would be
    // ~12 kbit/s: frames of 50-150 bytes, far lighter to forward and decode than a real low layer).
    const y = this.#frame;
    const x0 = (due * 4) % VIDEO_WIDTH;
    const prev = (x0 - 4 + VIDEO_WIDTH) % VIDEO_WIDTH;
    for (let row = 0; row < VIDEO_HEIGHT; row++) {
      const base = row * VIDEO_WIDTH;
      for (let i = 0; i < 8; i++) y[base + ((prev + i) % VIDEO_WIDTH)] = 128;
      for (let i = 0; i < 8; i++) y[base + ((x0 + i) % VIDEO_WIDTH)] = 235;
    }
    for (let row = NOISE_TOP; row < NOISE_TOP + NOISE_SIZE; row++) {
      const base = row * VIDEO_WIDTH + NOISE_LEFT;
      for (let i = 0; i < NOISE_SIZE; i++) {
        this.#seed = (Math.imul(this.#seed, 1103515245) + 12345) >>> 0;
        y[base + i] = 64 + (this.#seed >>> 25);
      }
    }
    const frame = { width: VIDEO_WIDTH, height: VIDEO_HEIGHT, data: y };
    for (const source of this.#video) source.onFrame(frame);
  }
}

export const clock = new MediaClock();
