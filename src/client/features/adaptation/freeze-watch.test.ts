import { describe, expect, it } from "vitest";
import { ASK_AGAIN_MS, FreezeWatch, STUCK_MS, type VideoFlow } from "./freeze-watch.js";

const flowing = (frames: number, bitrate = 800_000): VideoFlow => ({ kind: "video", bitrate, frames });

describe("FreezeWatch", () => {
  it("asks for a key frame once packets arrive without a decoded frame for a second, then every two", () => {
    const w = new FreezeWatch();
    const asked: number[] = [];
    for (let at = 0; at <= 6000; at += 500) {
      const frames = at < 1000 ? 10 : 0;
      if (w.due(new Map([["v1", flowing(frames)]]), at).length > 0) asked.push(at);
    }
    // Stuck from the first empty interval (read at 1000 ms): asked a second later, then every 2 s.
    expect(asked).toEqual([
      1000 + STUCK_MS,
      1000 + STUCK_MS + ASK_AGAIN_MS,
      1000 + STUCK_MS + 2 * ASK_AGAIN_MS,
    ]);
  });

  it("leaves alone pictures that decode, videos that receive nothing, and sound", () => {
    const w = new FreezeWatch();
    for (let at = 0; at <= 5000; at += 500) {
      const due = w.due(
        new Map<string, VideoFlow>([
          ["decoding", flowing(3)],
          ["paused", flowing(0, 0)],
          ["audio", { kind: "audio", bitrate: 40_000, frames: 0 }],
        ]),
        at,
      );
      expect(due).toEqual([]);
    }
  });

  it("a picture that decodes again starts a new count", () => {
    const w = new FreezeWatch();
    const half = STUCK_MS / 2;
    expect(w.due(new Map([["v", flowing(0)]]), 0)).toEqual([]);
    expect(w.due(new Map([["v", flowing(0)]]), half)).toEqual([]);
    expect(w.due(new Map([["v", flowing(5)]]), 2 * half)).toEqual([]);
    expect(w.due(new Map([["v", flowing(0)]]), 3 * half)).toEqual([]);
    expect(w.due(new Map([["v", flowing(0)]]), 4 * half)).toEqual([]);
    expect(w.due(new Map([["v", flowing(0)]]), 5 * half)).toEqual(["v"]);
  });
});
