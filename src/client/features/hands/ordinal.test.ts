import { describe, expect, it } from "vitest";
import { ordinal } from "./ordinal.js";

describe("ordinal", () => {
  it("writes English ordinals, teens included", () => {
    const got = [1, 2, 3, 4, 10, 11, 12, 13, 14, 21, 22, 23, 101, 111, 112, 113].map((n) => ordinal(n, "en"));
    expect(got).toEqual([
      "1st",
      "2nd",
      "3rd",
      "4th",
      "10th",
      "11th",
      "12th",
      "13th",
      "14th",
      "21st",
      "22nd",
      "23rd",
      "101st",
      "111th",
      "112th",
      "113th",
    ]);
  });
  it("writes French ordinals for a hand (feminine first)", () => {
    expect([1, 2, 3, 11, 21].map((n) => ordinal(n, "fr"))).toEqual(["1re", "2e", "3e", "11e", "21e"]);
  });
});
