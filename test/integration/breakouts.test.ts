/**
 * Breakout rooms over raw WebSockets against a real server (with its Janus). Every expectation is PROTOCOL.md's
 * "Breakout rooms": who may do what (a participant's every moderator action refused, nothing changed), moves by
 * one-use grants on new connections (the old one closed with 4006, the others told "moved"), each room's chat
 * its own, a moderator's visit and notice, a reload coming back to its breakout room, and "close" bringing
 * everyone back to the meeting.
 */
import { describe, expect, it } from "vitest";
import { type Member, socialHarness } from "../helpers/social-harness.js";
import { describeServerHealth } from "../helpers/suite-server.js";
import { waitFor } from "../helpers/wait.js";
import { type AnyMessage, RawClient } from "../helpers/ws-client.js";

const { server, freshRoom, logOnFailure, join, joinAll, chat, awaitChat } = socialHarness("breakouts");

const ask = (m: Member, msg: Record<string, unknown>) => m.client.request(msg, 10_000);

/** The newest `breakouts` state `m` received once `pred` holds of it. */
const stateAt = (m: Member, pred: (s: AnyMessage) => boolean, what: string) =>
  m.client.next((x) => x.type === "breakouts" && pred(x), 10_000, `${m.name}: ${what}`);

/** Follows `m`'s next `breakout.move` as the app does: a new connection joins with its grant. */
async function follow(room: string, m: Member): Promise<Member> {
  const move = await m.client.next((x) => x.type === "breakout.move", 10_000, `${m.name}: breakout.move`);
  const client = await RawClient.connect(server.wsUrl);
  const joined = await client.request(
    {
      type: "join",
      v: 1,
      room,
      name: m.name,
      grant: move.grant,
      ...(move.breakout !== null ? { breakout: move.breakout } : {}),
    },
    20_000,
  );
  expect(joined.type, JSON.stringify(joined)).toBe("joined");
  await waitFor(() => m.client.closeInfo ?? undefined, { what: `${m.name}'s old connection closed` });
  expect(m.client.closeInfo?.code).toBe(4006);
  return { client, joined, id: joined.you.id, name: m.name };
}

describe("breakout rooms", () => {
  it("a participant's every moderator action is refused, and nothing changes", async () => {
    logOnFailure();
    const room = freshRoom("rights");
    const [mod, ben] = (await joinAll(room, "Mod", "Ben")) as [Member, Member];
    expect(await ask(mod, { type: "breakout.create", rooms: [{ name: "" }] })).toMatchObject({ type: "ok" });
    await stateAt(ben, (s) => s.rooms.length === 1, "one room");
    const attempts = [
      { type: "breakout.create", rooms: [{ name: "mine" }] },
      { type: "breakout.remove", breakout: "b1" },
      { type: "breakout.assign", assignments: [{ participantId: ben.id, breakout: "b1" }] },
      { type: "breakout.shuffle" },
      { type: "breakout.configure", allowMove: true },
      { type: "breakout.open", auto: true },
      { type: "breakout.broadcast", text: "hear me" },
      { type: "breakout.close", countdown: 0 },
    ];
    for (const msg of attempts)
      expect(await ask(ben, msg), JSON.stringify(msg)).toMatchObject({ type: "error", code: "forbidden" });
    // Marker: the moderator changes something now; the state everyone sees then holds none of Ben's tries.
    expect(await ask(mod, { type: "breakout.configure", allowMove: false })).toMatchObject({ type: "ok" });
    expect(await ask(mod, { type: "breakout.create", rooms: [{ name: "marker" }] })).toMatchObject({
      type: "ok",
    });
    const after = await stateAt(ben, (s) => s.rooms.length === 2, "the marker room");
    expect(after).toMatchObject({ open: false, allowMove: false, closingAt: null, assigned: {} });
    expect(after.rooms.map((r: AnyMessage) => r.name)).toEqual(["", "marker"]);
    expect(ben.client.received.some((x) => x.type === "breakout.notice")).toBe(false);
  });

  it("moves people by grant: each room has its own people and chat; a visit, a notice, a reload, then all back", async () => {
    logOnFailure();
    const room = freshRoom("flow");
    const [mod, ann, ben, cat] = (await joinAll(room, "Mod", "Ann", "Ben", "Cat")) as Member[] as [
      Member,
      Member,
      Member,
      Member,
    ];
    expect(await ask(mod, { type: "breakout.create", rooms: [{ name: "Red" }, { name: "" }] })).toMatchObject(
      {
        type: "ok",
      },
    );
    const assignments = [
      { participantId: ann.id, breakout: "b1" },
      { participantId: ben.id, breakout: "b1" },
      { participantId: cat.id, breakout: "b2" },
    ];
    expect(await ask(mod, { type: "breakout.assign", assignments })).toMatchObject({ type: "ok" });
    // A breakout room cannot be joined without a grant, even knowing its id.
    const eve = await RawClient.connect(server.wsUrl);
    expect(
      await eve.request({ type: "join", v: 1, room, name: "Eve", breakout: "b1" }, 10_000),
    ).toMatchObject({
      type: "error",
      code: "not_found", // not open yet: the room is not made
    });
    expect(await ask(mod, { type: "breakout.open", auto: true })).toMatchObject({ type: "ok" });
    const annIn = await follow(room, ann);
    const benIn = await follow(room, ben);
    const catIn = await follow(room, cat);
    expect([annIn.id, benIn.id, catIn.id]).toEqual([ann.id, ben.id, cat.id]);
    expect(annIn.joined.participants.map((p: AnyMessage) => p.id)).toEqual([]);
    expect(benIn.joined.participants.map((p: AnyMessage) => p.id)).toEqual([ann.id]);
    expect(
      await eve.request({ type: "join", v: 1, room, name: "Eve", breakout: "b1" }, 10_000),
    ).toMatchObject({
      type: "error",
      code: "forbidden",
    });
    const left = mod.client.received.filter((x) => x.type === "participant.left").map((x) => x.reason);
    expect(left).toEqual(["moved", "moved", "moved"]);
    const seen = await stateAt(
      mod,
      (s) => s.rooms.every((r: AnyMessage) => r.people.length > 0),
      "people in",
    );
    expect(seen.rooms.map((r: AnyMessage) => r.people.map((p: AnyMessage) => p.name))).toEqual([
      ["Ann", "Ben"],
      ["Cat"],
    ]);

    // Each room's chat is its own: Cat (b2) never hears Ann (b1); the marker proves Cat's chat works.
    expect(await chat(annIn, "red only")).toMatchObject({ type: "ok" });
    await awaitChat(benIn, "red only");
    expect(await chat(catIn, "marker")).toMatchObject({ type: "ok" });
    await awaitChat(catIn, "marker");
    expect(
      catIn.client.received.some((x) => x.type === "chat.message" && x.message.text === "red only"),
    ).toBe(false);

    // Cat may not go to Red; the moderator visits Red and is seen there, and tells every room.
    expect(await ask(catIn, { type: "breakout.join", breakout: "b1" })).toMatchObject({ code: "forbidden" });
    expect(await ask(mod, { type: "breakout.join", breakout: "b1" })).toMatchObject({ type: "ok" });
    const modIn = await follow(room, mod);
    expect(modIn.joined.you.role).toBe("moderator");
    await annIn.client.next(
      (x) => x.type === "participant.joined" && x.participant.id === mod.id,
      10_000,
      "Mod in Red",
    );
    expect(await ask(modIn, { type: "breakout.broadcast", text: "two minutes" })).toMatchObject({
      type: "ok",
    });
    for (const m of [annIn, benIn, catIn, modIn])
      await m.client.next(
        (x) => x.type === "breakout.notice" && x.text === "two minutes",
        10_000,
        "the notice",
      );

    // Ben reloads: his resume token brings him back to Red, as himself.
    benIn.client.terminate();
    await annIn.client.next(
      (x) => x.type === "participant.left" && x.participantId === ben.id,
      10_000,
      "Ben gone",
    );
    const benBack = await join(room, "Ben", { breakout: "b1", resume: benIn.joined.resume });
    expect(benBack.id).toBe(ben.id);

    // Close with no countdown: everyone is sent back, and the meeting has everyone again.
    expect(await ask(modIn, { type: "breakout.close", countdown: 0 })).toMatchObject({ type: "ok" });
    const back = [];
    for (const m of [annIn, benBack, catIn, modIn]) back.push(await follow(room, m));
    const modBack = back[3] as Member;
    expect(modBack.joined.participants.map((p: AnyMessage) => p.name).sort()).toEqual(["Ann", "Ben", "Cat"]);
    // The rooms are gone: nobody can go back to one.
    expect(await ask(modBack, { type: "breakout.join", breakout: "b1" })).toMatchObject({
      code: "bad_state",
    });
    eve.terminate();
  });
});

describeServerHealth(server);
