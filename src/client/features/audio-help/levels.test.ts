import { describe, expect, it } from "vitest";
import { levelPercent, rms } from "./levels.js";

describe("rms", () => {
  it("measures the level of samples", () => {
    expect(rms([])).toBe(0);
    expect(rms([0, 0, 0])).toBe(0);
    expect(rms([0.5, -0.5, 0.5, -0.5])).toBeCloseTo(0.5);
  });
});

describe("levelPercent", () => {
  it("maps −60…0 dBFS onto 0…100", () => {
    expect(levelPercent(0)).toBe(0);
    expect(levelPercent(0.0001)).toBe(0);
    expect(levelPercent(0.001)).toBe(0);
    expect(levelPercent(0.01)).toBe(33);
    expect(levelPercent(0.1)).toBe(67);
    expect(levelPercent(1)).toBe(100);
    expect(levelPercent(2)).toBe(100);
    expect(levelPercent(Number.NaN)).toBe(0);
  });
});
