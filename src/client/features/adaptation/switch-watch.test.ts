import { describe, expect, it } from "vitest";
import { MAX_NUDGES, NUDGE_AFTER_MS, SwitchWatch } from "./switch-watch.js";

const widths = (w: number) => new Map([["1", w]]);

describe("SwitchWatch", () => {
  it("asks again for a lower layer whose pictures do not come, a few times at most", () => {
    const w = new SwitchWatch();
    w.ask("1", 2, 0);
    w.due(widths(1280), 0);
    w.ask("1", 0, 1000);
    expect(w.due(widths(1280), 1000 + NUDGE_AFTER_MS - 1)).toEqual([]);
    let nudges = 0;
    // Halfway (640) is not there yet.
    for (let t = 1000 + NUDGE_AFTER_MS; t < 60_000; t += 500) nudges += w.due(widths(640), t).length;
    expect(nudges).toBe(MAX_NUDGES);
  });

  it("says nothing once the pictures show the layer asked, or for a video not received", () => {
    const w = new SwitchWatch();
    w.ask("1", 2, 0);
    w.due(widths(1280), 0);
    w.ask("1", 0, 0);
    expect(w.due(widths(320), NUDGE_AFTER_MS)).toEqual([]);
    expect(w.due(widths(1280), 3 * NUDGE_AFTER_MS)).toEqual([]);
    w.ask("1", 2, 0);
    w.ask("1", null, 0);
    expect(w.due(widths(320), 5 * NUDGE_AFTER_MS)).toEqual([]);
  });

  it("reads the layer against the widest picture seen, whatever the camera's size", () => {
    const w = new SwitchWatch();
    w.ask("1", 2, 0);
    w.due(widths(640), 0); // a 640-pixel camera: 640 / 320 / 160
    w.ask("1", 1, 0);
    expect(w.due(widths(640), NUDGE_AFTER_MS)).toEqual(["1"]);
    expect(w.due(widths(320), 2 * NUDGE_AFTER_MS)).toEqual([]);
    // Up again: watched too.
    w.ask("1", 2, 3 * NUDGE_AFTER_MS);
    expect(w.due(widths(320), 4 * NUDGE_AFTER_MS)).toEqual(["1"]);
    expect(w.due(widths(640), 5 * NUDGE_AFTER_MS)).toEqual([]);
  });

  it("the widest picture is the top layer, even if a lower one was asked when it came", () => {
    const w = new SwitchWatch();
    // The media server starts at the top layer: 1280 arrives while layer 1 is asked.
    w.ask("1", 1, 0);
    w.due(widths(1280), 0);
    w.ask("1", 0, 0);
    // 640 is layer 1, not the layer 0 asked: ask again.
    expect(w.due(widths(640), NUDGE_AFTER_MS)).toEqual(["1"]);
    expect(w.due(widths(320), 2 * NUDGE_AFTER_MS)).toEqual([]);
  });

  it("asks again for a higher layer whose pictures do not grow, even if they never were wider", () => {
    const w = new SwitchWatch();
    // The subscription started on layer 1 (its key frame came first): 640 is the widest seen.
    w.ask("1", 1, 0);
    w.due(widths(640), 0);
    w.ask("1", 2, 500);
    expect(w.due(widths(640), 500 + NUDGE_AFTER_MS)).toEqual(["1"]);
    // The top layer comes: 1280, seen; nothing more to ask.
    expect(w.due(widths(1280), 500 + 2 * NUDGE_AFTER_MS)).toEqual([]);
    expect(w.pending("1")).toBe(false);
  });

  it("a lower layer that undoes a rise the pictures never showed is seen at once", () => {
    const w = new SwitchWatch();
    w.ask("1", 0, 0);
    w.due(widths(1280), 0);
    w.due(widths(320), 500);
    // A probe one layer up, given up before its pictures came: they still show the layer asked now.
    w.ask("1", 1, 1000);
    w.due(widths(320), 1200);
    w.ask("1", 0, 1300);
    expect(w.due(widths(320), 1300 + NUDGE_AFTER_MS)).toEqual([]);
    expect(w.pending("1")).toBe(false);
  });

  it("a rise to the top that undoes a fall is still asked again while the pictures do not grow", () => {
    const w = new SwitchWatch();
    // As in a CI run: the subscription never showed more than 640; layer 1, then 2, asked within 3 s.
    w.ask("1", 2, 0);
    w.due(widths(640), 0);
    w.ask("1", 1, 500);
    w.due(widths(640), 1000);
    w.ask("1", 2, 1500);
    expect(w.due(widths(640), 1500 + NUDGE_AFTER_MS)).toEqual(["1"]);
    expect(w.due(widths(1280), 1500 + 2 * NUDGE_AFTER_MS)).toEqual([]);
  });

  it("a rise asked before any picture came is asked again while the pictures stay narrower than a top layer", () => {
    const w = new SwitchWatch();
    w.ask("1", 1, 0);
    w.ask("1", 2, 100);
    // The first pictures are 640 wide: the widest seen, but not the top layer asked.
    expect(w.due(widths(640), 200)).toEqual([]);
    let nudges = 0;
    for (let t = 200 + NUDGE_AFTER_MS; t < 60_000; t += 500) nudges += w.due(widths(640), t).length;
    expect(nudges).toBe(MAX_NUDGES);
    // Asked the same way, a first picture at the top is the change shown.
    const v = new SwitchWatch();
    v.ask("1", 1, 0);
    v.ask("1", 2, 100);
    expect(v.due(widths(1280), 200)).toEqual([]);
    expect(v.due(widths(1280), 200 + 2 * NUDGE_AFTER_MS)).toEqual([]);
    expect(v.pending("1")).toBe(false);
  });
});
