import { describe, expect, it } from "vitest";
import { ErrorCode } from "../../protocol/errors.js";
import { Chat } from "./chat.js";
import { HandQueue } from "./hands.js";
import { Participant } from "./participant.js";

describe("Chat", () => {
  const ada = new Participant("Ada", "moderator", 0);
  const bob = new Participant("Bob", "participant", 0);

  it("keeps public messages for latecomers, never private ones", () => {
    const chat = new Chat({ history: true });
    chat.post(ada, "hello", "c1", undefined, 1);
    const priv = chat.post(ada, "psst", "c2", bob, 2);
    expect(priv).toMatchObject({ to: bob.id, toName: "Bob", fromName: "Ada" });
    expect(chat.history().map((m) => m.text)).toEqual(["hello"]);
    expect(new Chat({ history: false }).history()).toEqual([]);
  });

  it("delivers a re-sent client id once", () => {
    const chat = new Chat({ history: true });
    expect(chat.post(ada, "hello", "same", undefined, 1)).not.toBeNull();
    expect(chat.post(ada, "hello", "same", undefined, 2)).toBeNull();
    expect(chat.post(bob, "hello", "same", undefined, 3)).not.toBeNull(); // ids are per sender
  });

  it("limits a sender to 20 messages per 10 s", () => {
    const chat = new Chat({ history: true });
    for (let i = 0; i < 20; i++) chat.post(ada, `m${i}`, `c${i}`, undefined, 1000);
    expect(() => chat.post(ada, "one more", "c20", undefined, 1000)).toThrowError(
      expect.objectContaining({ code: ErrorCode.TooManyAttempts }),
    );
    expect(chat.post(ada, "later", "c21", undefined, 11_001)).not.toBeNull();
  });
});

describe("HandQueue", () => {
  it("orders hands by when they were raised; raising again keeps the place", () => {
    const q = new HandQueue();
    q.raise("b", 10);
    q.raise("c", 10);
    q.raise("a", 5);
    expect(q.raise("b", 20)).toBe(false);
    expect(q.list().map((h) => h.participantId)).toEqual(["a", "b", "c"]);
  });

  it("puts a restored hand back at its place", () => {
    const q = new HandQueue();
    q.raise("b", 10);
    q.raise("c", 11);
    const record = q.record("b");
    q.lower("b");
    q.raise("d", 12);
    if (record) q.restore("b", record);
    expect(q.list().map((h) => h.participantId)).toEqual(["b", "c", "d"]);
  });
});
