import { describe, expect, it } from "vitest";
import { CloseCode, ErrorCode } from "../../protocol/errors.js";
import { RESUME_WINDOW_MS } from "./door.js";
import { sealPassword } from "./password.js";
import { client, enter, knock, makeRoom } from "./test-fakes.js";
import { WindowLimiter } from "./window-limiter.js";

describe("Door: lobby", () => {
  it("keeps a newcomer waiting, tells moderators, and lets them in on admit", async () => {
    const { room, router } = makeRoom();
    const mod = await enter(room, "Ada", {}, 1);
    room.configure({ lobby: true });
    const outcome = await knock(room, "Bob", {}, 2);
    expect(outcome.state).toBe("waiting");
    expect(room.standingOf(outcome.id)).toBe("lobby");
    expect(router.types(outcome.id)).toEqual(["lobby.waiting"]);
    expect(router.last(mod.id)).toEqual({
      type: "lobby.knock",
      entry: { id: outcome.id, name: "Bob", since: 2 },
    });

    room.door.admit(outcome.id, 3);
    expect(room.standingOf(outcome.id)).toBe("participant");
    expect(router.types(outcome.id)).toEqual(["lobby.waiting", "joined"]);
    expect(router.of(mod.id, "lobby.resolved")).toEqual([
      { type: "lobby.resolved", participantId: outcome.id, outcome: "admitted" },
    ]);
  });

  it("refuses entry on deny, closing with 4003", async () => {
    const { room, router } = makeRoom({ lobbyByDefault: true });
    await enter(room, "Ada", {}, 1); // the first one in is moderator and not held at the door
    const waiting = await knock(room, "Bob", {}, 2);
    room.door.deny(waiting.id);
    expect(router.last(waiting.id)).toEqual({ type: "lobby.denied" });
    expect(router.closed.get(waiting.id)).toBe(CloseCode.Denied);
    expect(room.standingOf(waiting.id)).toBeUndefined();
  });

  it("answers not_found for someone who is not waiting", async () => {
    const { room } = makeRoom();
    await enter(room, "Ada", {}, 1);
    expect(() => room.door.admit("p_nobody")).toThrowError(
      expect.objectContaining({ code: ErrorCode.NotFound }),
    );
  });

  it("closes waiting connections with 4005 when the meeting empties", async () => {
    const { room, router } = makeRoom({ lobbyByDefault: true });
    const mod = await enter(room, "Ada", {}, 1);
    const waiting = await knock(room, "Bob", {}, 2);
    room.leave(mod.id, "left");
    expect(router.closed.get(waiting.id)).toBe(CloseCode.MeetingEnded);
  });
});

describe("Door: password", () => {
  it("asks for it, refuses a wrong one, accepts the right one", async () => {
    const { room } = makeRoom();
    await enter(room, "Ada", {}, 1);
    room.configure({ password: await sealPassword("open sesame") });
    await expect(knock(room, "Bob")).rejects.toThrowError(
      expect.objectContaining({ code: ErrorCode.PasswordRequired }),
    );
    await expect(knock(room, "Bob", { password: "nope" })).rejects.toThrowError(
      expect.objectContaining({ code: ErrorCode.PasswordWrong }),
    );
    expect((await knock(room, "Bob", { password: "open sesame" })).state).toBe("joined");
  });

  it("counts wrong passwords per connection and per address, never per room: a guesser slows only itself", async () => {
    const { room } = makeRoom();
    await enter(room, "Ada", {}, 0);
    room.configure({ password: await sealPassword("right") });
    const eve = client("198.51.100.7");
    for (let i = 0; i < 5; i++) {
      await expect(knock(room, "Eve", { password: "wrong", client: eve }, 1000 + i)).rejects.toThrowError(
        expect.objectContaining({ code: ErrorCode.PasswordWrong }),
      );
    }
    // The same connection is stopped, even with the right password, for a minute.
    await expect(knock(room, "Eve", { password: "right", client: eve }, 2000)).rejects.toThrowError(
      expect.objectContaining({ code: ErrorCode.TooManyAttempts }),
    );
    // An invited guest, elsewhere, gets in at the first try.
    expect((await knock(room, "Bob", { password: "right", client: client("203.0.113.9") }, 2000)).state).toBe(
      "joined",
    );
    expect((await knock(room, "Eve", { password: "right", client: eve }, 61_005)).state).toBe("joined");
  });

  it("stops an address whose connections together sent too many wrong passwords", async () => {
    const { room } = makeRoom();
    await enter(room, "Ada", {}, 0);
    room.configure({ password: await sealPassword("right") });
    const shared = new WindowLimiter(30, 60_000);
    const fromEve = () => ({ ...client("198.51.100.7"), addressPasswordFailures: shared });
    for (let i = 0; i < 30; i++) {
      await expect(knock(room, "Eve", { password: `no${i}`, client: fromEve() }, 1000)).rejects.toThrowError(
        expect.objectContaining({ code: ErrorCode.PasswordWrong }),
      );
    }
    await expect(knock(room, "Eve", { password: "right", client: fromEve() }, 1001)).rejects.toThrowError(
      expect.objectContaining({ code: ErrorCode.TooManyAttempts }),
    );
  });
});

describe("Door: waiters", () => {
  it("counts waiters apart from participants, and caps them in all and per address", async () => {
    const { room } = makeRoom({ maxParticipants: 3, maxWaiting: 5, maxWaitingPerAddress: 2 });
    const ada = await enter(room, "Ada", {}, 0);
    room.configure({ lobby: true });
    const stranger = "198.51.100.66";
    expect((await knock(room, "S1", { client: client(stranger) })).state).toBe("waiting");
    expect((await knock(room, "S2", { client: client(stranger) })).state).toBe("waiting");
    await expect(knock(room, "S3", { client: client(stranger) })).rejects.toThrowError(
      expect.objectContaining({ code: ErrorCode.LobbyFull }),
    );
    // The invited guest still knocks, and is let in: the strangers took no participant's place.
    const guest = await knock(room, "Guest", { client: client("203.0.113.1") });
    expect(guest.state).toBe("waiting");
    room.door.admit(guest.id);
    expect(room.participant(guest.id)).toBeDefined();
    for (const a of ["203.0.113.2", "203.0.113.3", "203.0.113.4"])
      await knock(room, "G", { client: client(a) });
    await expect(knock(room, "G", { client: client("203.0.113.5") })).rejects.toThrowError(
      expect.objectContaining({ code: ErrorCode.LobbyFull }),
    );
    expect(room.size).toBe(2);
    expect(ada.role).toBe("moderator");
  });

  it("refuses to admit past the participant limit, and admit-all stops there", async () => {
    const { room } = makeRoom({ maxParticipants: 2 });
    await enter(room, "Ada", {}, 0);
    room.configure({ lobby: true });
    const w: { id: string }[] = [];
    for (const i of [1, 2, 3]) w.push(await knock(room, `W${i}`, { client: client(`203.0.113.${i}`) }));
    room.door.admitAll();
    expect(room.size).toBe(2);
    expect(room.lobby.size).toBe(2);
    expect(() => room.door.admit((w[2] as { id: string }).id)).toThrowError(
      expect.objectContaining({ code: ErrorCode.RoomFull }),
    );
  });
});

describe("Door: resume", () => {
  it("brings a disconnected participant back with its id, role and place in the hand queue", async () => {
    const { room, router } = makeRoom();
    const a = await enter(room, "Ada", {}, 1);
    const b = await enter(room, "Bob", {}, 2);
    const c = await enter(room, "Cy", {}, 3);
    room.hands.raise(b.id, 10);
    room.hands.raise(c.id, 11);
    room.leave(b.id, "disconnected");
    expect(room.hands.list().map((h) => h.participantId)).toEqual([c.id]);
    const back = await knock(room, "Bob", { resume: b.resumeToken }, 20);
    expect(back).toEqual({ id: b.id, state: "joined" });
    expect(room.hands.list().map((h) => h.participantId)).toEqual([b.id, c.id]);
    expect(
      router
        .of(a.id, "hands")
        .at(-1)
        ?.queue.map((h) => h.participantId),
    ).toEqual([b.id, c.id]);
  });

  it("refuses an unknown token, a used one, an expired one, and one of someone who left on purpose", async () => {
    const { room } = makeRoom();
    await enter(room, "Ada", {}, 1);
    const b = await enter(room, "Bob", {}, 2);
    const c = await enter(room, "Cy", {}, 3);
    await expect(knock(room, "X", { resume: "nope" })).rejects.toThrowError(
      expect.objectContaining({ code: ErrorCode.ResumeExpired }),
    );
    room.leave(b.id, "disconnected");
    await knock(room, "Bob", { resume: b.resumeToken }, 10);
    await expect(knock(room, "Bob", { resume: b.resumeToken }, 11)).rejects.toThrowError(
      expect.objectContaining({ code: ErrorCode.ResumeExpired }),
    );
    room.leave(c.id, "left");
    await expect(knock(room, "Cy", { resume: c.resumeToken }, 12)).rejects.toThrowError(
      expect.objectContaining({ code: ErrorCode.ResumeExpired }),
    );
    const d = await enter(room, "Di", {}, 13);
    room.leave(d.id, "disconnected", 14);
    await expect(
      knock(room, "Di", { resume: d.resumeToken }, 14 + RESUME_WINDOW_MS + 1),
    ).rejects.toThrowError(expect.objectContaining({ code: ErrorCode.ResumeExpired }));
  });
});
