import { describe, expect, it } from "vitest";
import type { Layer, VideoDecision } from "./allocation.js";
import { DrainWatch, LOWERED_MS } from "./drain-watch.js";

const at = (layer: Layer): VideoDecision => ({ send: true, layer, wanted: 2 });
const plan = (entries: [string, VideoDecision][]) => new Map(entries);
const never = () => false;

describe("DrainWatch", () => {
  it("stops a video that goes down while the link drains, until the drain ends", () => {
    const w = new DrainWatch();
    const before = plan([["1", at(2)]]);
    const now = plan([["1", at(0)]]);
    expect(w.apply(now, before, 1500, 1000, never)).toBe(true);
    expect(now.get("1")).toEqual({ send: false, why: "bandwidth" });
    // The drain over: the plan's layer again.
    const later = plan([["1", at(0)]]);
    expect(w.apply(later, before, 1500, 1520, never)).toBe(false);
    expect(later.get("1")).toEqual(at(0));
  });

  it("leaves alone a video that goes down with no drain, or keeps its layer during one", () => {
    const w = new DrainWatch();
    const down = plan([["1", at(0)]]);
    expect(w.apply(down, plan([["1", at(2)]]), 0, 1000, never)).toBe(false);
    expect(down.get("1")).toEqual(at(0));
    const same = plan([["2", at(1)]]);
    expect(w.apply(same, plan([["2", at(1)]]), 3000, 2500, never)).toBe(false);
    expect(same.get("2")).toEqual(at(1));
  });

  it("stops a video lowered a moment ago whose pictures do not show it yet, not one lowered long ago", () => {
    const w = new DrainWatch();
    w.apply(plan([["1", at(0)]]), plan([["1", at(2)]]), 0, 1000, never);
    const soon = plan([["1", at(0)]]);
    expect(w.apply(soon, plan([["1", at(0)]]), 2000, 1500, () => true)).toBe(true);
    expect(soon.get("1")?.send).toBe(false);

    const v = new DrainWatch();
    v.apply(plan([["1", at(0)]]), plan([["1", at(2)]]), 0, 1000, never);
    const late = plan([["1", at(0)]]);
    const t = 1000 + LOWERED_MS + 1;
    expect(v.apply(late, plan([["1", at(0)]]), t + 500, t, never)).toBe(false);
    expect(late.get("1")).toEqual(at(0));
  });

  it("forgets a stopped video that leaves the plan", () => {
    const w = new DrainWatch();
    w.apply(plan([["1", at(0)]]), plan([["1", at(2)]]), 1500, 1000, never);
    expect(w.apply(plan([]), plan([["1", at(2)]]), 1500, 1100, never)).toBe(false);
  });
});
