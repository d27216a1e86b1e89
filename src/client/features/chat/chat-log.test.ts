import { describe, expect, it } from "vitest";
import type { ChatMessage } from "../../../protocol/server-messages.js";
import { appendMessage, CHAT_KEEP, countsAsUnread, mergeHistory, unreadAfter } from "./chat-log.js";

const msg = (id: string, at: number, over: Partial<ChatMessage> = {}): ChatMessage => ({
  id,
  from: "p_ann",
  fromName: "Ann",
  text: id,
  at,
  clientId: `c_${id}`,
  ...over,
});

describe("unread counting", () => {
  it("counts others' messages while the panel is closed", () => {
    let count = 0;
    count = unreadAfter(count, msg("a", 1), "p_me", false);
    count = unreadAfter(count, msg("b", 2, { to: "p_me", toName: "Me" }), "p_me", false);
    expect(count).toBe(2);
  });
  it("does not count one's own messages, nor any while the panel is open", () => {
    expect(countsAsUnread(msg("a", 1, { from: "p_me" }), "p_me", false)).toBe(false);
    expect(countsAsUnread(msg("a", 1), "p_me", true)).toBe(false);
    expect(unreadAfter(3, msg("a", 1), "p_me", true)).toBe(3);
  });
});

describe("appendMessage", () => {
  it("adds at the end, ignores a message already there, keeps at most CHAT_KEEP", () => {
    let list: readonly ChatMessage[] = [msg("a", 1)];
    list = appendMessage(list, msg("b", 2));
    expect(appendMessage(list, msg("a", 1))).toBe(list);
    for (let i = 0; i < CHAT_KEEP + 5; i++) list = appendMessage(list, msg(`m${i}`, 10 + i));
    expect(list.length).toBe(CHAT_KEEP);
    expect(list.at(-1)?.id).toBe(`m${CHAT_KEEP + 4}`);
  });
});

describe("mergeHistory", () => {
  it("keeps private messages, adds what was missed, in time order, without duplicates", () => {
    const mine = [msg("a", 1), msg("p", 2, { to: "p_me" }), msg("b", 3)];
    const history = [msg("a", 1), msg("b", 3), msg("c", 4), msg("d", 5)];
    expect(mergeHistory(mine, history).map((m) => m.id)).toEqual(["a", "p", "b", "c", "d"]);
  });
  it("keeps the order of messages of the same millisecond", () => {
    const merged = mergeHistory([msg("x", 5), msg("y", 5)], [msg("x", 5), msg("y", 5), msg("z", 5)]);
    expect(merged.map((m) => m.id)).toEqual(["x", "y", "z"]);
  });
});
