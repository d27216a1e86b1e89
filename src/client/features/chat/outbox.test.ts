import { describe, expect, it } from "vitest";
import type { ChatMessage } from "../../../protocol/server-messages.js";
import { checkChatText } from "../../../protocol/text.js";
import { failureAction, Outbox } from "./outbox.js";

const message = (over: Partial<ChatMessage>): ChatMessage => ({
  id: "m1",
  from: "p_me",
  fromName: "Me",
  text: "hi",
  at: 0,
  clientId: "c1",
  ...over,
});

/** Sends everything that can be sent now, the way the controller does: one at a time, ok for each. */
function drain(box: Outbox): string[] {
  const sent: string[] = [];
  for (let e = box.next(); e; e = box.next()) {
    sent.push(e.text);
    box.acked(e.clientId);
  }
  return sent;
}

describe("Outbox", () => {
  it("sends in order, one at a time", () => {
    const box = new Outbox();
    box.add("c1", "one", null);
    box.add("c2", "two", null);
    const first = box.next();
    expect(first?.clientId).toBe("c1");
    expect(box.next()).toBeUndefined(); // c1 still in flight
    box.acked("c1");
    expect(box.next()?.clientId).toBe("c2");
  });

  it("keeps acknowledged messages until their copy comes back, then forgets them", () => {
    const changes: number[] = [];
    const box = new Outbox((entries) => changes.push(entries.length));
    box.add("c1", "hello", null);
    box.add("c2", "hello", "p_bob");
    expect(drain(box)).toEqual(["hello", "hello"]);
    expect(box.all.map((e) => e.status)).toEqual(["sent", "sent"]);
    expect(box.delivered(message({ text: "hello", to: "p_bob" }))).toBe(true);
    expect(box.all.map((e) => e.clientId)).toEqual(["c1"]);
    expect(box.delivered(message({ text: "other" }))).toBe(false);
    expect(box.delivered(message({ text: "hello" }))).toBe(true);
    expect(box.all).toEqual([]);
    expect(changes.at(-1)).toBe(0);
  });

  it("a message whose ok was lost but whose copy came back is not sent again", () => {
    const box = new Outbox();
    box.add("c1", "one", null);
    box.add("c2", "one", null);
    box.next(); // c1 in flight; the server posts it, the ok is lost with the connection
    expect(box.delivered(message({ text: "one" }))).toBe(true);
    box.interrupted();
    expect(box.all.map((e) => e.clientId)).toEqual(["c2"]);
  });

  it("re-sends after a lost connection, in the original order, without duplicates", () => {
    const box = new Outbox();
    box.add("c1", "one", null);
    box.add("c2", "two", null);
    box.add("c3", "three", null);
    const first = box.next();
    if (first) box.acked(first.clientId); // "one" made it
    box.next(); // "two" in flight when the socket drops
    box.interrupted();
    box.add("c4", "four", null); // typed while offline
    const resent: string[] = [];
    for (let e = box.next(); e; e = box.next()) {
      resent.push(e.clientId);
      box.acked(e.clientId);
    }
    expect(resent).toEqual(["c2", "c3", "c4"]);
    expect(new Set(box.all.map((e) => e.clientId)).size).toBe(box.all.length);
  });

  it("a retried message keeps its place ahead of later ones", () => {
    const box = new Outbox();
    box.add("c1", "one", null);
    box.add("c2", "two", null);
    box.next();
    box.retry("c1"); // e.g. too_many_attempts
    expect(box.next()?.clientId).toBe("c1");
  });

  it("a dropped message lets the next one go", () => {
    const box = new Outbox();
    box.add("c1", "one", "p_gone");
    box.add("c2", "two", null);
    box.next();
    expect(box.drop("c1")?.text).toBe("one");
    expect(box.next()?.clientId).toBe("c2");
  });

  it("settle forgets an acknowledged message whose copy never came, and only that", () => {
    const box = new Outbox();
    box.add("c1", "one", null);
    box.add("c2", "two", null);
    box.next();
    box.acked("c1");
    box.settle("c1");
    box.settle("c2"); // still waiting: kept
    expect(box.all.map((e) => e.clientId)).toEqual(["c2"]);
  });

  it("coming back as a new participant: what the history shows as posted is not sent again", () => {
    const box = new Outbox();
    box.add("c1", "one", null);
    box.add("c2", "two", null);
    box.add("c3", "two", null);
    box.add("c4", "secret", "p_bob");
    box.next();
    box.interrupted();
    box.forgetPosted(
      [message({ text: "one", from: "p_old" }), message({ text: "two", from: "p_old" })],
      "p_old",
    );
    // one copy of "two" was posted, so one is left to send; private messages are not in history
    expect(box.all.map((e) => e.clientId)).toEqual(["c3", "c4"]);
    expect(drain(box)).toEqual(["two", "secret"]);
  });

  it("clear empties it", () => {
    const box = new Outbox();
    box.add("c1", "one", null);
    box.clear();
    expect(box.next()).toBeUndefined();
  });
});

describe("checkChatText", () => {
  it("normalises like the server", () => {
    expect(checkChatText("  hi\u0007 there \n")).toEqual({ text: "hi there" });
    expect(checkChatText("a\n\tb")).toEqual({ text: "a\n\tb" });
  });
  it("refuses empty and too long text", () => {
    expect(checkChatText("   \n ")).toEqual({ problem: "empty" });
    expect(checkChatText("x".repeat(2001))).toEqual({ problem: "tooLong" });
    expect(checkChatText("x".repeat(2000))).toEqual({ text: "x".repeat(2000) });
    // What the server would refuse for its cost or its brokenness is said so, not called empty.
    expect(checkChatText(`a${"\u0301".repeat(31)}`)).toEqual({ problem: "unsendable" });
    expect(checkChatText("a\ud800b")).toEqual({ problem: "unsendable" });
  });
});

describe("failureAction", () => {
  it("retries what may succeed later and drops what cannot", () => {
    expect(failureAction("too_many_attempts")).toBe("slowDown");
    expect(failureAction("timeout")).toBe("retry");
    expect(failureAction("closed")).toBe("reconnect");
    expect(failureAction("not_joined")).toBe("reconnect");
    expect(failureAction("bad_message")).toBe("drop");
    expect(failureAction("not_found")).toBe("drop");
  });
});
