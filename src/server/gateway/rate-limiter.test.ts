import { describe, expect, it } from "vitest";
import { RateLimiter } from "./rate-limiter.js";

describe("RateLimiter", () => {
  it("allows a burst, refuses beyond it, and refills over time", () => {
    const limiter = new RateLimiter(3, 2, 0);
    expect([limiter.take(0), limiter.take(0), limiter.take(0), limiter.take(0)]).toEqual([
      true,
      true,
      true,
      false,
    ]);
    expect(limiter.take(400)).toBe(false); // 0.8 of a token
    expect(limiter.take(500)).toBe(true); // 1 token after 0.5 s at 2/s
    expect(limiter.take(10_000)).toBe(true);
    expect(limiter.take(10_000)).toBe(true);
    expect(limiter.take(10_000)).toBe(true);
    expect(limiter.take(10_000)).toBe(false); // never more than the burst
  });
});
