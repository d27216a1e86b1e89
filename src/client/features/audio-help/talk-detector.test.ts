import { describe, expect, it } from "vitest";
import { TalkDetector } from "./talk-detector.js";

/** Feeds `levels(t)` every 50 ms for `ms`; returns whether talking was detected at some point. */
function feed(d: TalkDetector, ms: number, levels: (t: number) => number, start = 0): boolean {
  let talking = false;
  for (let t = start; t < start + ms; t += 50) talking = d.push(levels(t), t) || talking;
  return talking;
}

describe("TalkDetector", () => {
  it("hears speech: loud again and again", () => {
    // Syllables: loud 150 ms out of every 250 ms.
    expect(feed(new TalkDetector(), 2000, (t) => (t % 250 < 150 ? 0.12 : 0.005))).toBe(true);
  });

  it("hears a regular beep (Chromium's fake microphone: a short beep every half second)", () => {
    expect(feed(new TalkDetector(), 2000, (t) => (t % 500 < 100 ? 0.3 : 0.001))).toBe(true);
  });

  it("ignores silence, room noise and a single burst", () => {
    expect(feed(new TalkDetector(), 5000, () => 0)).toBe(false);
    expect(feed(new TalkDetector(), 5000, () => 0.01)).toBe(false);
    // A cough: 300 ms loud, once.
    expect(feed(new TalkDetector(), 3000, (t) => (t >= 1000 && t < 1300 ? 0.4 : 0.005))).toBe(false);
  });

  it("forgets what is older than its window", () => {
    const d = new TalkDetector();
    expect(feed(d, 2000, (t) => (t % 250 < 150 ? 0.12 : 0.005))).toBe(true);
    expect(d.push(0, 2000 + 1600)).toBe(false);
    d.reset();
    expect(d.push(0.2, 5000)).toBe(false);
  });
});
