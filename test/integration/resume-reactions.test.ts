/**
 * Coming back after a lost connection, and reactions, over raw WebSockets against a real server (with its
 * Janus). Every expectation is PROTOCOL.md's: "Coming back after a lost connection" and "Reactions".
 *
 * The resume window is 60 s (PROTOCOL.md); these tests do not wait it out. They check a comeback well inside
 * the window, and that a token the server does not know gets `resume_expired`.
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
  expectQueueEverywhere,
} = socialHarness("resume-reactions");

const isError = (code: string) => (x: AnyMessage) => x.type === "error" && x.code === code;

// ── Coming back after a lost connection ───────────────────────────────────────────────────────

describe("resume", () => {
  it("a dropped participant that rejoins with join.resume within the window is the same participant, hand at its place, chat not re-delivered", async () => {
    logOnFailure();
    const room = freshRoom("resume");
    const [mod, ben, cat] = (await joinAll(room, "Mod", "Ben", "Cat")) as [Member, Member, Member];
    const token: string = ben.joined.resume;
    expect(typeof token).toBe("string");
    expect(token.length).toBeGreaterThan(0);
    expect(mod.joined.resume).not.toBe(token);

    expect(await ben.client.request({ type: "hand.raise" })).toMatchObject({ type: "ok" });
    expect(await cat.client.request({ type: "hand.raise" })).toMatchObject({ type: "ok" });
    await expectQueueEverywhere([mod, ben, cat], [ben, cat], "Ben then Cat raised");
    // A chat message Ben sent just before the drop (its clientId is what a client re-sends).
    const clientId = newClientId();
    expect(await chat(ben, "sent before the drop", { clientId })).toMatchObject({ type: "ok" });
    await awaitChat(mod, "sent before the drop");
    await awaitChat(cat, "sent before the drop");

    const droppedAt = Date.now();
    ben.client.terminate();
    const left = await mod.client.next(
      (x) => x.type === "participant.left" && x.participantId === ben.id,
      10_000,
      "Ben's participant.left at Mod",
    );
    expect(left.reason).toBe("disconnected");
    await expectQueueEverywhere([mod, cat], [cat], "while Ben is away");

    const back = await join(room, "Ben", { resume: token });
    expect(Date.now() - droppedAt, "came back well within the 60 s window").toBeLessThan(30_000);
    expect(back.id, "same participant id after resume").toBe(ben.id);
    expect(back.joined.you).toMatchObject({ id: ben.id, name: "Ben", role: "participant" });
    // joined.hands may still lack Ben's own hand if a `hands` message follows at once (checked just below:
    // the queue Ben ends up with); any other value is wrong (an order changed, a hand lost or doubled).
    const joinedHands = back.joined.hands.map((h: AnyMessage) => h.participantId);
    expect([[ben.id, cat.id], [cat.id]], "joined.hands on resume").toContainEqual(joinedHands);
    expect(back.joined.participants.map((p: AnyMessage) => p.id).sort()).toEqual([mod.id, cat.id].sort());
    const rejoined = await cat.client.next(
      (x) => x.type === "participant.joined" && x.participant?.id === ben.id,
      10_000,
      "Cat sees Ben join again",
    );
    expect(rejoined.participant.name).toBe("Ben");
    await expectQueueEverywhere([mod, back, cat], [ben, cat], "after Ben resumed (Ben first again)");
    // The original raisedAt is kept.
    const entries: AnyMessage[] =
      back.client.received.filter((x) => x.type === "hands").at(-1)?.queue ?? back.joined.hands;
    expect(entries[0]?.raisedAt).toBeLessThanOrEqual(entries[1]?.raisedAt);
    expect(entries[0]?.raisedAt).toBeLessThan(droppedAt + 1);

    // The re-sent message (same clientId) is acknowledged and not delivered again.
    expect(await chat(back, "sent before the drop", { clientId })).toMatchObject({ type: "ok" });
    await marker(mod, [mod, back, cat]);
    for (const m of [mod, cat]) {
      expect(
        chatMessages(m).filter((x) => x.text === "sent before the drop"),
        `${m.name} got Ben's message once`,
      ).toHaveLength(1);
    }
    expect(chatMessages(back).filter((x) => x.text === "sent before the drop")).toEqual([]);
    // Ben can use the room normally: a new message goes through.
    const fresh = `Ben is back ${newClientId()}`;
    expect(await chat(back, fresh)).toMatchObject({ type: "ok" });
    await awaitChat(cat, fresh);

    // The token is spent: using it again (while Ben is in) → resume_expired.
    const thief = await RawClient.connect(server.wsUrl);
    sockets.push(thief);
    expect(
      await thief.request({ type: "join", v: 1, room, name: "Ben", resume: token }, 10_000),
    ).toMatchObject({ type: "error", code: "resume_expired" });
    // And the new connection got a token of its own.
    expect(typeof back.joined.resume).toBe("string");
  });

  it("a resume token the server does not know → resume_expired; joining without it then works", async () => {
    logOnFailure();
    const room = freshRoom("resume-unknown");
    const [mod] = (await joinAll(room, "Mod")) as [Member];
    const c = await RawClient.connect(server.wsUrl);
    sockets.push(c);
    const reply = await c.request(
      { type: "join", v: 1, room, name: "Eve", resume: "this-token-was-never-issued" },
      10_000,
    );
    expect(reply).toMatchObject({ type: "error", code: "resume_expired" });
    expect(typeof reply.id).toBe("number");
    // Nobody entered.
    await marker(mod, [mod]);
    expect(mod.client.received.some((x) => x.type === "participant.joined")).toBe(false);
    // The client joins again without resume (same socket: the error changed nothing).
    const joined = await c.request({ type: "join", v: 1, room, name: "Eve" }, 10_000);
    expect(joined.type, safeJson(joined)).toBe("joined");
    expect(joined.you.role).toBe("participant");
  });

  it("a token from another room does not resume here", async () => {
    logOnFailure();
    const roomA = freshRoom("resume-a");
    const roomB = freshRoom("resume-b");
    const [, ben] = (await joinAll(roomA, "ModA", "Ben")) as [Member, Member];
    await joinAll(roomB, "ModB");
    ben.client.terminate();
    const c = await RawClient.connect(server.wsUrl);
    sockets.push(c);
    expect(
      await c.request({ type: "join", v: 1, room: roomB, name: "Ben", resume: ben.joined.resume }, 10_000),
    ).toMatchObject({ type: "error", code: "resume_expired" });
  });
});

// ── Reactions ─────────────────────────────────────────────────────────────────────────────────

describe("reactions", () => {
  const react = (m: Member, emoji: string) => m.client.request({ type: "reaction.send", emoji }, 10_000);
  const reactionsAt = (m: Member) => m.client.received.filter((x) => x.type === "reaction");

  it("a reaction reaches everyone (the sender too) with the sender's participantId", async () => {
    logOnFailure();
    const room = freshRoom("react");
    const [ann, ben, cat] = (await joinAll(room, "Ann", "Ben", "Cat")) as [Member, Member, Member];
    expect(await react(ben, "👍")).toMatchObject({ type: "ok" });
    expect(await react(cat, "❤️")).toMatchObject({ type: "ok" });
    for (const m of [ann, ben, cat]) {
      await waitFor(() => reactionsAt(m).length >= 2, { timeoutMs: 10_000, what: `${m.name}'s reactions` });
      expect(reactionsAt(m), m.name).toEqual([
        { type: "reaction", participantId: ben.id, emoji: "👍" },
        { type: "reaction", participantId: cat.id, emoji: "❤️" },
      ]);
    }
  });

  it("every emoji of the list is accepted", async () => {
    logOnFailure();
    const room = freshRoom("react-list");
    const list = ["👍", "👏", "😂", "😮", "❤️", "🎉", "🤔", "👋"];
    // Five per participant per 10 s: spread the list over two people.
    const [ann, ben] = (await joinAll(room, "Ann", "Ben")) as [Member, Member];
    for (const [i, emoji] of list.entries()) {
      expect(await react(i < 4 ? ann : ben, emoji), emoji).toMatchObject({ type: "ok" });
    }
    await waitFor(() => reactionsAt(ann).length >= list.length, { timeoutMs: 10_000, what: "8 reactions" });
    expect(reactionsAt(ann).map((x) => x.emoji)).toEqual(list);
  });

  it("the 6th reaction within 10 s → too_many_attempts and is not shown", async () => {
    logOnFailure();
    const room = freshRoom("react-rate");
    const [ann, ben] = (await joinAll(room, "Ann", "Ben")) as [Member, Member];
    const started = Date.now();
    const replies: AnyMessage[] = [];
    for (let i = 0; i < 6; i++) replies.push(await react(ann, "🎉"));
    expect(Date.now() - started).toBeLessThan(8000);
    expect(replies.slice(0, 5).map((r) => r.type)).toEqual(Array(5).fill("ok"));
    expect(replies[5]).toMatchObject({ type: "error", code: "too_many_attempts" });
    // Ben is not limited by Ann's reactions.
    expect(await react(ben, "👋")).toMatchObject({ type: "ok" });
    await ben.client.next(
      (x) => x.type === "reaction" && x.participantId === ben.id,
      10_000,
      "Ben's own reaction",
    );
    expect(reactionsAt(ben).filter((x) => x.participantId === ann.id)).toHaveLength(5);
  });

  it("the reaction limit is per participant: it survives a drop and resume", async () => {
    logOnFailure();
    const room = freshRoom("react-resume");
    const [mod, ben] = (await joinAll(room, "Mod", "Ben")) as [Member, Member];
    for (let i = 0; i < 5; i++) expect(await react(ben, "👏")).toMatchObject({ type: "ok" });
    ben.client.terminate();
    await mod.client.next(
      (x) => x.type === "participant.left" && x.participantId === ben.id,
      10_000,
      "Ben's participant.left",
    );
    const back = await join(room, "Ben", { resume: ben.joined.resume });
    expect(back.id).toBe(ben.id);
    // Still the same participant, still within the 10 s: the 6th is refused.
    expect(await react(back, "👏")).toMatchObject({ type: "error", code: "too_many_attempts" });
  });

  it("an emoji outside the list → bad_message", async () => {
    logOnFailure();
    const room = freshRoom("react-bad");
    const [ann, ben] = (await joinAll(room, "Ann", "Ben")) as [Member, Member];
    for (const emoji of ["💩", "👍👍", "<img src=x onerror=alert(1)>", "", "thumbs up"]) {
      const id = ann.client.allocId();
      ann.client.send({ type: "reaction.send", id, emoji });
      expect(await ann.client.reply(id), safeJson(emoji)).toMatchObject({
        type: "error",
        id,
        code: "bad_message",
      });
    }
    // None reached Ben (settled by a valid one).
    expect(await react(ann, "👍")).toMatchObject({ type: "ok" });
    await ben.client.next((x) => x.type === "reaction", 10_000, "Ann's valid reaction");
    expect(reactionsAt(ben)).toEqual([{ type: "reaction", participantId: ann.id, emoji: "👍" }]);
    expect(ann.client.received.some(isError("too_many_attempts"))).toBe(false);
  });
});

// Last: judges every line the server printed during the file's tests.
describeServerHealth(server);
