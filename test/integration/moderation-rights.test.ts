/**
 * What moderators may do, over raw WebSockets against a real server (and Janus): every moderator-only message
 * from a non-moderator is refused with `forbidden` and changes nothing anyone can see; moderator actions do what
 * PROTOCOL.md says; removal is final (4004, resume refused). Who becomes moderator, and coming back with the
 * resume token, are in promotion-resume.test.ts.
 */
import { beforeAll, describe, expect, it } from "vitest";
import {
  closeOf,
  idOf,
  isType,
  knock,
  mark,
  nextSince,
  type Peer,
  receivedWithin,
  since,
  uniqueRoom,
  waitInLobby,
} from "../helpers/room-clients.js";
import { QUIET_MS, roomHarness, types } from "../helpers/room-harness.js";
import type { AnyMessage } from "../helpers/ws-client.js";

const { server, opened, join, describeServerHealth } = roomHarness("moderation-rights");

// ── Moderator-only messages ────────────────────────────────────────────────────────────────

describe.sequential("a non-moderator sending a moderator-only message", () => {
  const room = uniqueRoom("forbidden");
  let mod: Peer;
  let sender: Peer;
  let target: Peer;
  let waiting: Peer;
  let waitingId: string;

  beforeAll(async () => {
    mod = await join(room, "Mona Moderator");
    expect(mod.reply.you.role).toBe("moderator");
    sender = await join(room, "Sam Sender");
    target = await join(room, "Tia Target");
    expect(sender.reply.you.role).toBe("participant");
    expect(target.reply.you.role).toBe("participant");
    // The target has a raised hand (for hand.lower / floor.give / hand.lower_all).
    expect(await target.client.request({ type: "hand.raise" })).toMatchObject({ type: "ok" });
    await sender.client.next(
      isType("hands", (m) => m.queue.length === 1),
      5000,
      "the target's hand",
    );
    // The lobby is on and someone waits (for lobby.admit / deny / admit_all).
    expect(await mod.client.request({ type: "room.configure", lobby: true })).toMatchObject({ type: "ok" });
    await sender.client.next(isType("room.updated"), 5000, "room.updated (lobby on)");
    await target.client.next(isType("room.updated"), 5000, "room.updated (lobby on)");
    waiting = await waitInLobby(server.wsUrl, room, "Wes Waiting");
    opened.push(waiting);
    const knockMsg = await mod.client.next(isType("lobby.knock"), 5000, "lobby.knock");
    waitingId = knockMsg.entry.id;
  });

  const cases: [string, () => Record<string, unknown>][] = [
    ["lobby.admit", () => ({ type: "lobby.admit", participantId: waitingId })],
    ["lobby.deny", () => ({ type: "lobby.deny", participantId: waitingId })],
    ["lobby.admit_all", () => ({ type: "lobby.admit_all" })],
    [
      "room.configure (lobby off + password)",
      () => ({ type: "room.configure", lobby: false, password: "pw" }),
    ],
    ["room.configure (password only)", () => ({ type: "room.configure", password: "letmein" })],
    ["moderate.mute audio", () => ({ type: "moderate.mute", participantId: idOf(target), kind: "audio" })],
    ["moderate.mute video", () => ({ type: "moderate.mute", participantId: idOf(target), kind: "video" })],
    [
      "moderate.mute (the moderator)",
      () => ({ type: "moderate.mute", participantId: idOf(mod), kind: "audio" }),
    ],
    ["moderate.mute_all audio", () => ({ type: "moderate.mute_all", kind: "audio" })],
    ["moderate.mute_all video", () => ({ type: "moderate.mute_all", kind: "video" })],
    [
      "moderate.ask_unmute",
      () => ({ type: "moderate.ask_unmute", participantId: idOf(target), kind: "audio" }),
    ],
    ["moderate.remove", () => ({ type: "moderate.remove", participantId: idOf(target) })],
    ["moderate.remove (the moderator)", () => ({ type: "moderate.remove", participantId: idOf(mod) })],
    ["moderate.grant (someone else)", () => ({ type: "moderate.grant", participantId: idOf(target) })],
    ["moderate.grant (oneself)", () => ({ type: "moderate.grant", participantId: idOf(sender) })],
    ["hand.lower_all", () => ({ type: "hand.lower_all" })],
    ["floor.give", () => ({ type: "floor.give", participantId: idOf(target), askUnmute: true })],
    ["hand.lower naming someone else", () => ({ type: "hand.lower", participantId: idOf(target) })],
  ];

  it.each(cases)("%s → forbidden with its id, and nobody sees anything", async (_label, build) => {
    const everyone = [mod, sender, target, waiting];
    const m = mark(everyone);
    const msg = build();
    const reply = await sender.client.request(msg);
    expect(reply, JSON.stringify(msg)).toMatchObject({ type: "error", code: "forbidden" });
    expect(reply.id).toBeTypeOf("number");
    const seen = await receivedWithin(m, everyone, QUIET_MS);
    expect(types(seen[sender.label] ?? []), "the sender got its error and nothing else").toEqual(["error"]);
    expect(seen[mod.label], "the moderator saw nothing").toEqual([]);
    expect(seen[target.label], "the target saw nothing").toEqual([]);
    expect(seen[waiting.label], "the one waiting saw nothing").toEqual([]);
    expect(target.client.isOpen, "the target is still connected").toBe(true);
    expect(waiting.client.isOpen, "the one waiting is still connected").toBe(true);
  });

  it("afterwards the room is as it was: same roles, flags, hands, settings, lobby", async () => {
    // The one waiting is still waiting: the moderator can admit them, and they see the room unchanged.
    const admitted = await mod.client.request({ type: "lobby.admit", participantId: waitingId });
    expect(admitted).toMatchObject({ type: "ok" });
    const joined = await waiting.client.next(isType("joined"), 10_000, "joined after admit");
    expect(joined.settings).toEqual({
      lobby: true,
      locked: false,
      e2ee: false,
      pollsByAnyone: false,
      recordingAllowed: true,
    });
    const byId = new Map<string, AnyMessage>(joined.participants.map((p: AnyMessage) => [p.id, p]));
    expect(byId.get(idOf(mod))).toMatchObject({ role: "moderator", audio: true, video: true });
    expect(byId.get(idOf(sender))).toMatchObject({ role: "participant", audio: true, video: true });
    expect(byId.get(idOf(target))).toMatchObject({ role: "participant", audio: true, video: true });
    expect(joined.hands.map((h: AnyMessage) => h.participantId)).toEqual([idOf(target)]);

    // A newcomer without a password still lands in the lobby (no password was set, the lobby was not turned off).
    const late = await knock(server.wsUrl, room, "Lee Late");
    opened.push(late);
    expect(late.reply).toMatchObject({ type: "lobby.waiting", room });
    const k = await mod.client.next(isType("lobby.knock"), 5000, "lobby.knock for the late one");
    expect(await mod.client.request({ type: "lobby.admit", participantId: k.entry.id })).toMatchObject({
      type: "ok",
    });
    const lateJoined = await late.client.next(isType("joined"), 10_000, "joined (late)");
    expect(lateJoined.settings).toEqual({
      lobby: true,
      locked: false,
      e2ee: false,
      pollsByAnyone: false,
      recordingAllowed: true,
    });
    expect(lateJoined.participants).toHaveLength(4);
    expect(lateJoined.participants.filter((p: AnyMessage) => p.role === "moderator")).toHaveLength(1);
  });
});

// ── What moderators can do ────────────────────────────────────────────────────────────────

describe.sequential("a moderator's actions", () => {
  const room = uniqueRoom("mod-actions");
  let mod: Peer;
  let a: Peer;
  let b: Peer;

  beforeAll(async () => {
    mod = await join(room, "Mod");
    a = await join(room, "Ann");
    b = await join(room, "Ben");
  });

  it("moderate.mute: the target gets moderation.muted, everyone participant.updated with the flag off", async () => {
    const reply = await mod.client.request({ type: "moderate.mute", participantId: idOf(a), kind: "audio" });
    expect(reply).toMatchObject({ type: "ok" });
    const muted = await a.client.next(isType("moderation.muted"), 5000, "moderation.muted");
    expect(muted).toEqual({ type: "moderation.muted", kind: "audio", by: idOf(mod) });
    for (const p of [mod, a, b]) {
      const upd = await p.client.next(
        isType("participant.updated", (m) => m.participant.id === idOf(a)),
        5000,
        `${p.label}: participant.updated for Ann`,
      );
      expect(upd.participant).toMatchObject({ id: idOf(a), audio: false, video: true, role: "participant" });
    }
    // Only she can turn it back on.
    expect(await a.client.request({ type: "media.state", audio: true, video: true })).toMatchObject({
      type: "ok",
    });
    const upd = await b.client.next(
      isType("participant.updated", (m) => m.participant.id === idOf(a) && m.participant.audio === true),
      5000,
      "Ann's unmute",
    );
    expect(upd.participant.video).toBe(true);
  });

  it("moderate.mute_all: everyone but the sender is muted", async () => {
    // Marked before the request: whatever the server sends the sender because of it comes after this mark.
    const m = mark([mod]);
    const reply = await mod.client.request({ type: "moderate.mute_all", kind: "video" });
    expect(reply).toMatchObject({ type: "ok" });
    for (const p of [a, b]) {
      expect(await p.client.next(isType("moderation.muted"), 5000, `${p.label} muted`)).toMatchObject({
        kind: "video",
        by: idOf(mod),
      });
      // Positive marker: the sender's own socket carried the mute's outcome for each target.
      await nextSince(
        m,
        mod,
        isType("participant.updated", (u) => u.participant.id === idOf(p) && u.participant.video === false),
        5000,
        `the sender told ${p.label}'s camera is off`,
      );
    }
    // A ping answered after those: anything else the mute made the server send the sender is in by now.
    expect(await mod.client.request({ type: "ping" })).toMatchObject({ type: "pong" });
    expect(types(since(m, mod)), "the sender is not muted").not.toContain("moderation.muted");
    const late = await join(room, "Late Lou");
    const flags = Object.fromEntries(late.reply.participants.map((p: AnyMessage) => [p.id, p.video]));
    expect(flags).toEqual({ [idOf(mod)]: true, [idOf(a)]: false, [idOf(b)]: false });
    late.client.close();
  });

  it("moderate.ask_unmute: the target gets the request, nobody's flags change", async () => {
    const m = mark([mod, a, b]);
    const reply = await mod.client.request({
      type: "moderate.ask_unmute",
      participantId: idOf(b),
      kind: "video",
    });
    expect(reply).toMatchObject({ type: "ok" });
    expect(await b.client.next(isType("moderation.unmute_request"), 5000, "unmute_request")).toEqual({
      type: "moderation.unmute_request",
      kind: "video",
      by: idOf(mod),
    });
    const seen = await receivedWithin(m, [mod, a, b], QUIET_MS);
    for (const p of [mod, a, b]) {
      expect(
        (seen[p.label] ?? []).filter((x) => x.type === "participant.updated"),
        `${p.label}: no participant.updated (nobody is unmuted remotely)`,
      ).toEqual([]);
    }
  });

  it("unknown targets get not_found", async () => {
    for (const msg of [
      { type: "moderate.mute", participantId: "p_nobodyhere", kind: "audio" },
      { type: "moderate.remove", participantId: "p_nobodyhere" },
      { type: "moderate.grant", participantId: "p_nobodyhere" },
      { type: "lobby.admit", participantId: "p_nobodyhere" },
      { type: "lobby.deny", participantId: "p_nobodyhere" },
    ]) {
      expect(await mod.client.request(msg), JSON.stringify(msg)).toMatchObject({
        type: "error",
        code: "not_found",
      });
    }
  });

  it("hands: a moderator lowers someone's hand, gives the floor, lowers all", async () => {
    const all = [mod, a, b];
    /** Runs `action`, then waits until every peer received the next `hands` and returns the queues' ids. */
    const handsAfter = async (what: string, action: () => Promise<unknown>): Promise<string[][]> => {
      const m = mark(all);
      await action();
      const got = await Promise.all(
        all.map((p) => nextSince(m, p, isType("hands"), 5000, `hands after ${what}`)),
      );
      return got.map((h) => h.queue.map((e: AnyMessage) => e.participantId));
    };
    await handsAfter("Ann raised", () => a.client.request({ type: "hand.raise" }));
    expect(await handsAfter("Ben raised", () => b.client.request({ type: "hand.raise" }))).toEqual(
      all.map(() => [idOf(a), idOf(b)]),
    );
    expect(
      await handsAfter("lowering Ann's", async () => {
        expect(await mod.client.request({ type: "hand.lower", participantId: idOf(a) })).toMatchObject({
          type: "ok",
        });
      }),
    ).toEqual(all.map(() => [idOf(b)]));
    const m = mark(all);
    expect(
      await handsAfter("floor.give", async () => {
        expect(
          await mod.client.request({ type: "floor.give", participantId: idOf(b), askUnmute: true }),
        ).toMatchObject({ type: "ok" });
      }),
    ).toEqual(all.map(() => []));
    expect(await nextSince(m, b, isType("floor.given"), 5000, "floor.given")).toEqual({
      type: "floor.given",
      by: idOf(mod),
      askUnmute: true,
    });
    await handsAfter("Ann raised again", () => a.client.request({ type: "hand.raise" }));
    expect(
      await handsAfter("lower_all", async () => {
        expect(await mod.client.request({ type: "hand.lower_all" })).toMatchObject({ type: "ok" });
      }),
    ).toEqual(all.map(() => []));
  });

  it("moderate.grant: everyone sees the new role, the new moderator gets lobby.list, and can moderate", async () => {
    expect(await mod.client.request({ type: "moderate.grant", participantId: idOf(a) })).toMatchObject({
      type: "ok",
    });
    for (const p of [mod, a, b]) {
      const upd = await p.client.next(
        isType(
          "participant.updated",
          (m) => m.participant.id === idOf(a) && m.participant.role === "moderator",
        ),
        5000,
        `${p.label}: Ann's new role`,
      );
      expect(upd.participant.name).toBe("Ann");
    }
    expect(await a.client.next(isType("lobby.list"), 5000, "lobby.list")).toEqual({
      type: "lobby.list",
      entries: [],
    });
    // Ann may now do what she could not.
    expect(
      await a.client.request({ type: "moderate.ask_unmute", participantId: idOf(b), kind: "audio" }),
    ).toMatchObject({ type: "ok" });
    // And Ben still may not.
    expect(
      await b.client.request({ type: "moderate.ask_unmute", participantId: idOf(a), kind: "audio" }),
    ).toMatchObject({ type: "error", code: "forbidden" });
  });
});

// ── Removal ───────────────────────────────────────────────────────────────────────────────

describe("moderate.remove", () => {
  it("the target gets moderation.removed and close 4004; the others participant.left removed; its token is void", async () => {
    const room = uniqueRoom("remove");
    const mod = await join(room, "Mod");
    const target = await join(room, "Rex");
    const other = await join(room, "Olga");
    const reply = await mod.client.request({ type: "moderate.remove", participantId: idOf(target) });
    expect(reply).toMatchObject({ type: "ok" });
    expect(await target.client.next(isType("moderation.removed"), 5000, "moderation.removed")).toEqual({
      type: "moderation.removed",
      by: idOf(mod),
    });
    expect((await closeOf(target)).code).toBe(4004);
    for (const p of [mod, other]) {
      const left = await p.client.next(isType("participant.left"), 5000, `${p.label}: participant.left`);
      expect(left).toEqual({ type: "participant.left", participantId: idOf(target), reason: "removed" });
    }
    // The removed participant cannot slip back in as itself.
    const back = await knock(server.wsUrl, room, "Rex", { resume: target.resume as string });
    opened.push(back);
    expect(back.reply).toMatchObject({ type: "error", code: "resume_expired" });
    const seen = await receivedWithin(mark([mod, other]), [mod, other], QUIET_MS);
    expect(types(seen[mod.label] ?? [])).not.toContain("participant.joined");
    // A moderator cannot remove itself (hanging up is how to leave).
    expect(await mod.client.request({ type: "moderate.remove", participantId: idOf(mod) })).toMatchObject({
      type: "error",
      code: "bad_state",
    });
    expect(mod.client.isOpen).toBe(true);
  });
});

// Last: the server stayed healthy through all of it.
describeServerHealth();
