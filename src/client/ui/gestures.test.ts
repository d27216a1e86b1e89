import { describe, expect, it } from "vitest";
import { gestureOf, LONG_PRESS_MS, SLOP_PX, SWIPE_PX } from "./gestures.js";

describe("gestureOf", () => {
  it("a short touch that hardly moved is a tap; held, a long press", () => {
    expect(gestureOf({ dx: 2, dy: -3, ms: 120 })).toBe("tap");
    expect(gestureOf({ dx: SLOP_PX - 1, dy: 0, ms: LONG_PRESS_MS - 1 })).toBe("tap");
    expect(gestureOf({ dx: 1, dy: 1, ms: LONG_PRESS_MS })).toBe("long-press");
  });

  it("a finger that moved is no tap and no long press", () => {
    expect(gestureOf({ dx: SLOP_PX, dy: 0, ms: 100 })).toBe("none");
    expect(gestureOf({ dx: 0, dy: 30, ms: 900 })).toBe("none");
  });

  it("a sideways stroke far enough is a swipe, its direction the finger's", () => {
    expect(gestureOf({ dx: -SWIPE_PX, dy: 5, ms: 200 })).toBe("swipe-left");
    expect(gestureOf({ dx: 120, dy: -20, ms: 300 })).toBe("swipe-right");
    expect(gestureOf({ dx: SWIPE_PX - 1, dy: 0, ms: 200 })).toBe("none");
  });

  it("a stroke that goes down as much as sideways is a scroll, not a swipe", () => {
    expect(gestureOf({ dx: 80, dy: 41, ms: 200 })).toBe("none");
    expect(gestureOf({ dx: -80, dy: 40, ms: 200 })).toBe("swipe-left");
  });
});
