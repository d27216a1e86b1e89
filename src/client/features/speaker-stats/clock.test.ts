import { describe, expect, it } from "vitest";
import { clock } from "./clock.js";

describe("talking time", () => {
  it("reads as minutes and seconds, hours when there are", () => {
    expect(clock(0)).toBe("0:00");
    expect(clock(999)).toBe("0:00");
    expect(clock(75_000)).toBe("1:15");
    expect(clock(3_725_000)).toBe("1:02:05");
  });
});
