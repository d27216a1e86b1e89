import { describe, expect, it } from "vitest";
import { mirrorClass, mirrored } from "./mirror.js";

const track = (facingMode?: string) =>
  ({ getSettings: () => (facingMode ? { facingMode } : {}) }) as unknown as MediaStreamTrack;

describe("the self view's mirroring", () => {
  it("mirrors a front camera and one that reports no facing mode (laptops), not a back camera", () => {
    expect(mirrored("user")).toBe(true);
    expect(mirrored(undefined)).toBe(true);
    expect(mirrored("environment")).toBe(false);
  });

  it("reads the facing mode from the track's settings", () => {
    expect(mirrorClass(track("environment"))).toBe("");
    expect(mirrorClass(track("user"))).toBe("mirror");
    expect(mirrorClass(track())).toBe("mirror");
    expect(mirrorClass(null)).toBe("mirror");
  });
});
