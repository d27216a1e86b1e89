import { describe, expect, it } from "vitest";
import { withKnock, without } from "./lobby-list.js";

const ada = { id: "p_ada", name: "Ada", since: 10 };
const bob = { id: "p_bob", name: "Bob", since: 20 };

describe("lobby list", () => {
  it("keeps the oldest knock first, whatever the arrival order", () => {
    expect(withKnock([bob], ada)).toEqual([ada, bob]);
    expect(withKnock([ada], bob)).toEqual([ada, bob]);
  });
  it("does not list the same person twice", () => {
    expect(withKnock([ada, bob], { ...ada, since: 30 })).toEqual([bob, { ...ada, since: 30 }]);
  });
  it("removes a resolved entry and ignores an unknown one", () => {
    expect(without([ada, bob], "p_ada")).toEqual([bob]);
    expect(without([ada], "p_nobody")).toEqual([ada]);
  });
});
