/**
 * Roles over time, over raw WebSockets against a real server (and Janus): a room with people in it always has
 * a moderator; a dropped participant comes back as itself with its resume token, but not after `leave`. What
 * moderators may do is in moderation-rights.test.ts.
 */
import { describe, expect, it } from "vitest";
import {
  closeOf,
  idOf,
  isType,
  knock,
  mark,
  type Peer,
  receivedWithin,
  uniqueRoom,
} from "../helpers/room-clients.js";
import { QUIET_MS, roomHarness, types } from "../helpers/room-harness.js";
import { sleep } from "../helpers/wait.js";
import type { AnyMessage } from "../helpers/ws-client.js";

// A dropped moderator's role waits this long for them before passing on (10 s by default).
const RETURN_S = 2;
const { server, opened, join, describeServerHealth } = roomHarness("promotion-resume", {
  MODERATOR_RETURN_SECONDS: String(RETURN_S),
});

// ── Promotion ─────────────────────────────────────────────────────────────────────────────

describe("the room always has a moderator", () => {
  it("the moderator leaves: the longest-present participant becomes moderator, and everyone is told", async () => {
    const room = uniqueRoom("promote-leave");
    const first = await join(room, "First");
    await sleep(5); // distinct join times
    const second = await join(room, "Second");
    await sleep(5);
    const third = await join(room, "Third");
    const stay = [second, third];
    const m = mark(stay);
    expect(await first.client.request({ type: "leave" })).toMatchObject({ type: "ok" });
    expect((await closeOf(first)).code).toBe(4000);
    for (const p of stay) {
      const upd = await p.client.next(
        isType("participant.updated", (x) => x.participant.role === "moderator"),
        5000,
        `${p.label}: a promotion`,
      );
      expect(upd.participant).toMatchObject({ id: idOf(second), name: "Second", role: "moderator" });
    }
    expect(await second.client.next(isType("lobby.list"), 5000, "lobby.list on promotion")).toMatchObject({
      entries: [],
    });
    const seen = await receivedWithin(m, stay, QUIET_MS);
    for (const p of stay) {
      const roles = (seen[p.label] ?? []).filter((x) => x.type === "participant.updated");
      expect(roles, `${p.label}: exactly one promotion`).toHaveLength(1);
    }
    // The new moderator can moderate.
    expect(await second.client.request({ type: "moderate.grant", participantId: idOf(third) })).toMatchObject(
      {
        type: "ok",
      },
    );
  });

  it("moderators dropping one after the other: each time, once the role waited for them, the longest-present is promoted", async () => {
    const room = uniqueRoom("promote-drop");
    const people: Peer[] = [];
    for (const name of ["P0", "P1", "P2", "P3", "P4", "P5"]) {
      people.push(await join(room, name));
      await sleep(5);
    }
    expect(people[0]?.reply.you.role).toBe("moderator");
    // Give P3 the role as well: when P0 drops, nobody is promoted (P3 is still a moderator).
    const p3 = people[3] as Peer;
    await (people[0] as Peer).client.request({ type: "moderate.grant", participantId: idOf(p3) });
    for (const p of people) {
      await p.client.next(
        isType("participant.updated", (x) => x.participant.id === idOf(p3)),
        5000,
        "P3 granted",
      );
    }
    let remaining = [...people];
    /** Who should hold the role: P0 and P3 now; each drop takes the victim out and adds whoever is promoted. */
    const moderators = new Set<Peer>([people[0] as Peer, p3]);
    const dropAndExpect = async (victim: Peer, promoted: Peer | null) => {
      remaining = remaining.filter((p) => p !== victim);
      moderators.delete(victim);
      if (promoted) moderators.add(promoted);
      const m = mark(remaining);
      victim.client.terminate();
      for (const p of remaining) {
        const left = await p.client.next(
          isType("participant.left", (x) => x.participantId === idOf(victim)),
          8000,
          `${p.label}: ${victim.label} left`,
        );
        expect(left.reason).toBe("disconnected");
      }
      if (promoted) {
        for (const p of remaining) {
          const upd = await p.client.next(
            isType("participant.updated", (x) => x.participant.role === "moderator"),
            5000,
            `${p.label}: ${promoted.label} promoted after ${victim.label} dropped`,
          );
          expect(upd.participant.id, `${p.label}: who was promoted after ${victim.label} dropped`).toBe(
            idOf(promoted),
          );
        }
      } else {
        const seen = await receivedWithin(m, remaining, QUIET_MS);
        for (const p of remaining) {
          expect(
            (seen[p.label] ?? []).filter((x) => x.type === "participant.updated"),
            `${p.label}: no promotion while a moderator remains`,
          ).toEqual([]);
        }
      }
      // Whoever joins now finds exactly the moderators expected.
      const probe = await join(room, "Probe");
      const mods = probe.reply.participants
        .filter((x: AnyMessage) => x.role === "moderator")
        .map((x: AnyMessage) => x.id)
        .sort();
      expect(mods, `moderators after ${victim.label} dropped`).toEqual([...moderators].map(idOf).sort());
      expect(probe.reply.you.role).toBe("participant");
      probe.client.close();
      for (const p of remaining)
        await p.client.next(
          isType("participant.left", (x) => x.participantId === idOf(probe)),
          5000,
          "probe left",
        );
    };
    const [p0, p1, p2, , p4, p5] = people as [Peer, Peer, Peer, Peer, Peer, Peer];
    await dropAndExpect(p0, null); // P3 is still moderator
    await dropAndExpect(p3, p1); // the last moderator went: P1 has been here longest
    await dropAndExpect(p1, p2);
    await dropAndExpect(p2, p4);
    await dropAndExpect(p4, p5);
    // P5, alone, is moderator and can configure the room.
    expect(await p5.client.request({ type: "room.configure", lobby: true })).toMatchObject({ type: "ok" });
  });
});

// ── Resume ────────────────────────────────────────────────────────────────────────────────

describe("coming back with the resume token", () => {
  it("a dropped participant comes back with the same id, role and hand; the others see it leave and join", async () => {
    const room = uniqueRoom("resume");
    const mod = await join(room, "Mod");
    const part = await join(room, "Pia");
    expect(await part.client.request({ type: "hand.raise" })).toMatchObject({ type: "ok" });
    await mod.client.next(
      isType("hands", (m) => m.queue.length === 1),
      5000,
      "Pia's hand",
    );
    part.client.terminate();
    const left = await mod.client.next(isType("participant.left"), 8000, "participant.left");
    expect(left).toMatchObject({ participantId: idOf(part), reason: "disconnected" });
    await mod.client.next(
      isType("hands", (m) => m.queue.length === 0),
      5000,
      "hand gone while away",
    );

    const back = await join(room, "Pia", { resume: part.resume as string });
    expect(back.reply.you).toMatchObject({ id: idOf(part), role: "participant", name: "Pia" });
    expect(back.reply.participants.map((p: AnyMessage) => p.id)).toEqual([idOf(mod)]);
    expect(back.reply.resume).toBeTypeOf("string");
    const rejoined = await mod.client.next(isType("participant.joined"), 5000, "participant.joined (resume)");
    expect(rejoined.participant.id).toBe(idOf(part));
    const hands = await mod.client.next(
      isType("hands", (m) => m.queue.length === 1),
      5000,
      "hand restored",
    );
    expect(hands.queue[0].participantId).toBe(idOf(part));

    // The same token cannot be used twice.
    const twice = await knock(server.wsUrl, room, "Pia", { resume: part.resume as string });
    opened.push(twice);
    expect(twice.reply).toMatchObject({ type: "error", code: "resume_expired" });
  });

  it("a dropped moderator comes back as moderator (the one promoted meanwhile stays moderator)", async () => {
    const room = uniqueRoom("resume-mod");
    const mod = await join(room, "Mod");
    const part = await join(room, "Pat");
    mod.client.terminate();
    await part.client.next(
      isType(
        "participant.updated",
        (m) => m.participant.id === idOf(part) && m.participant.role === "moderator",
      ),
      8000,
      "Pat promoted",
    );
    const back = await join(room, "Mod", { resume: mod.resume as string });
    expect(back.reply.you).toMatchObject({ id: idOf(mod), role: "moderator" });
    const joined = await part.client.next(isType("participant.joined"), 5000, "Mod back");
    expect(joined.participant).toMatchObject({ id: idOf(mod), role: "moderator" });
    expect(
      await back.client.next(isType("lobby.list"), 5000, "lobby.list for the returning moderator"),
    ).toMatchObject({
      entries: [],
    });
    expect(
      await back.client.request({ type: "moderate.ask_unmute", participantId: idOf(part), kind: "audio" }),
    ).toMatchObject({ type: "ok" });
  });

  it("a moderator back within MODERATOR_RETURN_SECONDS (a reload) keeps the role, and nobody else gets it", async () => {
    const room = uniqueRoom("resume-mod-quick");
    const mod = await join(room, "Mod");
    const part = await join(room, "Pat");
    const m = mark([part]);
    mod.client.terminate();
    await part.client.next(isType("participant.left"), 8000, "Mod dropped");
    const back = await join(room, "Mod", { resume: mod.resume as string });
    expect(back.reply.you).toMatchObject({ id: idOf(mod), role: "moderator" });
    await sleep(RETURN_S * 1000 + 500);
    const seen = await receivedWithin(m, [part], QUIET_MS);
    const promotions = (seen[part.label] ?? []).filter(
      (x) => x.type === "participant.updated" && x.participant.id === idOf(part),
    );
    expect(promotions, "Pat was not made moderator").toEqual([]);
  });

  it("a moderator alone in the meeting who drops finds it as they left it: password, lobby, chat", async () => {
    const room = uniqueRoom("resume-alone");
    const mod = await join(room, "Solo");
    expect(await mod.client.request({ type: "room.configure", lobby: true, password: "door" })).toMatchObject(
      {
        type: "ok",
      },
    );
    await mod.client.request({ type: "chat.send", text: "note to self", clientId: "n1" });
    mod.client.terminate();
    await sleep(500);
    const stranger = await knock(server.wsUrl, room, "Eve");
    opened.push(stranger);
    expect(stranger.reply).toMatchObject({ type: "error", code: "password_required" });
    const back = await join(room, "Solo", { resume: mod.resume as string });
    expect(back.reply.you).toMatchObject({ id: idOf(mod), role: "moderator" });
    expect(back.reply.settings).toEqual({
      lobby: true,
      locked: true,
      e2ee: false,
      pollsByAnyone: false,
      recordingAllowed: true,
    });
    expect(back.reply.chat.map((c: AnyMessage) => c.text)).toEqual(["note to self"]);
  });

  it("a resuming participant skips the password and the lobby", async () => {
    const room = uniqueRoom("resume-locked");
    const mod = await join(room, "Mod");
    const part = await join(room, "Pip");
    expect(await mod.client.request({ type: "room.configure", lobby: true, password: "door" })).toMatchObject(
      {
        type: "ok",
      },
    );
    part.client.terminate();
    await mod.client.next(isType("participant.left"), 8000, "Pip dropped");
    const back = await join(room, "Pip", { resume: part.resume as string });
    expect(back.reply.you.id).toBe(idOf(part));
    expect(back.reply.settings).toEqual({
      lobby: true,
      locked: true,
      e2ee: false,
      pollsByAnyone: false,
      recordingAllowed: true,
    });
  });

  it("after leave, the token does not work; an unknown token neither", async () => {
    const room = uniqueRoom("resume-left");
    const mod = await join(room, "Mod");
    const part = await join(room, "Quinn");
    expect(await part.client.request({ type: "leave" })).toMatchObject({ type: "ok" });
    expect((await closeOf(part)).code).toBe(4000);
    const left = await mod.client.next(isType("participant.left"), 5000, "participant.left");
    expect(left).toMatchObject({ participantId: idOf(part), reason: "left" });
    const back = await knock(server.wsUrl, room, "Quinn", { resume: part.resume as string });
    opened.push(back);
    expect(back.reply).toMatchObject({ type: "error", code: "resume_expired" });
    const bogus = await knock(server.wsUrl, room, "Quinn", { resume: "not-a-token" });
    opened.push(bogus);
    expect(bogus.reply).toMatchObject({ type: "error", code: "resume_expired" });
    // Nothing reached the room.
    const seen = await receivedWithin(mark([mod]), [mod], QUIET_MS);
    expect(types(seen[mod.label] ?? [])).not.toContain("participant.joined");
    // The refused connection may join afresh as a new participant.
    const fresh = await knock(server.wsUrl, room, "Quinn");
    opened.push(fresh);
    expect(fresh.reply.type).toBe("joined");
    expect(fresh.reply.you.id).not.toBe(idOf(part));
  });
});

// Last: the server stayed healthy through all of it.
describeServerHealth();
