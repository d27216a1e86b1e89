import { describe, expect, it } from "vitest";
import { Denoiser, type FrameProcessor } from "./denoiser.js";
import { FRAME } from "./rnnoise.js";

/** Halves every sample and counts frames: what went through is recognisable at the output. */
class Halver implements FrameProcessor {
  frames = 0;
  process(frame: Float32Array): number {
    this.frames += 1;
    for (let i = 0; i < frame.length; i++) frame[i] = (frame[i] ?? 0) / 2;
    return 0.5;
  }
}

function run(blockSize: number, samples: number): { out: Float32Array; frames: number } {
  const halver = new Halver();
  const denoiser = new Denoiser(halver);
  const out = new Float32Array(samples);
  for (let at = 0; at + blockSize <= samples; at += blockSize) {
    const input = Float32Array.from({ length: blockSize }, (_, i) => (at + i + 1) / samples);
    const output = new Float32Array(blockSize);
    denoiser.push(input, output);
    out.set(output, at);
  }
  return { out, frames: halver.frames };
}

describe("Denoiser", () => {
  it("hands out every sample once, processed, exactly one frame late, for the graph's block sizes", () => {
    for (const block of [128, 256, 480, 32]) {
      const samples = block * 300;
      const { out, frames } = run(block, samples);
      expect(frames).toBe(Math.floor(samples / FRAME));
      for (let i = 0; i < FRAME; i++) expect(out[i]).toBe(0);
      for (let i = FRAME; i < samples; i++) {
        const expected = (i - FRAME + 1) / samples / 2;
        if (Math.abs((out[i] ?? 0) - expected) > 1e-7)
          throw new Error(`block ${block}: sample ${i} is ${out[i]}, expected ${expected}`);
      }
    }
  });

  it("keeps the last frame's voice probability", () => {
    const denoiser = new Denoiser(new Halver());
    const block = new Float32Array(128);
    for (let i = 0; i < 3; i++) denoiser.push(block, new Float32Array(128));
    expect(denoiser.voice).toBe(0);
    denoiser.push(block, new Float32Array(128));
    expect(denoiser.voice).toBe(0.5);
  });
});
