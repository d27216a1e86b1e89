import { describe, expect, it } from "vitest";
import { CloseCode, ErrorCode } from "../../protocol/errors.js";
import { RESUME_WINDOW_MS } from "./door.js";
import { client, enter, knock, makeRoom } from "./test-fakes.js";
import { WindowLimiter } from "./window-limiter.js";

describe("Door: lobby", () => {
  it("keeps a newcomer waiting, tells moderators, and lets them in on admit", () => {
    const { room, router } = makeRoom();
    const mod = enter(room, "Ada", {}, 1);
    room.configure({ lobby: true });
    const outcome = knock(room, "Bob", {}, 2);
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

  it("refuses entry on deny, closing with 4003", () => {
    const { room, router } = makeRoom({ lobbyByDefault: true });
    enter(room, "Ada", {}, 1); // the first one in is moderator and not held at the door
    const waiting = knock(room, "Bob", {}, 2);
    room.door.deny(waiting.id);
    expect(router.last(waiting.id)).toEqual({ type: "lobby.denied" });
    expect(router.closed.get(waiting.id)).toBe(CloseCode.Denied);
    expect(room.standingOf(waiting.id)).toBeUndefined();
  });

  it("answers not_found for someone who is not waiting", () => {
    const { room } = makeRoom();
    enter(room, "Ada", {}, 1);
    expect(() => room.door.admit("p_nobody")).toThrowError(
      expect.objectContaining({ code: ErrorCode.NotFound }),
    );
  });

  it("closes waiting connections with 4005 when the meeting empties", () => {
    const { room, router } = makeRoom({ lobbyByDefault: true });
    const mod = enter(room, "Ada", {}, 1);
    const waiting = knock(room, "Bob", {}, 2);
    room.leave(mod.id, "left");
    expect(router.closed.get(waiting.id)).toBe(CloseCode.MeetingEnded);
  });
});

describe("Door: password", () => {
  it("asks for it, refuses a wrong one, accepts the right one", () => {
    const { room } = makeRoom();
    enter(room, "Ada", {}, 1);
    room.configure({ password: "open sesame" });
    expect(() => knock(room, "Bob")).toThrowError(
      expect.objectContaining({ code: ErrorCode.PasswordRequired }),
    );
    expect(() => knock(room, "Bob", { password: "nope" })).toThrowError(
      expect.objectContaining({ code: ErrorCode.PasswordWrong }),
    );
    expect(knock(room, "Bob", { password: "open sesame" }).state).toBe("joined");
  });

  it("counts wrong passwords per connection and per address, never per room: a guesser slows only itself", () => {
    const { room } = makeRoom();
    enter(room, "Ada", {}, 0);
    room.configure({ password: "right" });
    const eve = client("198.51.100.7");
    for (let i = 0; i < 5; i++) {
      expect(() => knock(room, "Eve", { password: "wrong", client: eve }, 1000 + i)).toThrowError(
        expect.objectContaining({ code: ErrorCode.PasswordWrong }),
      );
    }
    // The same connection is stopped, even with the right password, for a minute.
    expect(() => knock(room, "Eve", { password: "right", client: eve }, 2000)).toThrowError(
      expect.objectContaining({ code: ErrorCode.TooManyAttempts }),
    );
    // An invited guest, elsewhere, gets in at the first try.
    expect(knock(room, "Bob", { password: "right", client: client("203.0.113.9") }, 2000).state).toBe(
      "joined",
    );
    expect(knock(room, "Eve", { password: "right", client: eve }, 61_005).state).toBe("joined");
  });

  it("stops an address whose connections together sent too many wrong passwords", () => {
    const { room } = makeRoom();
    enter(room, "Ada", {}, 0);
    room.configure({ password: "right" });
    const shared = new WindowLimiter(30, 60_000);
    const fromEve = () => ({ ...client("198.51.100.7"), addressPasswordFailures: shared });
    for (let i = 0; i < 30; i++) {
      expect(() => knock(room, "Eve", { password: `no${i}`, client: fromEve() }, 1000)).toThrowError(
        expect.objectContaining({ code: ErrorCode.PasswordWrong }),
      );
    }
    expect(() => knock(room, "Eve", { password: "right", client: fromEve() }, 1001)).toThrowError(
      expect.objectContaining({ code: ErrorCode.TooManyAttempts }),
    );
  });
});

describe("Door: waiters", () => {
  it("counts waiters apart from participants, and caps them in all and per address", () => {
    const { room } = makeRoom({ maxParticipants: 3, maxWaiting: 5, maxWaitingPerAddress: 2 });
    const ada = enter(room, "Ada", {}, 0);
    room.configure({ lobby: true });
    const stranger = "198.51.100.66";
    expect(knock(room, "S1", { client: client(stranger) }).state).toBe("waiting");
    expect(knock(room, "S2", { client: client(stranger) }).state).toBe("waiting");
    expect(() => knock(room, "S3", { client: client(stranger) })).toThrowError(
      expect.objectContaining({ code: ErrorCode.LobbyFull }),
    );
    // The invited guest still knocks, and is let in: the strangers took no participant's place.
    const guest = knock(room, "Guest", { client: client("203.0.113.1") });
    expect(guest.state).toBe("waiting");
    room.door.admit(guest.id);
    expect(room.participant(guest.id)).toBeDefined();
    for (const a of ["203.0.113.2", "203.0.113.3", "203.0.113.4"]) knock(room, "G", { client: client(a) });
    expect(() => knock(room, "G", { client: client("203.0.113.5") })).toThrowError(
      expect.objectContaining({ code: ErrorCode.LobbyFull }),
    );
    expect(room.size).toBe(2);
    expect(ada.role).toBe("moderator");
  });

  it("refuses to admit past the participant limit, and admit-all stops there", () => {
    const { room } = makeRoom({ maxParticipants: 2 });
    enter(room, "Ada", {}, 0);
    room.configure({ lobby: true });
    const w = [1, 2, 3].map((i) => knock(room, `W${i}`, { client: client(`203.0.113.${i}`) }));
    room.door.admitAll();
    expect(room.size).toBe(2);
    expect(room.lobby.size).toBe(2);
    expect(() => room.door.admit((w[2] as { id: string }).id)).toThrowError(
      expect.objectContaining({ code: ErrorCode.RoomFull }),
    );
  });
});

describe("Door: resume", () => {
  it("brings a disconnected participant back with its id, role and place in the hand queue", () => {
    const { room, router } = makeRoom();
    const a = enter(room, "Ada", {}, 1);
    const b = enter(room, "Bob", {}, 2);
    const c = enter(room, "Cy", {}, 3);
    room.hands.raise(b.id, 10);
    room.hands.raise(c.id, 11);
    room.leave(b.id, "disconnected");
    expect(room.hands.list().map((h) => h.participantId)).toEqual([c.id]);
    const back = knock(room, "Bob", { resume: b.resumeToken }, 20);
    expect(back).toEqual({ id: b.id, state: "joined" });
    expect(room.hands.list().map((h) => h.participantId)).toEqual([b.id, c.id]);
    expect(
      router
        .of(a.id, "hands")
        .at(-1)
        ?.queue.map((h) => h.participantId),
    ).toEqual([b.id, c.id]);
  });

  it("refuses an unknown token, a used one, an expired one, and one of someone who left on purpose", () => {
    const { room } = makeRoom();
    enter(room, "Ada", {}, 1);
    const b = enter(room, "Bob", {}, 2);
    const c = enter(room, "Cy", {}, 3);
    expect(() => knock(room, "X", { resume: "nope" })).toThrowError(
      expect.objectContaining({ code: ErrorCode.ResumeExpired }),
    );
    room.leave(b.id, "disconnected");
    knock(room, "Bob", { resume: b.resumeToken }, 10);
    expect(() => knock(room, "Bob", { resume: b.resumeToken }, 11)).toThrowError(
      expect.objectContaining({ code: ErrorCode.ResumeExpired }),
    );
    room.leave(c.id, "left");
    expect(() => knock(room, "Cy", { resume: c.resumeToken }, 12)).toThrowError(
      expect.objectContaining({ code: ErrorCode.ResumeExpired }),
    );
    const d = enter(room, "Di", {}, 13);
    room.leave(d.id, "disconnected", 14);
    expect(() => knock(room, "Di", { resume: d.resumeToken }, 14 + RESUME_WINDOW_MS + 1)).toThrowError(
      expect.objectContaining({ code: ErrorCode.ResumeExpired }),
    );
  });
});
