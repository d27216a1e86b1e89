/**
 * Polls over raw WebSockets against a real server (with its Janus). Every expectation is PROTOCOL.md's "Polls":
 * who may ask, close and share; one vote per voter (by browser key, across a rejoin); live counts gathered; the
 * names hidden in an anonymous poll; a poll's state in `joined`; results shared in the chat.
 */
import { describe, expect, it } from "vitest";
import { type Member, socialHarness } from "../helpers/social-harness.js";
import { describeServerHealth } from "../helpers/suite-server.js";
import type { AnyMessage } from "../helpers/ws-client.js";

const { server, freshRoom, logOnFailure, join, joinAll } = socialHarness("polls");

const ask = (m: Member, fields: Record<string, unknown> = {}) =>
  m.client.request(
    { type: "poll.create", question: "Lunch?", options: ["Pizza", "Salad"], ...fields },
    10_000,
  );
const vote = (m: Member, pollId: string, choices: number[]) =>
  m.client.request({ type: "poll.vote", pollId, choices }, 10_000);
/** The newest `poll` message `m` received about `pollId` once `pred` holds of it. */
const pollAt = (m: Member, pred: (poll: AnyMessage) => boolean, what: string) =>
  m.client.next((x) => x.type === "poll" && pred(x.poll), 10_000, `${m.name}: ${what}`).then((x) => x.poll);

describe("polls", () => {
  it("a moderator asks; everyone sees it, votes once, and sees the counts and names live", async () => {
    logOnFailure();
    const room = freshRoom("live");
    const [mod, ben, cat] = (await joinAll(room, "Mod", "Ben", "Cat")) as [Member, Member, Member];
    expect(await ask(mod)).toMatchObject({ type: "ok" });
    const asked = await pollAt(cat, (p) => p.question === "Lunch?", "the new poll");
    expect(asked).toEqual({
      id: asked.id,
      question: "Lunch?",
      options: ["Pizza", "Salad"],
      multiple: false,
      anonymous: false,
      by: mod.id,
      byName: "Mod",
      at: asked.at,
      closed: false,
      votes: [0, 0],
      voters: 0,
      names: [[], []],
    });
    expect(await vote(ben, asked.id, [1])).toMatchObject({ type: "ok" });
    expect(await vote(cat, asked.id, [1])).toMatchObject({ type: "ok" });
    expect(await vote(ben, asked.id, [0])).toMatchObject({ type: "error", code: "bad_state" });
    for (const m of [mod, ben, cat]) {
      const seen = await pollAt(m, (p) => p.voters === 2, "two votes");
      expect(seen.votes).toEqual([0, 2]);
      expect(seen.names).toEqual([[], ["Ben", "Cat"]]);
    }
    // A latecomer gets every poll in joined, without choices of its own.
    const dan = await join(room, "Dan");
    expect(dan.joined.polls).toHaveLength(1);
    expect(dan.joined.polls[0]).toMatchObject({ id: asked.id, votes: [0, 2] });
    expect(dan.joined.polls[0]).not.toHaveProperty("mine");
  });

  it("only moderators ask, unless the meeting lets anyone; only the author or a moderator closes and shares", async () => {
    logOnFailure();
    const room = freshRoom("rights");
    const [mod, ben, cat] = (await joinAll(room, "Mod", "Ben", "Cat")) as [Member, Member, Member];
    expect(await ask(ben)).toMatchObject({ type: "error", code: "forbidden" });
    expect(
      await ben.client.request(
        { type: "room.configure", pollsByAnyone: true, recordingAllowed: true },
        10_000,
      ),
    ).toMatchObject({
      type: "error",
      code: "forbidden",
    });
    expect(
      await mod.client.request(
        { type: "room.configure", pollsByAnyone: true, recordingAllowed: true },
        10_000,
      ),
    ).toMatchObject({
      type: "ok",
    });
    const updated = await cat.client.next(
      (x) => x.type === "room.updated" && x.settings.pollsByAnyone === true,
      10_000,
      "room.updated with pollsByAnyone",
    );
    expect(updated.settings).toEqual({
      lobby: false,
      locked: false,
      e2ee: false,
      pollsByAnyone: true,
      recordingAllowed: true,
    });
    expect(await ask(ben, { question: "Ben's?" })).toMatchObject({ type: "ok" });
    const bens = await pollAt(mod, (p) => p.question === "Ben's?", "Ben's poll");
    expect(bens.by).toBe(ben.id);
    expect(await cat.client.request({ type: "poll.close", pollId: bens.id }, 10_000)).toMatchObject({
      type: "error",
      code: "forbidden",
    });
    expect(await ben.client.request({ type: "poll.share", pollId: bens.id }, 10_000)).toMatchObject({
      type: "error",
      code: "bad_state",
    });
    expect(await vote(cat, bens.id, [0])).toMatchObject({ type: "ok" });
    expect(await ben.client.request({ type: "poll.close", pollId: bens.id }, 10_000)).toMatchObject({
      type: "ok",
    });
    const closed = await pollAt(cat, (p) => p.id === bens.id && p.closed, "Ben's poll closed");
    expect(closed.votes).toEqual([1, 0]);
    expect(await vote(mod, bens.id, [1])).toMatchObject({ type: "error", code: "bad_state" });
    expect(await cat.client.request({ type: "poll.share", pollId: bens.id }, 10_000)).toMatchObject({
      type: "error",
      code: "forbidden",
    });
    expect(await mod.client.request({ type: "poll.share", pollId: bens.id }, 10_000)).toMatchObject({
      type: "ok",
    });
    const shared = await cat.client.next(
      (x) => x.type === "chat.message" && x.message.poll?.id === bens.id,
      10_000,
      "the results in the chat",
    );
    expect(shared.message).toMatchObject({
      from: mod.id,
      text: "Ben's?",
      poll: { closed: true, votes: [1, 0] },
    });
  });

  it("an anonymous poll names no one; a voter who comes back in the same browser keeps their vote", async () => {
    logOnFailure();
    const room = freshRoom("anon");
    const mod = await join(room, "Mod");
    const ann = await join(room, "Ann", { key: "anns-browser-key-0001" });
    expect(await ask(mod, { question: "Secret?", anonymous: true })).toMatchObject({ type: "ok" });
    const poll = await pollAt(ann, (p) => p.question === "Secret?", "the poll");
    expect(poll).not.toHaveProperty("names");
    expect(await vote(ann, poll.id, [0])).toMatchObject({ type: "ok" });
    const counted = await pollAt(mod, (p) => p.voters === 1, "Ann's vote");
    expect(counted).not.toHaveProperty("names");
    expect(JSON.stringify(mod.client.received.filter((x) => x.type === "poll"))).not.toContain("Ann");
    // Ann hangs up and joins again, a new participant in the same browser: her vote is hers, once.
    await ann.client.request({ type: "leave" }, 10_000);
    const again = await join(room, "Ann", { key: "anns-browser-key-0001" });
    expect(again.id).not.toBe(ann.id);
    expect(again.joined.polls[0]).toMatchObject({ id: poll.id, mine: [0], voters: 1 });
    expect(await vote(again, poll.id, [1])).toMatchObject({ type: "error", code: "bad_state" });
  });

  it("refuses what no poll allows, before any work: too many answers, a bad choice, an unknown poll", async () => {
    logOnFailure();
    const room = freshRoom("bounds");
    const [mod, ben] = (await joinAll(room, "Mod", "Ben")) as [Member, Member];
    const eleven = Array.from({ length: 11 }, (_, i) => `o${i}`);
    expect(await ask(mod, { options: eleven })).toMatchObject({ type: "error", code: "bad_message" });
    expect(await ask(mod, { options: ["only one"] })).toMatchObject({ type: "error", code: "bad_message" });
    expect(await ask(mod, { question: "q".repeat(301) })).toMatchObject({
      type: "error",
      code: "bad_message",
    });
    expect(await ask(mod, { question: "   " })).toMatchObject({ type: "error", code: "bad_message" });
    expect(await vote(ben, "poll_99", [0])).toMatchObject({ type: "error", code: "not_found" });
    expect(await ask(mod)).toMatchObject({ type: "ok" });
    const poll = await pollAt(ben, () => true, "the poll");
    expect(await vote(ben, poll.id, [0, 1])).toMatchObject({ type: "error", code: "bad_message" });
    expect(await vote(ben, poll.id, [2])).toMatchObject({ type: "error", code: "bad_message" });
    expect(await vote(ben, poll.id, [0])).toMatchObject({ type: "ok" });
  });
});

describeServerHealth(server);
