/**
 * RNNoise, the recurrent network that tells speech from noise (Jean-Marc Valin, Xiph), as compiled to
 * WebAssembly by `@jitsi/rnnoise-wasm` 0.2.1 (pinned exactly: the names below are its build's). Its file is
 * served from our own origin; this binds it without the package's loader, which needs `fetch` and a document
 * that an AudioWorklet does not have. Runs the same in the worklet and in Node (rnnoise.test.ts).
 */

/** RNNoise works on 10 ms frames at 48 kHz. */
export const FRAME = 480;
/** It takes and gives samples on the 16-bit scale. */
const SCALE = 32_768;

/** The build's exports, by their minified names (see its dist/rnnoise.js). */
interface Exports {
  c: WebAssembly.Memory;
  /** __wasm_call_ctors */
  d: () => void;
  /** rnnoise_create(model): the default model when 0 */
  f: (model: number) => number;
  /** malloc */
  g: (bytes: number) => number;
  /** rnnoise_destroy */
  h: (state: number) => void;
  /** free */
  i: (pointer: number) => void;
  /** rnnoise_process_frame(state, out, in): the frame's voice probability */
  j: (state: number, out: number, input: number) => number;
}

export class Rnnoise {
  readonly #x: Exports;
  readonly #state: number;
  readonly #buffer: number;
  #closed = false;

  /** Instantiates the module synchronously (an AudioWorklet's constructor cannot wait). */
  constructor(module: WebAssembly.Module) {
    let memory: WebAssembly.Memory | null = null;
    const instance = new WebAssembly.Instance(module, {
      a: {
        // emscripten_resize_heap: grow to at least `size` bytes
        a: (size: number) => {
          if (!memory) return 0;
          try {
            memory.grow((size - memory.buffer.byteLength + 65_535) >>> 16);
            return 1;
          } catch {
            return 0;
          }
        },
        // emscripten_memcpy_big
        b: (dest: number, src: number, count: number) => {
          if (memory) new Uint8Array(memory.buffer).copyWithin(dest, src, src + count);
        },
      },
    });
    const x = instance.exports as unknown as Exports;
    if (typeof x.j !== "function" || !(x.c instanceof WebAssembly.Memory))
      throw new Error("not the RNNoise build this code binds (@jitsi/rnnoise-wasm 0.2.1)");
    memory = x.c;
    x.d();
    this.#x = x;
    this.#state = x.f(0);
    // One buffer, processed in place: RNNoise reads its input before it writes its output.
    this.#buffer = x.g(FRAME * 4);
    if (!this.#state || !this.#buffer) throw new Error("RNNoise could not allocate its state");
  }

  /** Denoises one frame of FRAME samples (−1..1) in place; returns how likely it holds a voice (0..1). */
  process(frame: Float32Array): number {
    if (this.#closed) return 0;
    // A view made now: the memory may have grown (and its buffer changed) since the last frame.
    const heap = new Float32Array(this.#x.c.buffer, this.#buffer, FRAME);
    for (let i = 0; i < FRAME; i++) heap[i] = (frame[i] ?? 0) * SCALE;
    const voice = this.#x.j(this.#state, this.#buffer, this.#buffer);
    const out = new Float32Array(this.#x.c.buffer, this.#buffer, FRAME);
    for (let i = 0; i < FRAME; i++) frame[i] = (out[i] ?? 0) / SCALE;
    return voice;
  }

  /** Frees its memory; process() then leaves frames as they are and says 0. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#x.h(this.#state);
    this.#x.i(this.#buffer);
  }
}
