/**
 * Chat over raw WebSockets against a real server (with its Janus). Every expectation is PROTOCOL.md's "Chat".
 * Raised hands are in raised-hands.test.ts, resume and reactions in resume-reactions.test.ts.
 */
import { describe, expect, it } from "vitest";
import { type Member, socialHarness } from "../helpers/social-harness.js";
import { describeServerHealth } from "../helpers/suite-server.js";
import { safeJson, waitFor } from "../helpers/wait.js";
import { type AnyMessage, RawClient } from "../helpers/ws-client.js";

const {
  server,
  sockets,
  freshRoom,
  logOnFailure,
  join,
  joinAll,
  newClientId,
  chat,
  chatMessages,
  awaitChat,
  marker,
} = socialHarness("chat-messages");

/** The numeric part of a chat message id (`m_17` → 17); the ids are handed out in the server's order. */
function seqOf(id: unknown): number {
  const match = /(\d+)$/.exec(String(id));
  if (!match) throw new Error(`chat message id ${safeJson(id)} has no sequence number`);
  return Number(match[1]);
}

// ── Chat ──────────────────────────────────────────────────────────────────────────────────────

describe("chat", () => {
  it("public messages reach everyone, in the server's order, once each (20 quick messages from each of two senders)", async () => {
    logOnFailure();
    const room = freshRoom("order");
    const [ann, ben, cat] = (await joinAll(room, "Ann", "Ben", "Cat")) as [Member, Member, Member];
    const everyone = [ann, ben, cat];

    // 20 each (the per-participant limit), sent as fast as the sockets take them, interleaved.
    const replies: Promise<AnyMessage>[] = [];
    for (let i = 0; i < 20; i++) {
      replies.push(chat(ann, `ann ${i}`), chat(ben, `ben ${i}`));
    }
    for (const reply of await Promise.all(replies)) expect(reply).toMatchObject({ type: "ok" });

    for (const m of everyone) {
      await waitFor(() => chatMessages(m).length >= 40, {
        timeoutMs: 15_000,
        what: `${m.name} receives 40 chat messages`,
      });
    }
    const seen = everyone.map((m) => chatMessages(m));
    const reference = seen[0] as AnyMessage[];
    expect(reference).toHaveLength(40);
    // The server's order: the ids it handed out increase, and every receiver sees the same sequence.
    const seqs = reference.map((x) => seqOf(x.id));
    for (let i = 1; i < seqs.length; i++) {
      expect(seqs[i], `message ${i} id after message ${i - 1}'s (${safeJson(seqs)})`).toBeGreaterThan(
        seqs[i - 1] as number,
      );
    }
    for (const [i, m] of everyone.entries()) {
      expect(
        seen[i]?.map((x) => x.id),
        `${m.name} receives the messages in the same order as Ann`,
      ).toEqual(reference.map((x) => x.id));
      expect(seen[i], `${m.name}'s copies are identical to Ann's`).toEqual(reference);
    }
    // Each sender's messages keep the order they were sent in.
    expect(reference.filter((x) => x.from === ann.id).map((x) => x.text)).toEqual(
      Array.from({ length: 20 }, (_, i) => `ann ${i}`),
    );
    expect(reference.filter((x) => x.from === ben.id).map((x) => x.text)).toEqual(
      Array.from({ length: 20 }, (_, i) => `ben ${i}`),
    );
    // The message object as documented: {id, from, fromName, text, at}, no `to` on a public one.
    const first = reference.find((x) => x.text === "ben 0") as AnyMessage;
    expect(first).toMatchObject({ from: ben.id, fromName: "Ben", text: "ben 0" });
    expect(typeof first.id).toBe("string");
    expect(Math.abs(first.at - Date.now())).toBeLessThan(60_000);
    expect(first.to).toBeUndefined();
    expect(first.toName).toBeUndefined();

    // A latecomer's history is the same sequence: the server's order.
    const dan = await join(room, "Dan");
    expect(dan.joined.chat.map((x: AnyMessage) => x.id)).toEqual(reference.map((x) => x.id));
  });

  it("a private message reaches only its sender and its recipient", async () => {
    logOnFailure();
    const room = freshRoom("private");
    const [ann, ben, cat] = (await joinAll(room, "Ann", "Ben", "Cat")) as [Member, Member, Member];
    const secret = `for Ben only ${newClientId()}`;
    expect(await chat(ann, secret, { to: ben.id })).toMatchObject({ type: "ok" });
    const atBen = await awaitChat(ben, secret);
    const atAnn = await awaitChat(ann, secret);
    expect(atBen).toMatchObject({ from: ann.id, fromName: "Ann", to: ben.id, toName: "Ben", text: secret });
    expect(atAnn).toEqual(atBen);
    // And a reply the other way.
    const answer = `for Ann only ${newClientId()}`;
    expect(await chat(ben, answer, { to: ann.id })).toMatchObject({ type: "ok" });
    await awaitChat(ann, answer);
    await awaitChat(ben, answer);

    // A public message sent afterwards reaches Cat: by then the private ones would have arrived too.
    await marker(ann, [ann, ben, cat]);
    await marker(ben, [ann, ben, cat]);
    const catFrames = safeJson(cat.client.received);
    expect(catFrames.includes("for Ben only"), "Cat's socket received the private message to Ben").toBe(
      false,
    );
    expect(catFrames.includes("for Ann only"), "Cat's socket received the private message to Ann").toBe(
      false,
    );
    expect(chatMessages(cat).filter((x) => x.to !== undefined)).toEqual([]);
    // Ben received Ann's private message exactly once, Ann her own once.
    expect(chatMessages(ben).filter((x) => x.text === secret)).toHaveLength(1);
    expect(chatMessages(ann).filter((x) => x.text === secret)).toHaveLength(1);
  });

  it("a private message to someone not in the room → not_found, delivered to nobody", async () => {
    logOnFailure();
    const room = freshRoom("private-nobody");
    const [ann, ben] = (await joinAll(room, "Ann", "Ben")) as [Member, Member];
    const reply = await chat(ann, "to a ghost", { to: "p_nobodyHere123" });
    expect(reply).toMatchObject({ type: "error", code: "not_found" });
    await marker(ann, [ann, ben]);
    expect(chatMessages(ann).some((x) => x.text === "to a ghost")).toBe(false);
    expect(chatMessages(ben).some((x) => x.text === "to a ghost")).toBe(false);
  });

  it("text over 2000 characters → bad_message and nothing is delivered; exactly 2000 is accepted", async () => {
    logOnFailure();
    const room = freshRoom("long");
    const [ann, ben] = (await joinAll(room, "Ann", "Ben")) as [Member, Member];
    const tooLong = `${"L".repeat(2000)}!`;
    const id = ann.client.allocId();
    ann.client.send({ type: "chat.send", id, text: tooLong, clientId: newClientId() });
    expect(await ann.client.reply(id)).toMatchObject({ type: "error", id, code: "bad_message" });

    const longest = "M".repeat(2000);
    expect(await chat(ann, longest)).toMatchObject({ type: "ok" });
    expect((await awaitChat(ben, longest)).text).toHaveLength(2000);

    // Empty, or nothing but white space and control characters after stripping → bad_message too.
    for (const text of ["", "   \n\t  ", "\u0000\u0007\u001b"]) {
      expect(await chat(ann, text), safeJson(text)).toMatchObject({ type: "error", code: "bad_message" });
    }
    await marker(ann, [ann, ben]);
    expect(chatMessages(ben).some((x) => x.text.startsWith("LLL"))).toBe(false);
    expect(chatMessages(ben).filter((x) => x.text.trim() === "")).toEqual([]);
  });

  it("control characters are stripped (line breaks and tabs stay), the text is trimmed", async () => {
    logOnFailure();
    const room = freshRoom("control");
    const [ann, ben] = (await joinAll(room, "Ann", "Ben")) as [Member, Member];
    const raw = "  a\u0000b\u0007c\u001bd\u007fe\u0085f\u202eg\u2066h\nline two\tcol  \u0008 ";
    expect(await chat(ann, raw)).toMatchObject({ type: "ok" });
    const got = await ben.client.next(
      (x) => x.type === "chat.message" && x.message.from === ann.id,
      10_000,
      "Ben receives Ann's message",
    );
    expect(got.message.text).toBe("abcdefgh\nline two\tcol");
    // Markup is not the server's business: it arrives verbatim, for the client to render as text.
    const markup = "<img src=x onerror=alert(1)> & <b>bold</b>";
    expect(await chat(ann, markup)).toMatchObject({ type: "ok" });
    expect((await awaitChat(ben, markup)).text).toBe(markup);
  });

  it("a re-send with the same clientId is acknowledged but delivered once", async () => {
    logOnFailure();
    const room = freshRoom("dedup");
    const [ann, ben, cat] = (await joinAll(room, "Ann", "Ben", "Cat")) as [Member, Member, Member];
    const clientId = newClientId();
    expect(await chat(ann, "only once", { clientId })).toMatchObject({ type: "ok" });
    expect(await chat(ann, "only once", { clientId })).toMatchObject({ type: "ok" });
    // Same clientId with another text is still the same message: not delivered.
    expect(await chat(ann, "only once (edited)", { clientId })).toMatchObject({ type: "ok" });
    // A private re-send too.
    const privateId = newClientId();
    expect(await chat(ann, "psst once", { clientId: privateId, to: ben.id })).toMatchObject({ type: "ok" });
    expect(await chat(ann, "psst once", { clientId: privateId, to: ben.id })).toMatchObject({ type: "ok" });
    // The clientId is the sender's: another participant may use the same string.
    expect(await chat(ben, "Ben's own", { clientId })).toMatchObject({ type: "ok" });

    await marker(ann, [ann, ben, cat]);
    for (const m of [ann, ben, cat]) {
      expect(
        chatMessages(m).filter((x) => x.text.startsWith("only once")),
        `${m.name} got "only once" exactly once`,
      ).toHaveLength(1);
      expect(
        chatMessages(m).filter((x) => x.text === "Ben's own"),
        m.name,
      ).toHaveLength(1);
    }
    expect(chatMessages(ben).filter((x) => x.text === "psst once")).toHaveLength(1);
    expect(chatMessages(ann).filter((x) => x.text === "psst once")).toHaveLength(1);
    // A latecomer's history has it once too.
    const dan = await join(room, "Dan");
    expect(dan.joined.chat.filter((x: AnyMessage) => x.text.startsWith("only once"))).toHaveLength(1);
  });

  it("more than 20 messages in 10 s → too_many_attempts, and the extra one is not delivered", async () => {
    logOnFailure();
    const room = freshRoom("chat-rate");
    const [ann, ben] = (await joinAll(room, "Ann", "Ben")) as [Member, Member];
    const started = Date.now();
    const replies = await Promise.all(Array.from({ length: 21 }, (_, i) => chat(ann, `burst ${i}`)));
    const elapsed = Date.now() - started;
    expect(elapsed, "the 21 messages went out well within 10 s").toBeLessThan(8000);
    expect(replies.slice(0, 20).map((r) => r.type)).toEqual(Array(20).fill("ok"));
    expect(replies[20]).toMatchObject({ type: "error", code: "too_many_attempts" });
    // Ben can still talk (the limit is per participant), and Ann's 21st was dropped.
    const text = `ben after the burst ${newClientId()}`;
    expect(await chat(ben, text)).toMatchObject({ type: "ok" });
    await awaitChat(ben, text);
    await awaitChat(ann, text);
    expect(
      chatMessages(ben)
        .filter((x) => x.text.startsWith("burst "))
        .map((x) => x.text),
    ).toEqual(Array.from({ length: 20 }, (_, i) => `burst ${i}`));
    // Still over the limit a moment later (the window is 10 s).
    expect(await chat(ann, "still too soon")).toMatchObject({ type: "error", code: "too_many_attempts" });
  });

  it("a latecomer's joined.chat holds the public messages since the room started, never private ones", async () => {
    logOnFailure();
    const room = freshRoom("history");
    const [ann, ben] = (await joinAll(room, "Ann", "Ben")) as [Member, Member];
    expect(ann.joined.chat).toEqual([]);
    expect(await chat(ann, "public one")).toMatchObject({ type: "ok" });
    expect(await chat(ann, "private to Ben", { to: ben.id })).toMatchObject({ type: "ok" });
    expect(await chat(ben, "private to Ann", { to: ann.id })).toMatchObject({ type: "ok" });
    expect(await chat(ben, "public two")).toMatchObject({ type: "ok" });
    await awaitChat(ann, "public two");
    const live = chatMessages(ann).filter((x) => x.to === undefined);

    const cat = await join(room, "Cat");
    const history: AnyMessage[] = cat.joined.chat;
    expect(history.map((x) => x.text)).toEqual(["public one", "public two"]);
    expect(history).toEqual(live);
    expect(history.map((x) => x.fromName)).toEqual(["Ann", "Ben"]);
    expect(safeJson(cat.joined).includes("private to")).toBe(false);
    // The latecomer is part of the chat from now on.
    const text = `welcome ${newClientId()}`;
    expect(await chat(ann, text)).toMatchObject({ type: "ok" });
    await awaitChat(cat, text);
  });

  it("after everyone has left, a new room of the same name starts with an empty chat and no hands", async () => {
    logOnFailure();
    const room = freshRoom("vanish");
    const [ann, ben] = (await joinAll(room, "Ann", "Ben")) as [Member, Member];
    expect(await chat(ann, "said in the first meeting")).toMatchObject({ type: "ok" });
    expect(await ben.client.request({ type: "hand.raise" })).toMatchObject({ type: "ok" });
    await awaitChat(ben, "said in the first meeting");
    for (const m of [ben, ann]) {
      expect(await m.client.request({ type: "leave" })).toMatchObject({ type: "ok" });
      expect((await m.client.closed).code).toBe(4000);
    }
    // Same name, other case (room names are compared without regard to case).
    const again = await join(room.toUpperCase(), "Cat");
    expect(again.joined.participants).toEqual([]);
    expect(again.joined.you.role).toBe("moderator");
    expect(again.joined.chat).toEqual([]);
    expect(again.joined.hands).toEqual([]);
  });

  it("chat before join → not_joined", async () => {
    const c = await RawClient.connect(server.wsUrl);
    sockets.push(c);
    expect(await c.request({ type: "chat.send", text: "hi", clientId: "x" })).toMatchObject({
      type: "error",
      code: "not_joined",
    });
  });
});

// Last: judges every line the server printed during the file's tests.
describeServerHealth(server);
