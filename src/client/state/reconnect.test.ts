import { describe, expect, it } from "vitest";
import { isFinalClose, RESUME_WINDOW_MS, reconnectDelays } from "./reconnect.js";

describe("reconnectDelays", () => {
  it("doubles from half a second, then waits 5 s at most", () => {
    expect(reconnectDelays().slice(0, 6)).toEqual([500, 1000, 2000, 4000, 5000, 5000]);
  });
  it("stays inside the resume window (the server keeps our place 60 s)", () => {
    const delays = reconnectDelays();
    const total = delays.reduce((a, b) => a + b, 0);
    expect(total).toBeLessThanOrEqual(RESUME_WINDOW_MS);
    expect(RESUME_WINDOW_MS - total).toBeLessThan(5000); // and uses nearly all of it
    expect(RESUME_WINDOW_MS).toBeLessThan(60_000);
  });
  it("a short window gets the quick tries only", () => {
    expect(reconnectDelays(4000)).toEqual([500, 1000, 2000]);
    expect(reconnectDelays(100)).toEqual([]);
  });
});

describe("isFinalClose", () => {
  it("does not come back after leaving, a refusal, a removal or the end of the meeting", () => {
    for (const code of [4000, 4003, 4004, 4005]) expect(isFinalClose(code)).toBe(true);
  });
  it("comes back after a network drop, a server restart or the media server going away", () => {
    for (const code of [1001, 1006, 1011, 1009, 4002]) expect(isFinalClose(code)).toBe(false);
  });
});
