import { describe, expect, it } from "vitest";
import { queuePositions } from "./queue.js";

describe("queuePositions", () => {
  it("numbers hands from 1 in queue order", () => {
    const positions = queuePositions([
      { participantId: "p_b", raisedAt: 5 },
      { participantId: "p_a", raisedAt: 9 },
    ]);
    expect([...positions]).toEqual([
      ["p_b", 1],
      ["p_a", 2],
    ]);
    expect(queuePositions([]).size).toBe(0);
  });
});
