/** What the page and the denoising worklet (denoise-worklet.ts) say to each other; shared by both sides. */

export const DENOISE_PROCESSOR = "palabre-denoise";

/** The processor's options: the RNNoise module's bytes (a worklet cannot fetch them). */
export interface DenoiseOptions {
  wasm: ArrayBuffer;
}

/** The processor's report, every second of sound: its work as a share of that second's real time. */
export interface DenoiseLoad {
  busy: number;
}
