import { describe, expect, it } from "vitest";
import { ASK_AGAIN_MS, FreezeWatch, STUCK_MS, type VideoFlow } from "./freeze-watch.js";

const TICK = 500;
const flowing = (frames: number, bitrate = 800_000, intervalMs = TICK): VideoFlow => ({
  kind: "video",
  bitrate,
  frames,
  intervalMs,
});

/** Feeds one mid's frame counts, a reading every TICK ms from `at` = TICK; returns when key frames were asked. */
function askedFor(frames: readonly number[]): number[] {
  const w = new FreezeWatch();
  const asked: number[] = [];
  frames.forEach((n, i) => {
    const at = (i + 1) * TICK;
    if (w.due(new Map([["v", flowing(n)]]), at).length > 0) asked.push(at);
  });
  return asked;
}

describe("FreezeWatch", () => {
  it("asks at the first empty reading of a brisk picture (stuck since the interval began), then every two seconds", () => {
    // 10 frames per half second until 1000 ms, then nothing decodes while packets keep arriving.
    const asked = askedFor([10, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    // Last frame decoded by 1000 ms: at 1500 the picture has been stuck STUCK_MS.
    expect(STUCK_MS).toBeLessThanOrEqual(TICK);
    expect(asked).toEqual([1500, 1500 + ASK_AGAIN_MS, 1500 + 2 * ASK_AGAIN_MS]);
  });

  it("waits a whole STUCK_MS from the reading for a slow picture (a still screen share), then asks", () => {
    // Two frames a second: one empty reading is normal for it, two in a row are not.
    expect(askedFor([1, 0, 1, 0, 1, 0, 0, 0])).toEqual([3500]);
  });

  it("leaves alone pictures that decode, videos that receive nothing, and sound", () => {
    const w = new FreezeWatch();
    for (let at = 0; at <= 5000; at += TICK) {
      const due = w.due(
        new Map<string, VideoFlow>([
          ["decoding", flowing(3)],
          ["paused", flowing(0, 0)],
          ["audio", { kind: "audio", bitrate: 40_000, frames: 0, intervalMs: TICK }],
        ]),
        at,
      );
      expect(due).toEqual([]);
    }
  });

  it("a picture that decodes again starts a new count", () => {
    // Stuck at 1500 (asked), decodes at 2000, stuck again at 2500: asked again only ASK_AGAIN_MS after 1500.
    expect(askedFor([10, 10, 0, 5, 0, 0, 0, 0, 0])).toEqual([1500, 3500]);
  });

  it("forgets m-lines that went away", () => {
    const w = new FreezeWatch();
    expect(w.due(new Map([["v", flowing(10)]]), 500)).toEqual([]);
    expect(w.due(new Map([["v", flowing(0)]]), 1000)).toEqual(["v"]);
    expect(w.due(new Map(), 1500)).toEqual([]);
    // Back with no pace known: counted from this reading, as a new stream.
    expect(w.due(new Map([["v", flowing(0)]]), 2000)).toEqual([]);
    expect(w.due(new Map([["v", flowing(0)]]), 2500)).toEqual(["v"]);
  });
});
