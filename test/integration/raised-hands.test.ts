/**
 * Raised hands over raw WebSockets against a real server (with its Janus). Every expectation is PROTOCOL.md's
 * "Raised hands".
 */
import { describe, expect, it } from "vitest";
import { type Member, socialHarness } from "../helpers/social-harness.js";
import { describeServerHealth } from "../helpers/suite-server.js";
import type { AnyMessage } from "../helpers/ws-client.js";

const { server, freshRoom, logOnFailure, join, joinAll, marker, expectQueueEverywhere } =
  socialHarness("raised-hands");

// ── Raised hands ──────────────────────────────────────────────────────────────────────────────

describe("raised hands", () => {
  const raise = (m: Member) => m.client.request({ type: "hand.raise" }, 10_000);
  const lower = (m: Member, participantId?: string) =>
    m.client.request({ type: "hand.lower", ...(participantId ? { participantId } : {}) }, 10_000);

  it("hands queue in the order raised; raising again keeps the place; everyone's latest queue agrees", async () => {
    logOnFailure();
    const room = freshRoom("queue");
    const [mod, ben, cat] = (await joinAll(room, "Mod", "Ben", "Cat")) as [Member, Member, Member];
    const everyone = [mod, ben, cat];
    expect(await raise(ben)).toMatchObject({ type: "ok" });
    await expectQueueEverywhere(everyone, [ben], "after Ben raised");
    expect(await raise(cat)).toMatchObject({ type: "ok" });
    await expectQueueEverywhere(everyone, [ben, cat], "after Ben then Cat raised");
    const entries = mod.client.received.filter((x) => x.type === "hands").at(-1)?.queue as AnyMessage[];
    expect(entries[0]?.raisedAt).toBeLessThanOrEqual(entries[1]?.raisedAt);
    expect(Object.keys(entries[0] ?? {}).sort()).toEqual(["participantId", "raisedAt"]);

    // Ben raises again: still first. Mod raising afterwards shows it (Ben moved would give [Cat, Ben, Mod]).
    expect(await raise(ben)).toMatchObject({ type: "ok" });
    expect(await raise(mod)).toMatchObject({ type: "ok" });
    await expectQueueEverywhere(everyone, [ben, cat, mod], "after Ben raised again, then Mod");
    // A latecomer gets the queue in joined.hands.
    const dan = await join(room, "Dan");
    expect(dan.joined.hands.map((h: AnyMessage) => h.participantId)).toEqual([ben.id, cat.id, mod.id]);
  });

  it("floor.give (moderator): the target gets floor.given and leaves the queue; others do not get it", async () => {
    logOnFailure();
    const room = freshRoom("floor");
    const [mod, ben, cat] = (await joinAll(room, "Mod", "Ben", "Cat")) as [Member, Member, Member];
    const everyone = [mod, ben, cat];
    await raise(ben);
    await raise(cat);
    await expectQueueEverywhere(everyone, [ben, cat], "Ben then Cat raised");

    // A participant may not give the floor.
    expect(await cat.client.request({ type: "floor.give", participantId: cat.id }, 10_000)).toMatchObject({
      type: "error",
      code: "forbidden",
    });

    expect(await mod.client.request({ type: "floor.give", participantId: ben.id }, 10_000)).toMatchObject({
      type: "ok",
    });
    const given = await ben.client.next((x) => x.type === "floor.given", 10_000, "floor.given at Ben");
    expect(given).toEqual({ type: "floor.given", by: mod.id, askUnmute: false });
    await expectQueueEverywhere(everyone, [cat], "after the floor went to Ben");

    // With askUnmute, the flag comes through.
    expect(
      await mod.client.request({ type: "floor.give", participantId: cat.id, askUnmute: true }, 10_000),
    ).toMatchObject({ type: "ok" });
    const givenCat = await cat.client.next((x) => x.type === "floor.given", 10_000, "floor.given at Cat");
    expect(givenCat).toEqual({ type: "floor.given", by: mod.id, askUnmute: true });
    await expectQueueEverywhere(everyone, [], "after the floor went to Cat");

    // Only the target got floor.given: settle with a marker and count.
    await marker(mod, everyone);
    expect(mod.client.received.filter((x) => x.type === "floor.given")).toEqual([]);
    expect(ben.client.received.filter((x) => x.type === "floor.given")).toHaveLength(1);
    expect(cat.client.received.filter((x) => x.type === "floor.given")).toHaveLength(1);
    // The floor to someone not in the room → not_found.
    expect(
      await mod.client.request({ type: "floor.give", participantId: "p_notHere42" }, 10_000),
    ).toMatchObject({ type: "error", code: "not_found" });
  });

  it("lowering: someone else's → forbidden for a participant; one's own works; a moderator may lower anyone's", async () => {
    logOnFailure();
    const room = freshRoom("lower");
    const [mod, ben, cat] = (await joinAll(room, "Mod", "Ben", "Cat")) as [Member, Member, Member];
    const everyone = [mod, ben, cat];
    await raise(ben);
    await raise(cat);
    await expectQueueEverywhere(everyone, [ben, cat], "Ben then Cat raised");
    const handsBefore = cat.client.received.filter((x) => x.type === "hands").length;

    expect(await lower(cat, ben.id)).toMatchObject({ type: "error", code: "forbidden" });
    // Unchanged: no new `hands` message, and a marker message proves the socket is up to date.
    await marker(mod, everyone);
    expect(cat.client.received.filter((x) => x.type === "hands")).toHaveLength(handsBefore);
    await expectQueueEverywhere(everyone, [ben, cat], "after Cat's forbidden try");

    // Naming oneself is lowering one's own.
    expect(await lower(cat, cat.id)).toMatchObject({ type: "ok" });
    await expectQueueEverywhere(everyone, [ben], "after Cat lowered her own hand");
    expect(await lower(ben)).toMatchObject({ type: "ok" });
    await expectQueueEverywhere(everyone, [], "after Ben lowered his own hand");

    // Lowering a hand that is not up changes nothing and is not an error.
    expect(await lower(ben)).toMatchObject({ type: "ok" });

    await raise(cat);
    await raise(ben);
    await expectQueueEverywhere(everyone, [cat, ben], "Cat then Ben raised");
    expect(await lower(mod, cat.id)).toMatchObject({ type: "ok" });
    await expectQueueEverywhere(everyone, [ben], "after the moderator lowered Cat's hand");
  });

  it("hand.lower_all: moderators only; it empties the queue", async () => {
    logOnFailure();
    const room = freshRoom("lower-all");
    const [mod, ben, cat] = (await joinAll(room, "Mod", "Ben", "Cat")) as [Member, Member, Member];
    const everyone = [mod, ben, cat];
    await raise(ben);
    await raise(cat);
    await raise(mod);
    await expectQueueEverywhere(everyone, [ben, cat, mod], "three hands up");
    expect(await ben.client.request({ type: "hand.lower_all" })).toMatchObject({
      type: "error",
      code: "forbidden",
    });
    await marker(mod, everyone);
    await expectQueueEverywhere(everyone, [ben, cat, mod], "after Ben's forbidden lower_all");
    expect(await mod.client.request({ type: "hand.lower_all" })).toMatchObject({ type: "ok" });
    await expectQueueEverywhere(everyone, [], "after lower_all");
  });

  it("a participant who leaves (or is disconnected) loses its place", async () => {
    logOnFailure();
    const room = freshRoom("leave-hand");
    const [mod, ben, cat, dan] = (await joinAll(room, "Mod", "Ben", "Cat", "Dan")) as [
      Member,
      Member,
      Member,
      Member,
    ];
    await raise(ben);
    await raise(cat);
    await raise(dan);
    await expectQueueEverywhere([mod, ben, cat, dan], [ben, cat, dan], "Ben, Cat, Dan raised");

    expect(await ben.client.request({ type: "leave" })).toMatchObject({ type: "ok" });
    await expectQueueEverywhere([mod, cat, dan], [cat, dan], "after Ben left");

    dan.client.terminate();
    await mod.client.next(
      (x) => x.type === "participant.left" && x.participantId === dan.id,
      10_000,
      "Dan's participant.left",
    );
    await expectQueueEverywhere([mod, cat], [cat], "after Dan's connection dropped");

    // Ben comes back as a new participant (no resume): his hand is not up, and raising puts him last.
    const ben2 = await join(room, "Ben");
    expect(ben2.id).not.toBe(ben.id);
    expect(ben2.joined.hands.map((h: AnyMessage) => h.participantId)).toEqual([cat.id]);
    await raise(ben2);
    await expectQueueEverywhere([mod, cat, ben2], [cat, ben2], "after the new Ben raised");
  });
});

// Last: judges every line the server printed during the file's tests.
describeServerHealth(server);
