import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { CloseCode, ErrorCode } from "../../protocol/errors.js";
import { ClusterDataError, MeetingSnapshotSchema, parseStored } from "../routing/cluster-schemas.js";
import type { MeetingSnapshot } from "../routing/meeting-state.js";
import { Breakouts, STATE_GATHER_MS, STRAGGLER_MS, TAKEOVER_GRACE_MS } from "./breakouts.js";
import { Room } from "./room.js";
import { anyoneMayReturn } from "./snapshot.js";
import { enter, FakeMedia, knock, makeRoom, ROOM_DEFAULTS } from "./test-fakes.js";

/** A meeting with breakout rooms, all on one recording router, each room with media that only remembers. */
function meeting() {
  const { room: main, router } = makeRoom();
  const made: Room[] = [];
  const family = new Breakouts(main, {
    createRoom: async (id) => {
      const room = new Room(`r~${id}`, router, { ...ROOM_DEFAULTS, onClosed: () => {} });
      room.family = family;
      room.attachMedia(new FakeMedia());
      made.push(room);
      return room;
    },
  });
  main.family = family;
  return { main, router, family, made };
}

const grantOf = (router: ReturnType<typeof makeRoom>["router"], id: string) => {
  const move = router.of(id, "breakout.move").at(-1);
  if (!move) throw new Error(`${id} got no breakout.move`);
  return move;
};

/** Follows the last `breakout.move` `id` got, as the app does: a join with its grant. */
async function follow(m: ReturnType<typeof meeting>, id: string, name = "someone") {
  const move = grantOf(m.router, id);
  const to = move.breakout === null ? m.main : m.family.room(move.breakout);
  if (!to) throw new Error(`no room ${move.breakout}`);
  await enter(to, name, { grant: move.grant });
  return to;
}

/** Mo (moderator) and Ann in the meeting, both assigned to its one breakout room, b1, and moved there. */
async function moderatorAndAnnInB1() {
  const m = meeting();
  const mod = await enter(m.main, "Mo");
  const ann = await enter(m.main, "Ann");
  m.family.create([""]);
  m.family.assign([
    { participantId: ann.id, breakout: "b1" },
    { participantId: mod.id, breakout: "b1" },
  ]);
  await m.family.open(true);
  await follow(m, ann.id, "Ann");
  await follow(m, mod.id, "Mo");
  return { m, mod, ann };
}

const rejects = async (p: Promise<unknown> | (() => unknown), code: string) => {
  const run = typeof p === "function" ? async () => p() : () => p;
  await expect(run()).rejects.toMatchObject({ code });
};

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe("Breakouts", () => {
  it("names rooms b1, b2…, tells everyone (gathered), and holds at most 20", async () => {
    const m = meeting();
    const mod = await enter(m.main, "Mo");
    m.family.create(["", "Salle bleue"]);
    m.family.create([""]);
    expect(m.router.of(mod.id, "breakouts")).toHaveLength(0);
    vi.advanceTimersByTime(STATE_GATHER_MS);
    const sent = m.router.of(mod.id, "breakouts");
    expect(sent).toHaveLength(1);
    expect(sent[0]?.rooms.map((r) => [r.id, r.name])).toEqual([
      ["b1", ""],
      ["b2", "Salle bleue"],
      ["b3", ""],
    ]);
    await rejects(() => m.family.create(Array(18).fill("")), ErrorCode.BreakoutLimit);
    expect(m.family.state().rooms).toHaveLength(3);
  });

  it("assigns all or nothing, and shuffles the others evenly, moderators aside", async () => {
    const m = meeting();
    const mod = await enter(m.main, "Mo");
    const people = [];
    for (const name of ["A", "B", "C", "D", "E"]) people.push(await enter(m.main, name));
    m.family.create(["", ""]);
    const [a, b] = people;
    await rejects(
      () =>
        m.family.assign([
          { participantId: a?.id as string, breakout: "b1" },
          { participantId: "p_nobody", breakout: "b1" },
        ]),
      ErrorCode.NotFound,
    );
    await rejects(
      () => m.family.assign([{ participantId: a?.id as string, breakout: "b9" }]),
      ErrorCode.NotFound,
    );
    expect(m.family.state().assigned).toEqual({});
    m.family.assign([
      { participantId: a?.id as string, breakout: "b1" },
      { participantId: b?.id as string, breakout: "b1" },
    ]);
    m.family.shuffle(() => 0.5);
    const assigned = m.family.state().assigned;
    expect(assigned[mod.id]).toBeUndefined();
    expect(assigned[a?.id as string]).toBe("b1");
    const counts = Object.values(assigned).reduce<Record<string, number>>((c, r) => {
      c[r] = (c[r] ?? 0) + 1;
      return c;
    }, {});
    expect(counts).toEqual({ b1: 3, b2: 2 });
  });

  it("opens: everyone assigned moves with a grant, keeps id and role, and leaves the meeting's room", async () => {
    const m = meeting();
    const mod = await enter(m.main, "Mo");
    const ann = await enter(m.main, "Ann");
    m.family.create(["", ""]);
    m.family.assign([{ participantId: ann.id, breakout: "b2" }]);
    await m.family.open(true);
    expect(grantOf(m.router, ann.id).breakout).toBe("b2");
    expect(m.router.of(mod.id, "breakout.move")).toHaveLength(0);
    const b2 = await follow(m, ann.id, "Ann");
    expect(b2.participant(ann.id)?.role).toBe("participant");
    expect(m.main.participant(ann.id)).toBeUndefined();
    expect(m.router.of(mod.id, "participant.left").at(-1)).toMatchObject({
      participantId: ann.id,
      reason: "moved",
    });
    expect(m.router.closed.get(ann.id)).toBe(CloseCode.Moved);
    // Nobody is made moderator in a breakout room, even alone in it.
    vi.advanceTimersByTime(60_000);
    expect(b2.participant(ann.id)?.role).toBe("participant");
    vi.advanceTimersByTime(STATE_GATHER_MS);
    const last = m.router.of(mod.id, "breakouts").at(-1);
    expect(last?.rooms.find((r) => r.id === "b2")?.people).toEqual([{ id: ann.id, name: "Ann" }]);
  });

  it("lets nobody into a breakout room without a grant, nor twice with one, nor into another room", async () => {
    const m = meeting();
    await enter(m.main, "Mo");
    const ann = await enter(m.main, "Ann");
    m.family.create(["", ""]);
    m.family.assign([{ participantId: ann.id, breakout: "b1" }]);
    await m.family.open(true);
    const b1 = m.family.room("b1") as Room;
    const b2 = m.family.room("b2") as Room;
    await rejects(knock(b1, "Eve"), ErrorCode.Forbidden);
    const { grant } = grantOf(m.router, ann.id);
    await rejects(knock(b2, "Ann", { grant }), ErrorCode.Forbidden);
    await enter(b1, "Ann", { grant });
    await rejects(knock(b1, "Ann again", { grant }), ErrorCode.Forbidden);
    expect(b1.size).toBe(1);
  });

  it("lets a participant go to its own room only, unless moving is allowed; a moderator anywhere", async () => {
    const m = meeting();
    const mod = await enter(m.main, "Mo");
    const ann = await enter(m.main, "Ann");
    m.family.create(["", ""]);
    m.family.assign([{ participantId: ann.id, breakout: "b1" }]);
    await rejects(() => m.family.join(m.main, ann, "b1"), ErrorCode.BadState); // not open yet
    await m.family.open(false);
    expect(m.router.of(ann.id, "breakout.move")).toHaveLength(0);
    await rejects(() => m.family.join(m.main, ann, "b2"), ErrorCode.Forbidden);
    await rejects(() => m.family.join(m.main, ann, null), ErrorCode.BadState);
    expect(m.family.join(m.main, mod, "b2")).toMatchObject({ type: "breakout.move", breakout: "b2" });
    m.family.configure(true);
    expect(m.family.join(m.main, ann, "b2")).toMatchObject({ type: "breakout.move", breakout: "b2" });
  });

  it("keeps the meeting while everyone is in a breakout room, and brings everyone back on close", async () => {
    const { m, mod, ann } = await moderatorAndAnnInB1();
    const b1 = m.family.room("b1") as Room;
    expect(m.main.size).toBe(0);
    vi.advanceTimersByTime(120_000);
    expect(m.main.closed).toBe(false);
    // The meeting counts its moderator in the breakout room: a newcomer is not made one.
    const cy = await enter(m.main, "Cy");
    expect(cy.role).toBe("participant");
    m.family.close(5);
    vi.advanceTimersByTime(STATE_GATHER_MS);
    expect(m.router.of(ann.id, "breakouts").at(-1)?.closingAt).toBe(Date.now() - STATE_GATHER_MS + 5000);
    vi.advanceTimersByTime(5000);
    expect(grantOf(m.router, ann.id).breakout).toBeNull();
    await follow(m, ann.id, "Ann");
    await follow(m, mod.id, "Mo");
    expect(m.main.participant(mod.id)?.role).toBe("moderator");
    expect(m.family.state().rooms).toEqual([]);
    expect(b1.closed).toBe(true); // emptied, and no longer one of the meeting's rooms
    vi.advanceTimersByTime(STRAGGLER_MS);
    expect(m.main.closed).toBe(false);
  });

  it("tells every room a moderator's notice, and a removal in a breakout room bars the browser from the meeting", async () => {
    const m = meeting();
    const mod = await enter(m.main, "Mo");
    const ann = await enter(m.main, "Ann", { key: "k".repeat(22) });
    const bob = await enter(m.main, "Bob");
    m.family.create([""]);
    m.family.assign([
      { participantId: ann.id, breakout: "b1" },
      { participantId: mod.id, breakout: "b1" },
    ]);
    await m.family.open(true);
    const b1 = await follow(m, ann.id, "Ann");
    await follow(m, mod.id, "Mo");
    m.family.broadcast(mod, "five minutes left");
    for (const id of [ann.id, bob.id, mod.id])
      expect(m.router.of(id, "breakout.notice").at(-1)).toMatchObject({
        text: "five minutes left",
        fromName: "Mo",
      });
    const { remove } = await import("./moderation.js");
    remove(b1, b1.participant(mod.id) as never, ann.id);
    await rejects(knock(m.main, "Ann", { key: "k".repeat(22) }), ErrorCode.Removed);
  });

  it("closes its breakout rooms when the meeting closes", async () => {
    const m = meeting();
    await enter(m.main, "Mo");
    m.family.create(["", ""]);
    await m.family.open(false);
    expect(m.made).toHaveLength(2);
    await m.main.close(CloseCode.MeetingEnded);
    expect(m.made.every((r) => r.closed)).toBe(true);
    expect(m.family.members()).toEqual([m.main]);
  });
});

/** `id`'s resume token in `room` (a move gives a new one). */
function tokenIn(room: Room, id: string): string {
  const p = room.participant(id);
  if (!p) throw new Error(`${id} is not in ${room.name}`);
  return p.resumeToken;
}

/** What another node does with a meeting it takes over (conference.ts #takeOver), from the snapshot's JSON. */
async function takeOver(text: string) {
  const snapshot = parseStored(MeetingSnapshotSchema, text, "meeting snapshot", 1e8) as MeetingSnapshot;
  const m = meeting();
  m.main.takeOver(snapshot);
  if (snapshot.breakouts) await m.family.restore(snapshot.breakouts);
  for (const r of m.family.members()) r.settle();
  return m;
}

/** A meeting of three, two of them in breakout rooms b1 and b2 with a chat message in b1; its node then lost. */
async function splitMeeting() {
  const m = meeting();
  const mod = await enter(m.main, "Mo");
  const ann = await enter(m.main, "Ann");
  const bob = await enter(m.main, "Bob");
  m.family.create(["", "Salle bleue"]);
  m.family.assign([
    { participantId: ann.id, breakout: "b1" },
    { participantId: bob.id, breakout: "b2" },
  ]);
  m.family.configure(true);
  await m.family.open(true);
  const b1 = await follow(m, ann.id, "Ann");
  const b2 = await follow(m, bob.id, "Bob");
  const inB1 = b1.participant(ann.id);
  if (!inB1) throw new Error("Ann is not in b1");
  b1.chat.post(inB1, "only in b1", "c1", undefined, Date.now());
  const tokens = { mod: tokenIn(m.main, mod.id), ann: tokenIn(b1, ann.id), bob: tokenIn(b2, bob.id) };
  return { m, mod, ann, bob, b1, tokens };
}

describe("Breakouts taken over by another node", () => {
  it("come back whole: rooms, assignments, each room's chat, and everyone resumes in the room they were in", async () => {
    const { m, mod, ann, bob, tokens } = await splitMeeting();
    const text = JSON.stringify(m.main.snapshot());
    const n = await takeOver(text);
    expect(n.family.state()).toMatchObject({
      rooms: [
        { id: "b1", name: "", people: [] },
        { id: "b2", name: "Salle bleue", people: [] },
      ],
      open: true,
      allowMove: true,
      assigned: { [ann.id]: "b1", [bob.id]: "b2" },
    });
    const b1 = n.family.room("b1");
    const b2 = n.family.room("b2");
    if (!b1 || !b2) throw new Error("the rooms were not made again");
    expect(b1.chat.history().map((c) => c.text)).toEqual(["only in b1"]);
    expect(b2.chat.history()).toEqual([]);
    expect(n.main.chat.history()).toEqual([]);
    // Each comes back as themselves, in their own room, and nowhere else.
    await rejects(knock(b2, "Ann", { resume: tokens.ann }), ErrorCode.ResumeExpired);
    expect((await enter(b1, "Ann", { resume: tokens.ann })).id).toBe(ann.id);
    expect((await enter(b2, "Bob", { resume: tokens.bob })).id).toBe(bob.id);
    const back = await enter(n.main, "Mo", { resume: tokens.mod });
    expect([back.id, back.role]).toEqual([mod.id, "moderator"]);
    // The next room created is b3, not a second b1.
    n.family.create([""]);
    expect(n.family.state().rooms.map((r) => r.id)).toEqual(["b1", "b2", "b3"]);
  });

  it("keep a meeting whose people are all in breakout rooms, though its own room is empty", async () => {
    const { m, mod } = await moderatorAndAnnInB1();
    const was = m.family.room("b1") as Room;
    const snapshot = m.main.snapshot();
    expect(snapshot.people).toEqual([]);
    expect(anyoneMayReturn(snapshot)).toBe(true);
    const n = await takeOver(JSON.stringify(snapshot));
    vi.advanceTimersByTime(30_000);
    const b1 = n.family.room("b1");
    expect([n.main.closed, b1?.closed]).toEqual([false, false]);
    if (!b1) throw new Error("no b1");
    const back = await enter(b1, "Mo", { resume: tokenIn(was, mod.id) });
    expect([back.id, back.role]).toEqual([mod.id, "moderator"]);
  });

  it("are closed with the meeting's code when it moves to another node, so that their people reconnect", async () => {
    const { m, ann, bob } = await splitMeeting();
    await m.main.close(CloseCode.ServiceRestart, "this server is restarting; reconnecting");
    expect([m.router.closed.get(ann.id), m.router.closed.get(bob.id)]).toEqual([
      CloseCode.ServiceRestart,
      CloseCode.ServiceRestart,
    ]);
  });

  it("finish a countdown that ran out during the move once their people are back, and not sooner", async () => {
    const { m, ann, tokens } = await splitMeeting();
    m.family.close(2);
    const text = JSON.stringify(m.main.snapshot());
    vi.advanceTimersByTime(10_000); // the node died; the meeting is taken over later
    const n = await takeOver(text);
    const b1 = n.family.room("b1");
    if (!b1) throw new Error("no b1");
    await enter(b1, "Ann", { resume: tokens.ann });
    vi.advanceTimersByTime(TAKEOVER_GRACE_MS - 1);
    expect(n.router.of(ann.id, "breakout.move")).toHaveLength(0);
    vi.advanceTimersByTime(1);
    expect(grantOf(n.router, ann.id).breakout).toBeNull();
  });

  it("are refused from a snapshot that does not hold together", async () => {
    const { m } = await splitMeeting();
    const good = m.main.snapshot();
    const breakouts = good.breakouts;
    if (!breakouts) throw new Error("no breakouts in the snapshot");
    const bad = [
      { ...breakouts, assigned: [["p_nobodyhere1", "b9"]] },
      { ...breakouts, rooms: [...breakouts.rooms, breakouts.rooms[0]] },
      { ...breakouts, next: 2 },
      {
        ...breakouts,
        rooms: breakouts.rooms.map((r) => ({ ...r, state: r.state && { ...r.state, breakouts } })),
      },
    ];
    for (const b of bad) {
      expect(() =>
        parseStored(MeetingSnapshotSchema, JSON.stringify({ ...good, breakouts: b }), "snapshot", 1e8),
      ).toThrow(ClusterDataError);
    }
  });
});
