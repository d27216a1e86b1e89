import fs from "node:fs";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { FRAME, Rnnoise } from "../../src/client/features/noise-suppression/rnnoise.js";

const RATE = 48_000;
const wasm = fs.readFileSync(createRequire(import.meta.url).resolve("@jitsi/rnnoise-wasm/dist/rnnoise.wasm"));

/** Seeded noise: the same every run. */
function noise(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1_103_515_245 + 12_345) % 2_147_483_648;
    return s / 1_073_741_824 - 1;
  };
}

/** Voiced syllables (a moving pitch and harmonics) for 2 s, then 2 s of nothing, over and over. */
function voiceAt(i: number): number {
  const t = i / RATE;
  if (t % 4 >= 2) return 0;
  const n = Math.floor(t / 0.27);
  const inSyllable = t % 0.27;
  if (inSyllable > 0.2) return 0;
  const pitch = 120 + ((n * 37) % 80);
  let x = 0;
  for (let h = 1; h <= 6; h++) x += Math.sin(2 * Math.PI * pitch * h * t) / h;
  return 0.25 * Math.sin((Math.PI * inSyllable) / 0.2) * x;
}

const db = (ratio: number) => 10 * Math.log10(ratio);

describe("Rnnoise (the real WebAssembly build, bound without its loader)", () => {
  it("takes the noise out of the pauses, not the voice", () => {
    const rnnoise = new Rnnoise(new WebAssembly.Module(wasm));
    const hiss = noise(7);
    const seconds = 16;
    const energy = { pauseIn: 0, pauseOut: 0, voiceIn: 0, voiceOut: 0 };
    const frame = new Float32Array(FRAME);
    let voiceSeen = 0;
    for (let at = 0; at + FRAME <= seconds * RATE; at += FRAME) {
      let clean = 0;
      for (let i = 0; i < FRAME; i++) {
        const v = voiceAt(at + i);
        clean += v * v;
        frame[i] = v + 0.02 * hiss();
      }
      const before = frame.reduce((sum, x) => sum + x * x, 0);
      const voice = rnnoise.process(frame);
      const after = frame.reduce((sum, x) => sum + x * x, 0);
      if (at < 4 * RATE) continue; // its estimate of the noise settles first
      const t = (at / RATE) % 4;
      if (t > 2.5 && t < 3.5) {
        energy.pauseIn += before;
        energy.pauseOut += after;
      } else if (t < 2 && clean > 0) {
        energy.voiceIn += before;
        energy.voiceOut += after;
        voiceSeen = Math.max(voiceSeen, voice);
      }
    }
    rnnoise.close();
    const pauseDrop = db(energy.pauseIn / energy.pauseOut);
    const voiceChange = db(energy.voiceOut / energy.voiceIn);
    console.log(`rnnoise: pauses ${pauseDrop.toFixed(1)} dB quieter, voice ${voiceChange.toFixed(1)} dB`);
    expect(pauseDrop).toBeGreaterThan(15);
    expect(Math.abs(voiceChange)).toBeLessThan(3);
    expect(voiceSeen).toBeGreaterThan(0.5);
  });

  it("gives silence for silence; once closed, lets frames through untouched", () => {
    const rnnoise = new Rnnoise(new WebAssembly.Module(wasm));
    const frame = new Float32Array(FRAME);
    for (let i = 0; i < 10; i++) rnnoise.process(frame);
    expect(frame.every((x) => x === 0)).toBe(true);
    rnnoise.close();
    rnnoise.close();
    expect(rnnoise.process(frame.fill(0.5))).toBe(0);
    expect(frame.every((x) => x === 0.5)).toBe(true);
  });
});
