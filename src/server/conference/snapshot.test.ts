import { describe, expect, it } from "vitest";
import { ErrorCode } from "../../protocol/errors.js";
import { RESUME_WINDOW_MS } from "./door.js";
import { passwordMatches, sealPassword } from "./password.js";
import { enter, knock, makeRoom } from "./test-fakes.js";

/** A meeting carried to another node: its snapshot restored in a fresh room, its people coming back. */
describe("a meeting's snapshot", () => {
  it("carries settings, chat, hands, polls, roles, blocks and bars to a fresh room, and lets everyone back in as themselves", async () => {
    const held = makeRoom();
    const ada = await enter(held.room, "Ada", { key: "k-ada" }, 1);
    const bob = await enter(held.room, "Bob", { key: "k-bob" }, 2);
    const cy = await enter(held.room, "Cy", { key: "k-cy" }, 3);
    const eve = await enter(held.room, "Eve", { key: "k-eve" }, 4);
    held.room.configure({
      lobby: true,
      password: await sealPassword("secret"),
      e2ee: true,
      pollsByAnyone: true,
      recordingAllowed: false,
    });
    const poll = held.room.polls.create(
      ada,
      "Lunch?",
      ["Pizza", "Salad"],
      { multiple: false, anonymous: true },
      12,
    );
    held.room.polls.vote(bob, poll.id, [1]);
    held.room.chat.post(ada, "hello", "c1", undefined, 10);
    held.room.chat.post(bob, "hi", "c2", undefined, 11);
    held.room.hands.raise(cy.id, 20);
    held.room.hands.raise(bob.id, 21);
    bob.blocked.add("video");
    held.room.barred.add(eve, 30);
    held.room.leave(eve.id, "removed");
    held.room.leave(cy.id, "disconnected", 40); // dropped before the node was lost: may come back too

    const snapshot = JSON.parse(JSON.stringify(held.room.snapshot(50)));
    const fresh = makeRoom();
    fresh.room.takeOver(snapshot, 100);

    expect(fresh.room.settings()).toEqual({
      lobby: true,
      locked: true,
      e2ee: true,
      pollsByAnyone: true,
      recordingAllowed: false,
    });
    expect(fresh.room.password && (await passwordMatches(fresh.room.password, "secret"))).toBe(true);
    // Nobody is inside until they come back; newcomers still meet the password first.
    expect(fresh.room.size).toBe(0);
    await expect(knock(fresh.room, "Mallory", {}, 101)).rejects.toMatchObject({
      code: ErrorCode.PasswordRequired,
    });
    await expect(knock(fresh.room, "Eve", { key: "k-eve", password: "secret" }, 101)).rejects.toMatchObject({
      code: ErrorCode.Removed,
    });

    for (const [p, t] of [
      [ada, 110],
      [bob, 111],
      [cy, 112],
    ] as const) {
      expect(
        await knock(fresh.room, p.name, { resume: p.resumeToken, key: `k-${p.name.toLowerCase()}` }, t),
      ).toEqual({ id: p.id, state: "joined" });
    }
    expect(fresh.room.participant(ada.id)?.role).toBe("moderator");
    expect(fresh.room.participant(bob.id)?.role).toBe("participant");
    expect(fresh.room.participant(bob.id)?.blocked.has("video")).toBe(true);
    expect(fresh.room.hands.list().map((h) => h.participantId)).toEqual([cy.id, bob.id]);
    // The poll, its votes, and who voted: Bob's choice comes back to him, and he cannot vote again.
    expect(fresh.router.of(bob.id, "joined").at(-1)?.polls).toEqual([
      expect.objectContaining({ id: poll.id, anonymous: true, votes: [0, 1], voters: 1, mine: [1] }),
    ]);
    expect(() => fresh.room.polls.vote(bob, poll.id, [0])).toThrowError(
      expect.objectContaining({ code: ErrorCode.BadState }),
    );
    const joined = fresh.router.of(cy.id, "joined").at(-1);
    expect(joined?.chat.map((m) => [m.id, m.text])).toEqual([
      ["m_1", "hello"],
      ["m_2", "hi"],
    ]);
    // The numbering goes on, and a re-send of a message already delivered is dropped.
    expect(fresh.room.chat.post(ada, "hello", "c1", undefined, 120)).toBeNull();
    expect(fresh.room.chat.post(ada, "again", "c3", undefined, 121)?.id).toBe("m_3");
    // A hand raised after the move queues after the earlier ones, whatever the clocks say.
    fresh.room.leave(cy.id, "left");
    fresh.room.hands.raise(ada.id, 21);
    expect(fresh.room.hands.list().map((h) => h.participantId)).toEqual([bob.id, ada.id]);
  });

  it("gives those who were inside a full resume window from the takeover, and ends the meeting if nobody comes", async () => {
    const held = makeRoom();
    const ada = await enter(held.room, "Ada", {}, 1);
    const snapshot = held.room.snapshot(2);
    const fresh = makeRoom();
    const t0 = Date.now();
    fresh.room.takeOver(snapshot, t0);
    fresh.room.settle(t0);
    expect(fresh.room.door.lastReturnBy(t0)).toBe(t0 + RESUME_WINDOW_MS);
    await expect(
      knock(fresh.room, "Ada", { resume: ada.resumeToken }, t0 + RESUME_WINDOW_MS + 1),
    ).rejects.toMatchObject({ code: ErrorCode.ResumeExpired });
  });
});
