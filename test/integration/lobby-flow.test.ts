/**
 * The lobby over raw WebSockets against a real server (and Janus): who is told what when someone knocks, is
 * admitted, denied, cancels or drops; what becomes of those waiting when the meeting empties; LOBBY_BY_DEFAULT.
 * What a waiting connection may not do, and passwords, are in access-control.test.ts.
 */
import { describe, expect, it } from "vitest";
import {
  closeOf,
  dropAll,
  enter,
  idOf,
  isType,
  mark,
  nextSince,
  type Peer,
  receivedWithin,
  uniqueRoom,
  waitInLobby,
} from "../helpers/room-clients.js";
import { QUIET_MS, roomHarness, types } from "../helpers/room-harness.js";
import { suiteServer } from "../helpers/suite-server.js";
import type { AnyMessage } from "../helpers/ws-client.js";

const { join, wait, configure, describeServerHealth } = roomHarness("lobby-flow");

// ── The lobby, step by step ───────────────────────────────────────────────────────────────

describe.sequential("the lobby", () => {
  const room = uniqueRoom("lobby-flow");
  let mod: Peer;
  let second: Peer;
  let newcomer: Peer;
  let newcomerId: string;

  it("a moderator turns the lobby on: everyone in the room gets room.updated", async () => {
    mod = await join(room, "Mara");
    second = await join(room, "Sid");
    expect(mod.reply.settings).toEqual({
      lobby: false,
      locked: false,
      e2ee: false,
      pollsByAnyone: false,
      recordingAllowed: true,
    });
    const updates = await configure(mod, [second], { lobby: true });
    for (const u of updates)
      expect(u).toEqual({
        type: "room.updated",
        settings: { lobby: true, locked: false, e2ee: false, pollsByAnyone: false, recordingAllowed: true },
      });
  });

  it("a newcomer gets lobby.waiting; moderators (only) get lobby.knock with the name", async () => {
    const m = mark([mod, second]);
    const before = Date.now();
    newcomer = await wait(room, "  Nora   New ");
    expect(newcomer.reply).toEqual({ type: "lobby.waiting", id: newcomer.reply.id, room });
    const k = await nextSince(m, mod, isType("lobby.knock"), 5000, "lobby.knock");
    expect(k.entry).toMatchObject({ name: "Nora New" });
    expect(k.entry.id).toMatch(/^p_/);
    expect(k.entry.since).toBeGreaterThanOrEqual(before - 5000);
    expect(k.entry.since).toBeLessThanOrEqual(Date.now() + 5000);
    newcomerId = k.entry.id;
    const seen = await receivedWithin(m, [second], QUIET_MS);
    expect(seen[second.label], "a participant hears nothing of the lobby").toEqual([]);
  });

  it("someone made moderator while people wait gets lobby.list with them", async () => {
    const m = mark([mod, second]);
    expect(await mod.client.request({ type: "moderate.grant", participantId: idOf(second) })).toMatchObject({
      type: "ok",
    });
    const list = await nextSince(m, second, isType("lobby.list"), 5000, "lobby.list");
    expect(list.entries).toEqual([{ id: newcomerId, name: "Nora New", since: expect.any(Number) }]);
  });

  it("admit: the newcomer gets joined (no id), the others participant.joined, all moderators lobby.resolved", async () => {
    const m = mark([mod, second, newcomer]);
    expect(await mod.client.request({ type: "lobby.admit", participantId: newcomerId })).toMatchObject({
      type: "ok",
    });
    const joined = await nextSince(m, newcomer, isType("joined"), 10_000, "joined");
    expect(joined.id).toBeUndefined();
    expect(joined.you).toMatchObject({ id: newcomerId, name: "Nora New", role: "participant" });
    expect(joined.participants.map((p: AnyMessage) => p.id).sort()).toEqual([idOf(mod), idOf(second)].sort());
    expect(joined.settings).toEqual({
      lobby: true,
      locked: false,
      e2ee: false,
      pollsByAnyone: false,
      recordingAllowed: true,
    });
    expect(joined.resume).toBeTypeOf("string");
    newcomer.id = newcomerId;
    for (const p of [mod, second]) {
      const pj = await nextSince(m, p, isType("participant.joined"), 5000, "participant.joined");
      expect(pj.participant).toMatchObject({ id: newcomerId, name: "Nora New", role: "participant" });
      expect(await nextSince(m, p, isType("lobby.resolved"), 5000, "lobby.resolved")).toEqual({
        type: "lobby.resolved",
        participantId: newcomerId,
        outcome: "admitted",
      });
    }
    // Once in, the newcomer is a participant like any other.
    expect(await newcomer.client.request({ type: "hand.raise" })).toMatchObject({ type: "ok" });
    expect(await newcomer.client.request({ type: "lobby.cancel" })).toMatchObject({
      type: "error",
      code: "forbidden",
    });
  });

  it("deny: the waiting one gets lobby.denied and close 4003; moderators lobby.resolved denied", async () => {
    const m = mark([mod, second, newcomer]);
    const denied = await wait(room, "Dan Denied");
    const k = await nextSince(m, second, isType("lobby.knock"), 5000, "knock (Dan)");
    // Both moderators get the knock; a participant does not.
    expect((await nextSince(m, mod, isType("lobby.knock"), 5000, "knock (Dan)")).entry.id).toBe(k.entry.id);
    expect(await second.client.request({ type: "lobby.deny", participantId: k.entry.id })).toMatchObject({
      type: "ok",
    });
    expect(await denied.client.next(isType("lobby.denied"), 5000, "lobby.denied")).toEqual({
      type: "lobby.denied",
    });
    expect((await closeOf(denied)).code).toBe(4003);
    for (const p of [mod, second]) {
      expect(await nextSince(m, p, isType("lobby.resolved"), 5000, "resolved denied")).toEqual({
        type: "lobby.resolved",
        participantId: k.entry.id,
        outcome: "denied",
      });
    }
    expect(types(denied.client.received)).toEqual(["lobby.waiting", "lobby.denied"]);
    const seen = await receivedWithin(m, [newcomer], QUIET_MS);
    expect(seen[newcomer.label], "a participant hears nothing of the lobby").toEqual([]);
    // Nobody with that id waits any more.
    expect(await mod.client.request({ type: "lobby.admit", participantId: k.entry.id })).toMatchObject({
      type: "error",
      code: "not_found",
    });
  });

  it("cancel: ok, then close 4000; moderators lobby.resolved cancelled", async () => {
    const m = mark([mod, second]);
    const quitter = await wait(room, "Cal Cancel");
    const k = await nextSince(m, mod, isType("lobby.knock"), 5000, "knock (Cal)");
    expect(await quitter.client.request({ type: "lobby.cancel" })).toMatchObject({ type: "ok" });
    expect((await closeOf(quitter)).code).toBe(4000);
    for (const p of [mod, second]) {
      expect(await nextSince(m, p, isType("lobby.resolved"), 5000, "resolved cancelled")).toEqual({
        type: "lobby.resolved",
        participantId: k.entry.id,
        outcome: "cancelled",
      });
    }
  });

  it("a waiting socket that drops: moderators lobby.resolved left", async () => {
    const m = mark([mod, second]);
    const dropper = await wait(room, "Dora Drop");
    const k = await nextSince(m, mod, isType("lobby.knock"), 5000, "knock (Dora)");
    dropper.client.terminate();
    for (const p of [mod, second]) {
      expect(await nextSince(m, p, isType("lobby.resolved"), 8000, "resolved left")).toEqual({
        type: "lobby.resolved",
        participantId: k.entry.id,
        outcome: "left",
      });
    }
  });

  it("admit_all lets everyone waiting in, oldest first", async () => {
    const m = mark([mod, second, newcomer]);
    const w1 = await wait(room, "Wait One");
    const k1 = await nextSince(m, mod, isType("lobby.knock"), 5000, "knock 1");
    const w2 = await wait(room, "Wait Two");
    const k2 = await nextSince(
      m,
      mod,
      isType("lobby.knock", (x) => x.entry.id !== k1.entry.id),
      5000,
      "knock 2",
    );
    expect(await mod.client.request({ type: "lobby.admit_all" })).toMatchObject({ type: "ok" });
    for (const [w, k] of [
      [w1, k1],
      [w2, k2],
    ] as const) {
      const j = await w.client.next(isType("joined"), 10_000, `${w.label} joined`);
      expect(j.you.id).toBe(k.entry.id);
    }
    await nextSince(
      m,
      newcomer,
      isType("participant.joined", (x) => x.participant.id === k2.entry.id),
      5000,
      "p2",
    );
    const order = newcomer.client.received
      .slice(m.get(newcomer.client))
      .filter((x) => x.type === "participant.joined")
      .map((x) => x.participant.id);
    expect(order).toEqual([k1.entry.id, k2.entry.id]);
    const resolved = await Promise.all(
      [k1, k2].map((k) =>
        nextSince(
          m,
          second,
          isType("lobby.resolved", (x) => x.participantId === k.entry.id),
          5000,
          "resolved",
        ),
      ),
    );
    for (const r of resolved) expect(r.outcome).toBe("admitted");
    // The second one admitted sees the first.
    const j2 = w2.client.received.find((x) => x.type === "joined");
    expect(j2?.participants.map((p: AnyMessage) => p.id)).toContain(k1.entry.id);
  });

  it("turning the lobby off admits nobody who waits; newcomers then enter directly", async () => {
    const m = mark([mod, second]);
    const w = await wait(room, "Still Waiting");
    const k = await nextSince(m, mod, isType("lobby.knock"), 5000, "knock");
    await configure(mod, [second], { lobby: false });
    const direct = await join(room, "Direct Entry");
    expect(direct.reply.settings).toEqual({
      lobby: false,
      locked: false,
      e2ee: false,
      pollsByAnyone: false,
      recordingAllowed: true,
    });
    const seen = await receivedWithin(mark([w]), [w], QUIET_MS);
    expect(types(seen[w.label] ?? []), "the one waiting still waits").toEqual([]);
    expect(types(w.client.received)).toEqual(["lobby.waiting"]);
    // A moderator still decides.
    expect(await mod.client.request({ type: "lobby.admit", participantId: k.entry.id })).toMatchObject({
      type: "ok",
    });
    expect((await w.client.next(isType("joined"), 10_000, "joined")).settings).toEqual({
      lobby: false,
      locked: false,
      e2ee: false,
      pollsByAnyone: false,
      recordingAllowed: true,
    });
  });
});

describe("who hears of the lobby", () => {
  it("the first one in gets an empty lobby.list; knock entries carry id, name and since only; the room name is lower-cased", async () => {
    const room = uniqueRoom("Lobby-Case");
    const mod = await join(room, "Mod");
    expect(await mod.client.next(isType("lobby.list"), 5000, "lobby.list on entering first")).toEqual({
      type: "lobby.list",
      entries: [],
    });
    await configure(mod, [], { lobby: true });
    const m = mark([mod]);
    const w = await wait(room, "Upper Case");
    expect(w.reply.room).toBe(room.toLowerCase());
    const k = await nextSince(m, mod, isType("lobby.knock"), 5000, "knock");
    expect(Object.keys(k.entry).sort()).toEqual(["id", "name", "since"]);
  });

  it("the moderator leaves while someone waits: the one promoted gets lobby.list with them, and can admit", async () => {
    const room = uniqueRoom("lobby-promote");
    const mod = await join(room, "Mod");
    const part = await join(room, "Heir");
    await configure(mod, [part], { lobby: true });
    const m = mark([mod, part]);
    const w = await wait(room, "Waiting Will");
    const k = await nextSince(m, mod, isType("lobby.knock"), 5000, "knock");
    expect(await mod.client.request({ type: "leave" })).toMatchObject({ type: "ok" });
    const promoted = await nextSince(
      m,
      part,
      isType("participant.updated", (x) => x.participant.id === idOf(part)),
      5000,
      "promotion",
    );
    expect(promoted.participant.role).toBe("moderator");
    const list = await nextSince(m, part, isType("lobby.list"), 5000, "lobby.list on promotion");
    expect(list.entries).toEqual([{ id: k.entry.id, name: "Waiting Will", since: k.entry.since }]);
    expect(await part.client.request({ type: "lobby.admit", participantId: k.entry.id })).toMatchObject({
      type: "ok",
    });
    const joined = await w.client.next(isType("joined"), 10_000, "joined");
    expect(joined.participants.map((p: AnyMessage) => p.id)).toEqual([idOf(part)]);
  });

  it("leave from the lobby: ok, close 4000, and the moderators' lists drop the entry", async () => {
    const room = uniqueRoom("lobby-leave");
    const mod = await join(room, "Mod");
    await configure(mod, [], { lobby: true });
    const m = mark([mod]);
    const w = await wait(room, "Leaving Lea");
    const k = await nextSince(m, mod, isType("lobby.knock"), 5000, "knock");
    expect(await w.client.request({ type: "leave" })).toMatchObject({ type: "ok" });
    expect((await closeOf(w)).code).toBe(4000);
    const resolved = await nextSince(m, mod, isType("lobby.resolved"), 5000, "resolved");
    expect(resolved.participantId).toBe(k.entry.id);
    expect(["left", "cancelled"]).toContain(resolved.outcome);
    expect(await mod.client.request({ type: "lobby.admit", participantId: k.entry.id })).toMatchObject({
      type: "error",
      code: "not_found",
    });
  });
});

// ── The meeting ends while people wait ────────────────────────────────────────────────────

describe("the meeting empties while someone waits", () => {
  it("the waiting connections are closed with 4005", async () => {
    const room = uniqueRoom("lobby-ended");
    const mod = await join(room, "Only Mod");
    await configure(mod, [], { lobby: true });
    const w1 = await wait(room, "Waiter A");
    const w2 = await wait(room, "Waiter B");
    expect(await mod.client.request({ type: "leave" })).toMatchObject({ type: "ok" });
    expect((await closeOf(w1)).code).toBe(4005);
    expect((await closeOf(w2)).code).toBe(4005);
    // The room is gone: the next one in starts a fresh room as its moderator, lobby off.
    const fresh = await join(room, "Fresh Start");
    expect(fresh.reply.you.role).toBe("moderator");
    expect(fresh.reply.settings).toEqual({
      lobby: false,
      locked: false,
      e2ee: false,
      pollsByAnyone: false,
      recordingAllowed: true,
    });
    expect(fresh.reply.participants).toEqual([]);
  });

  it("but not when the last participant only dropped: the waiter stays until the moderator is back and admits them", async () => {
    const room = uniqueRoom("lobby-ended-drop");
    const mod = await join(room, "Only Mod");
    await configure(mod, [], { lobby: true });
    const w = await wait(room, "Waiter");
    mod.client.terminate();
    // A newcomer meanwhile is held at the door too: the one who can let people in may be back.
    const late = await wait(room, "Late");
    expect(await w.client.arrivesWithin(() => true, 1500), "the waiter heard nothing").toBe(false);
    expect(w.client.isOpen).toBe(true);
    const back = await join(room, "Only Mod", { resume: mod.resume as string });
    expect(back.reply.you).toMatchObject({ id: mod.id, role: "moderator" });
    const list = await back.client.next(isType("lobby.list"), 5000, "lobby.list");
    expect(list.entries.map((e: { name: string }) => e.name)).toEqual(["Waiter", "Late"]);
    expect(
      await back.client.request({ type: "lobby.admit", participantId: list.entries[0].id }),
    ).toMatchObject({
      type: "ok",
    });
    expect((await w.client.next(isType("joined"), 5000, "admitted")).you.name).toBe("Waiter");
    expect(late.client.isOpen).toBe(true);
  });
});

// ── LOBBY_BY_DEFAULT ──────────────────────────────────────────────────────────────────────

describe("LOBBY_BY_DEFAULT=1", () => {
  const peers: Peer[] = [];
  const lobbyServer = suiteServer({ name: "lobby-by-default", env: { LOBBY_BY_DEFAULT: "1" } }, () =>
    dropAll(peers),
  );

  it("the first one in is moderator and enters; the next one waits", async () => {
    const room = uniqueRoom("lobby-default");
    const first = await enter(lobbyServer.wsUrl, room, "First");
    peers.push(first);
    expect(first.reply.you.role).toBe("moderator");
    expect(first.reply.settings).toEqual({
      lobby: true,
      locked: false,
      e2ee: false,
      pollsByAnyone: false,
      recordingAllowed: true,
    });
    const second = await waitInLobby(lobbyServer.wsUrl, room, "Second");
    peers.push(second);
    const k = await first.client.next(isType("lobby.knock"), 5000, "knock");
    expect(k.entry.name).toBe("Second");
  });
});

// Last: the server stayed healthy through all of it.
describeServerHealth();
