/**
 * Between the audio graph's blocks (128 samples) and RNNoise's frames (480): samples are gathered until a
 * frame is full, denoised, and handed out block by block. The output lags the input by exactly one frame
 * (10 ms at 48 kHz) and starts with that much silence: a sample must wait for the rest of its frame, up to
 * 448 samples for a block size of 128, and a steady lag of a whole frame covers every block size up to it.
 */
import { FRAME } from "./rnnoise.js";

/** What denoises a frame in place (Rnnoise, or a stand-in in tests); returns the voice probability. */
export interface FrameProcessor {
  process(frame: Float32Array): number;
}

export class Denoiser {
  readonly #frame = new Float32Array(FRAME);
  #filled = 0;
  /** Denoised samples not handed out yet, after the frame of silence the lag starts with. */
  readonly #ready = new Float32Array(FRAME * 4);
  #read = 0;
  #count = FRAME;
  /** The last frame's voice probability. */
  voice = 0;

  constructor(private readonly processor: FrameProcessor) {}

  /** Takes one block of input (at most a frame) and fills `output` (same length) with denoised samples. */
  push(input: Float32Array, output: Float32Array): void {
    for (let i = 0; i < input.length; i++) {
      this.#frame[this.#filled++] = input[i] ?? 0;
      if (this.#filled === FRAME) this.#flush();
    }
    const ring = this.#ready.length;
    const give = Math.min(output.length, this.#count);
    // Never short with blocks of at most a frame; silence rather than stale samples if it were.
    const lead = output.length - give;
    output.fill(0, 0, lead);
    for (let i = 0; i < give; i++) {
      output[lead + i] = this.#ready[this.#read] ?? 0;
      this.#read = (this.#read + 1) % ring;
    }
    this.#count -= give;
  }

  #flush(): void {
    this.voice = this.processor.process(this.#frame);
    const ring = this.#ready.length;
    let write = (this.#read + this.#count) % ring;
    for (let i = 0; i < FRAME; i++) {
      this.#ready[write] = this.#frame[i] ?? 0;
      write = (write + 1) % ring;
    }
    this.#count = Math.min(ring, this.#count + FRAME);
    this.#filled = 0;
  }
}
