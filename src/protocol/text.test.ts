import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { ChatTextSchema, RoomNameSchema } from "./common.js";
import { Limits } from "./limits.js";
import { checkChatText, roomNameOf } from "./text.js";

const marks = (n: number) => `a${"\u0301".repeat(n)}`;

describe("the browser's text rules agree with the server's schemas", () => {
  it("chat: what is kept, and what is refused, for the same reasons", () => {
    const cases = [
      "hello",
      "  spaced  \n",
      "line\nbreak\ttab",
      "a\u202eb\u0007c",
      "",
      "   ",
      "\u0007\u202e",
      "x".repeat(Limits.chatMaxChars),
      "x".repeat(Limits.chatMaxChars + 1),
      "bad \ud800 half",
      marks(Limits.combiningMarksMaxRun),
      marks(Limits.combiningMarksMaxRun + 1),
      "e\u0301 composed",
      "🙂".repeat(100),
    ];
    for (const raw of cases) {
      const parsed = v.safeParse(ChatTextSchema, raw);
      const mine = checkChatText(raw);
      if (parsed.success) expect(mine, JSON.stringify(raw)).toEqual({ text: parsed.output });
      else expect("problem" in mine, JSON.stringify(raw)).toBe(true);
    }
    expect(checkChatText("x".repeat(Limits.chatMaxChars + 1))).toEqual({ problem: "tooLong" });
    expect(checkChatText(" \u0007 ")).toEqual({ problem: "empty" });
    expect(checkChatText(marks(31))).toEqual({ problem: "unsendable" });
  });

  it("room names: valid or not alike (the browser keeps the case the link has)", () => {
    const cases = [
      "team",
      " Team-1.b_2 ",
      "équipe",
      "会议",
      "",
      "  ",
      "a b",
      "a/b",
      "x".repeat(64),
      "x".repeat(65),
    ];
    cases.push(`${" ".repeat(Limits.roomMaxInputChars)}x`);
    for (const raw of cases) {
      const parsed = v.safeParse(RoomNameSchema, raw);
      const mine = roomNameOf(raw);
      expect(mine !== null, JSON.stringify(raw)).toBe(parsed.success);
      if (parsed.success) expect(mine?.toLowerCase()).toBe(parsed.output);
    }
  });
});
