/**
 * The AudioWorklet that denoises the microphone (loaded by noise-suppressor.ts from our own origin). It runs
 * on the audio thread, with no fetch and no waiting: the RNNoise module's bytes come with its options and are
 * compiled here synchronously. It reports how long it works per second of sound, for the fallback.
 */
import { DENOISE_PROCESSOR, type DenoiseLoad, type DenoiseOptions } from "./denoise-messages.js";
import { Denoiser } from "./denoiser.js";
import { Rnnoise } from "./rnnoise.js";

// The AudioWorkletGlobalScope's own names (TypeScript's DOM library does not describe that scope).
declare const sampleRate: number;
declare const currentTime: number;
declare class AudioWorkletProcessor {
  readonly port: MessagePort;
}
declare function registerProcessor(
  name: string,
  processor: new (options: { processorOptions?: unknown }) => AudioWorkletProcessor,
): void;

/** Reports once this many seconds of sound went through. */
const REPORT_EVERY_S = 1;

class DenoiseProcessor extends AudioWorkletProcessor {
  readonly #rnnoise: Rnnoise;
  readonly #denoiser: Denoiser;
  #stopped = false;
  #busyMs = 0;
  #since = currentTime;

  constructor(options: { processorOptions?: unknown }) {
    super();
    const { wasm } = options.processorOptions as DenoiseOptions;
    if (sampleRate !== 48_000) throw new Error(`RNNoise needs 48 kHz, the graph runs at ${sampleRate} Hz`);
    this.#rnnoise = new Rnnoise(new WebAssembly.Module(wasm));
    this.#denoiser = new Denoiser(this.#rnnoise);
    this.port.onmessage = (ev: MessageEvent) => {
      if (ev.data === "stop") this.#stop();
    };
  }

  process(inputs: Float32Array[][], outputs: Float32Array[][]): boolean {
    if (this.#stopped) return false;
    const input = inputs[0]?.[0];
    const output = outputs[0]?.[0];
    if (!output) return true;
    // Whole milliseconds (the scope has no performance.now), summed over many blocks: a block's 0 or 1 ms
    // averages out to its real time, since blocks start at every phase of the clock's tick.
    const start = Date.now();
    // No input connected (the track ended): silence goes through the same path, so the lag stays whole.
    this.#denoiser.push(input ?? this.#silence(output.length), output);
    this.#busyMs += Date.now() - start;
    if (currentTime - this.#since >= REPORT_EVERY_S) {
      const load: DenoiseLoad = { busy: this.#busyMs / 1000 / (currentTime - this.#since) };
      this.port.postMessage(load);
      this.#busyMs = 0;
      this.#since = currentTime;
    }
    return true;
  }

  /** One block of silence, kept: the audio thread allocates nothing per block. */
  #quiet = new Float32Array(128);
  #silence(length: number): Float32Array {
    if (this.#quiet.length !== length) this.#quiet = new Float32Array(length);
    return this.#quiet;
  }

  #stop(): void {
    this.#stopped = true;
    this.#rnnoise.close();
  }
}

registerProcessor(DENOISE_PROCESSOR, DenoiseProcessor);
