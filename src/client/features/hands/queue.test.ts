import { describe, expect, it } from "vitest";
import { isHandShortcut, queuePositions } from "./queue.js";

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

describe("isHandShortcut", () => {
  const key = (over: Partial<Parameters<typeof isHandShortcut>[0]> = {}) => ({
    key: "r",
    repeat: false,
    ctrlKey: false,
    metaKey: false,
    altKey: false,
    target: { tagName: "BODY" },
    ...over,
  });
  it("R (either case) on the page toggles the hand", () => {
    expect(isHandShortcut(key())).toBe(true);
    expect(isHandShortcut(key({ key: "R", target: { tagName: "BUTTON" } }))).toBe(true);
  });
  it("not while typing, with a modifier (Ctrl+R reloads), or on repeat", () => {
    expect(isHandShortcut(key({ target: { tagName: "TEXTAREA" } }))).toBe(false);
    expect(isHandShortcut(key({ target: { tagName: "INPUT" } }))).toBe(false);
    expect(isHandShortcut(key({ target: { tagName: "SELECT" } }))).toBe(false);
    expect(isHandShortcut(key({ target: { tagName: "DIV", isContentEditable: true } }))).toBe(false);
    expect(isHandShortcut(key({ ctrlKey: true }))).toBe(false);
    expect(isHandShortcut(key({ metaKey: true }))).toBe(false);
    expect(isHandShortcut(key({ repeat: true }))).toBe(false);
    expect(isHandShortcut(key({ key: "t" }))).toBe(false);
  });
});
