/**
 * Who may get into a room, over raw WebSockets against a real server (and Janus): a connection waiting in the
 * lobby learns nothing of the meeting and may do nothing but wait; passwords, their rate limits (per room and
 * per connection) and their removal. The lobby's own flow is in lobby-flow.test.ts.
 */
import { describe, expect, it } from "vitest";
import {
  idOf,
  isType,
  mark,
  nextSince,
  type Peer,
  receivedWithin,
  uniqueRoom,
} from "../helpers/room-clients.js";
import { QUIET_MS, roomHarness, types } from "../helpers/room-harness.js";
import type { AnyMessage } from "../helpers/ws-client.js";
import { RawClient } from "../helpers/ws-client.js";

const { server, track, join, wait, attempt, configure, describeServerHealth } = roomHarness("access-control");

// ── A waiting connection knows nothing and may do nothing ─────────────────────────────────

describe("a connection waiting in the lobby", () => {
  it("gets forbidden for everything but lobby.cancel/leave/ping, and receives nothing of the meeting", async () => {
    const room = uniqueRoom("lobby-sealed");
    const mod = await join(room, "Morgan Secretname");
    const part = await join(room, "Paula Hiddenname");
    await configure(mod, [part], { lobby: true });
    const m = mark([mod, part]);
    const w = await wait(room, "Walt Waiting");
    const wId = (await nextSince(m, mod, isType("lobby.knock"), 5000, "knock")).entry.id as string;

    // The meeting goes on while Walt waits: chat, hands, reactions, flags, settings, someone joins and leaves.
    await mod.client.request({ type: "chat.send", text: "secret agenda item", clientId: "c-1" });
    await part.client.request({ type: "hand.raise" });
    await part.client.request({ type: "reaction.send", emoji: "👍" });
    await part.client.request({ type: "media.state", audio: false, video: true });
    await mod.client.request({ type: "room.configure", lobby: true });
    await mod.client.request({ type: "moderate.grant", participantId: idOf(part) });
    // Someone else knocks and is admitted (the room is told of a new participant).
    const mv = mark([mod]);
    const vera = await wait(room, "Vera Visitor");
    const vk = await nextSince(mv, mod, isType("lobby.knock"), 5000, "Vera's knock");
    expect(await mod.client.request({ type: "lobby.admit", participantId: vk.entry.id })).toMatchObject({
      type: "ok",
    });
    await vera.client.next(isType("joined"), 10_000, "Vera joined");
    await part.client.next(isType("participant.joined"), 5000, "Vera joined (as Paula sees it)");

    const sdpOffer = { type: "offer", sdp: "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n" };
    const attempts: Record<string, unknown>[] = [
      { type: "publish", jsep: sdpOffer },
      { type: "subscribe.answer", jsep: { type: "answer", sdp: sdpOffer.sdp } },
      {
        type: "trickle",
        pc: "publish",
        candidate: {
          candidate: "candidate:1 1 udp 2122260223 10.0.0.1 5000 typ host",
          sdpMid: "0",
          sdpMLineIndex: 0,
        },
      },
      { type: "trickle", pc: "subscribe", candidate: null },
      { type: "media.state", audio: false, video: false },
      { type: "chat.send", text: "let me in", clientId: "w-1" },
      { type: "chat.send", text: "psst", clientId: "w-2", to: idOf(mod) },
      { type: "hand.raise" },
      { type: "hand.lower" },
      { type: "reaction.send", emoji: "👋" },
      { type: "lobby.admit", participantId: wId },
      { type: "lobby.admit_all" },
      { type: "lobby.deny", participantId: wId },
      { type: "room.configure", lobby: false },
      { type: "moderate.mute", participantId: idOf(mod), kind: "audio" },
      { type: "moderate.mute_all", kind: "audio" },
      { type: "moderate.ask_unmute", participantId: idOf(mod), kind: "audio" },
      { type: "moderate.remove", participantId: idOf(mod) },
      { type: "moderate.grant", participantId: wId },
      { type: "hand.lower_all" },
      { type: "floor.give", participantId: idOf(mod) },
      { type: "recording.state", on: true },
      { type: "speakers.stats" },
      { type: "poll.create", question: "let me in?", options: ["yes", "no"] },
      { type: "poll.vote", pollId: "poll_1", choices: [0] },
      { type: "poll.close", pollId: "poll_1" },
      { type: "poll.share", pollId: "poll_1" },
      { type: "breakout.create", rooms: [{ name: "" }] },
      { type: "breakout.remove", breakout: "b1" },
      { type: "breakout.assign", assignments: [{ participantId: wId, breakout: "b1" }] },
      { type: "breakout.shuffle" },
      { type: "breakout.configure", allowMove: true },
      { type: "breakout.open", auto: true },
      { type: "breakout.broadcast", text: "let me in" },
      { type: "breakout.close", countdown: 0 },
      { type: "breakout.join", breakout: "b1" },
    ];
    const m2 = mark([mod, part]);
    const errorIds: number[] = [];
    for (const msg of attempts) {
      const reply = await w.client.request(msg);
      expect(reply, JSON.stringify(msg)).toMatchObject({ type: "error", code: "forbidden" });
      errorIds.push(reply.id);
    }
    expect(w.client.isOpen).toBe(true);

    // What the waiting connection received, in full: its lobby.waiting, and one error per attempt.
    const seen = await receivedWithin(mark([w]), [w], QUIET_MS);
    expect(seen[w.label]).toEqual([]);
    expect(types(w.client.received)).toEqual(["lobby.waiting", ...attempts.map(() => "error")]);
    expect(w.client.received.slice(1).map((x) => x.id)).toEqual(errorIds);
    const everything = JSON.stringify(w.client.received);
    for (const secret of ["Morgan", "Paula", "Vera", "secret agenda", idOf(mod), idOf(part)]) {
      expect(everything, `the waiting connection learned "${secret}"`).not.toContain(secret);
    }
    // Nothing Walt tried reached the room.
    const room2 = await receivedWithin(m2, [mod, part], QUIET_MS);
    for (const p of [mod, part]) {
      const fromWalt = (room2[p.label] ?? []).filter((x) => JSON.stringify(x).includes(wId));
      expect(fromWalt, `${p.label} got something caused by the waiting one`).toEqual([]);
      expect(types(room2[p.label] ?? [])).not.toContain("chat.message");
      expect(types(room2[p.label] ?? [])).not.toContain("reaction");
      expect(types(room2[p.label] ?? [])).not.toContain("moderation.muted");
    }
    // ping is allowed.
    expect(await w.client.request({ type: "ping" })).toMatchObject({ type: "pong" });

    // Admitted, Walt now sees the meeting (so the sealing above was not an accident of a broken room).
    expect(await mod.client.request({ type: "lobby.admit", participantId: wId })).toMatchObject({
      type: "ok",
    });
    const joined = await w.client.next(isType("joined"), 10_000, "joined");
    expect(joined.participants.map((p: AnyMessage) => p.name)).toEqual(
      expect.arrayContaining(["Morgan Secretname", "Paula Hiddenname"]),
    );
    expect(joined.chat.map((c: AnyMessage) => c.text)).toEqual(["secret agenda item"]);
    expect(joined.hands.map((h: AnyMessage) => h.participantId)).toEqual([idOf(part)]);
  });
});

// ── Password ──────────────────────────────────────────────────────────────────────────────

describe.sequential("a password", () => {
  const room = uniqueRoom("pw");
  const PASSWORD = "corr3ct-h0rse";
  let mod: Peer;
  let inside: Peer;

  it("set by a moderator: everyone gets room.updated locked, and the password is sent to no one", async () => {
    mod = await join(room, "Pat Moderator");
    inside = await join(room, "Ivy Inside");
    const updates = await configure(mod, [inside], { password: PASSWORD });
    for (const u of updates)
      expect(u).toEqual({
        type: "room.updated",
        settings: { lobby: false, locked: true, e2ee: false, pollsByAnyone: false, recordingAllowed: true },
      });
    for (const p of [mod, inside]) expect(JSON.stringify(p.client.received)).not.toContain(PASSWORD);
  });

  it("join without → password_required; wrong → password_wrong; right → joined; nobody inside hears of the failures", async () => {
    const m = mark([mod, inside]);
    const none = await attempt(room, "Nemo");
    expect(none.reply).toMatchObject({ type: "error", code: "password_required", id: none.reply.id });
    const wrong = await attempt(room, "Nemo", { password: "guess" });
    expect(wrong.reply).toMatchObject({ type: "error", code: "password_wrong" });
    const seen = await receivedWithin(m, [mod, inside], QUIET_MS);
    expect(seen[mod.label]).toEqual([]);
    expect(seen[inside.label]).toEqual([]);
    // The refused connection may try again on the same socket.
    const again = await none.client.request({ type: "join", v: 1, room, name: "Nemo", password: PASSWORD });
    expect(again.type).toBe("joined");
    expect(again.settings).toEqual({
      lobby: false,
      locked: true,
      e2ee: false,
      pollsByAnyone: false,
      recordingAllowed: true,
    });
    expect(JSON.stringify(again)).not.toContain(PASSWORD);
    const pj = await nextSince(m, mod, isType("participant.joined"), 5000, "participant.joined");
    expect(pj.participant.name).toBe("Nemo");
  });

  it("with the lobby on too: the right password leads to the lobby, no password is refused before knocking", async () => {
    await configure(mod, [inside], { lobby: true });
    const m = mark([mod]);
    const none = await attempt(room, "Lobby Lou");
    expect(none.reply).toMatchObject({ type: "error", code: "password_required" });
    const seen = await receivedWithin(m, [mod], QUIET_MS);
    expect(types(seen[mod.label] ?? [])).not.toContain("lobby.knock");
    const right = await attempt(room, "Lobby Lou", { password: PASSWORD });
    expect(right.reply).toMatchObject({ type: "lobby.waiting", room });
    const k = await nextSince(m, mod, isType("lobby.knock"), 5000, "knock");
    expect(k.entry.name).toBe("Lobby Lou");
    await mod.client.request({ type: "lobby.deny", participantId: k.entry.id });
    await configure(mod, [inside], { lobby: false });
  });

  it("removed (password: null): join without one works again", async () => {
    const updates = await configure(mod, [inside], { password: null });
    for (const u of updates)
      expect(u).toEqual({
        type: "room.updated",
        settings: { lobby: false, locked: false, e2ee: false, pollsByAnyone: false, recordingAllowed: true },
      });
    const free = await attempt(room, "Free Fran");
    expect(free.reply.type).toBe("joined");
    expect(free.reply.settings).toEqual({
      lobby: false,
      locked: false,
      e2ee: false,
      pollsByAnyone: false,
      recordingAllowed: true,
    });
  });

  it("an empty password is refused as bad_message, and the room stays as it was", async () => {
    const reply = await mod.client.request({ type: "room.configure", password: "" });
    expect(reply).toMatchObject({ type: "error", code: "bad_message" });
    const free = await attempt(room, "Free Fred");
    expect(free.reply.type).toBe("joined");
  });
});

describe("password attempts are limited", () => {
  it("not per room: 5 wrong passwords from 5 connections do not keep the next one with the right password out", async () => {
    const room = uniqueRoom("pw-room-limit");
    const mod = await join(room, "Mod");
    await configure(mod, [], { password: "right-one" });
    for (let i = 0; i < 5; i++) {
      const p = await attempt(room, `Guesser ${i}`, { password: `wrong-${i}` });
      expect(p.reply, `wrong try ${i + 1}`).toMatchObject({ type: "error", code: "password_wrong" });
    }
    // Before, the room itself locked for a minute here: anyone could keep invited guests out.
    const sixth = await attempt(room, "Honest", { password: "right-one" });
    expect(sixth.reply).toMatchObject({ type: "joined", id: sixth.reply.id });
    const pj = await mod.client.next(isType("participant.joined"), 5000, "Honest joined");
    expect(pj.participant.name).toBe("Honest");
  });

  it("per connection: 5 wrong passwords on 5 rooms, then the right one on a 6th room → too_many_attempts", async () => {
    const rooms: string[] = [];
    for (let i = 0; i < 6; i++) {
      const r = uniqueRoom(`pw-conn-${i}`);
      rooms.push(r);
      const mod = await join(r, `Mod ${i}`);
      await configure(mod, [], { password: `pw-${i}` });
    }
    const client = await RawClient.connect(server.wsUrl);
    track({ label: "serial guesser", client, reply: { type: "none" }, id: undefined, resume: undefined });
    for (let i = 0; i < 5; i++) {
      const reply = await client.request({
        type: "join",
        v: 1,
        room: rooms[i],
        name: "Guesser",
        password: "nope",
      });
      expect(reply, `wrong try ${i + 1} (room ${i})`).toMatchObject({
        type: "error",
        code: "password_wrong",
      });
    }
    const sixth = await client.request({
      type: "join",
      v: 1,
      room: rooms[5],
      name: "Guesser",
      password: "pw-5",
    });
    expect(sixth).toMatchObject({ type: "error", code: "too_many_attempts" });
    expect(client.isOpen).toBe(true);
    // The 6th room itself is fine: another connection gets in with the right password.
    expect((await attempt(rooms[5] as string, "Someone else", { password: "pw-5" })).reply.type).toBe(
      "joined",
    );
  });
});

// Last: the server stayed healthy through all of it.
describeServerHealth();
