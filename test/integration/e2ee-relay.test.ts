/**
 * End-to-end encryption, the server's part (PROTOCOL.md "End-to-end encryption"), over raw WebSockets against
 * a real server: only a moderator turns it on, nobody turns it off, everyone (and a newcomer) is told; each
 * entry of an `e2ee.signal` reaches its one addressee as sent, with the sender's id set by the server, only
 * while E2EE is on, only between people in the meeting, within its size, shape and rate.
 */
import { describe, expect, it } from "vitest";
import { BUDGETS } from "../../src/server/conference/budgets.js";
import { waitInLobby } from "../helpers/room-clients.js";
import { type Member, socialHarness } from "../helpers/social-harness.js";
import { describeServerHealth } from "../helpers/suite-server.js";

const { server, sockets, freshRoom, logOnFailure, join, joinAll } = socialHarness("e2ee-relay");

const signal = (from: Member, to: string, payload: string) =>
  from.client.request({ type: "e2ee.signal", entries: [{ to, payload }] }, 10_000);
const turnOn = (m: Member) => m.client.request({ type: "room.configure", e2ee: true }, 10_000);

describe("end-to-end encryption on the server", () => {
  it("only a moderator turns it on; everyone and every newcomer is told; nobody turns it off", async () => {
    logOnFailure();
    const room = freshRoom("on");
    const [mod, ben] = (await joinAll(room, "Mod", "Ben")) as [Member, Member];
    expect(mod.joined.settings).toMatchObject({ e2ee: false });
    expect(await turnOn(ben)).toMatchObject({ type: "error", code: "forbidden" });
    expect(await turnOn(mod)).toMatchObject({ type: "ok" });
    for (const m of [mod, ben]) {
      const updated = await m.client.next(
        (x) => x.type === "room.updated",
        5000,
        `room.updated at ${m.name}`,
      );
      expect(updated.settings).toMatchObject({ e2ee: true });
    }
    const cat = await join(room, "Cat");
    expect(cat.joined.settings).toMatchObject({ e2ee: true });
    // Off is not a value the protocol has: refused before it reaches the room.
    const off = await mod.client.request({ type: "room.configure", e2ee: false }, 10_000);
    expect(off).toMatchObject({ type: "error", code: "bad_message" });
    const still = await join(room, "Dan");
    expect(still.joined.settings).toMatchObject({ e2ee: true });
  });

  it("relays each entry to its one addressee as sent, with the sender's id; nobody else hears it", async () => {
    logOnFailure();
    const room = freshRoom("relay");
    const [mod, ben, cat, dan] = (await joinAll(room, "Mod", "Ben", "Cat", "Dan")) as [
      Member,
      Member,
      Member,
      Member,
    ];
    // Not before it is on.
    expect(await signal(ben, cat.id, "aGVsbG8")).toMatchObject({ type: "error", code: "bad_state" });
    expect(await turnOn(mod)).toMatchObject({ type: "ok" });
    const forCat = `${"A".repeat(300)}.${"b-_9".repeat(50)}`;
    const forDan = "ZGFu";
    const before = mod.client.received.length;
    const sent = await ben.client.request(
      {
        type: "e2ee.signal",
        entries: [
          { to: cat.id, payload: forCat },
          { to: dan.id, payload: forDan },
          // Someone who left meanwhile, and oneself: passed over.
          { to: "p_gone", payload: "eA" },
          { to: ben.id, payload: "eA" },
        ],
      },
      10_000,
    );
    expect(sent).toMatchObject({ type: "ok" });
    expect(await cat.client.next((x) => x.type === "e2ee.signal", 5000, "the signal at Cat")).toEqual({
      type: "e2ee.signal",
      from: ben.id,
      payload: forCat,
    });
    expect(await dan.client.next((x) => x.type === "e2ee.signal", 5000, "the signal at Dan")).toEqual({
      type: "e2ee.signal",
      from: ben.id,
      payload: forDan,
    });
    expect(await ben.client.arrivesWithin((x) => x.type === "e2ee.signal", 500)).toBe(false);
    expect(mod.client.received.slice(before).some((x) => x.type === "e2ee.signal")).toBe(false);
    expect(cat.client.received.filter((x) => x.type === "e2ee.signal")).toHaveLength(1);
    // A `from` of the sender's own making is not a field the message has.
    expect(
      await ben.client.request(
        { type: "e2ee.signal", entries: [{ to: cat.id, payload: "eA", from: mod.id }] },
        10_000,
      ),
    ).toMatchObject({ type: "error", code: "bad_message" });
  });

  it("refuses what is too big or not base64url, and relays nothing to or from the lobby", async () => {
    logOnFailure();
    const room = freshRoom("bounds");
    const [mod, ben] = (await joinAll(room, "Mod", "Ben")) as [Member, Member];
    expect(await turnOn(mod)).toMatchObject({ type: "ok" });
    for (const payload of ["x".repeat(513), "", "not base64!", "<script>", "a b"])
      expect(await signal(ben, mod.id, payload), JSON.stringify(payload).slice(0, 40)).toMatchObject({
        type: "error",
        code: "bad_message",
      });
    const entries = (n: number) => Array.from({ length: n }, () => ({ to: mod.id, payload: "eA" }));
    expect(await ben.client.request({ type: "e2ee.signal", entries: entries(201) }, 10_000)).toMatchObject({
      type: "error",
      code: "bad_message",
    });
    expect(await ben.client.request({ type: "e2ee.signal", entries: [] }, 10_000)).toMatchObject({
      type: "error",
      code: "bad_message",
    });
    // Someone waiting in the lobby is not in the meeting: neither a sender nor an addressee.
    expect(await mod.client.request({ type: "room.configure", lobby: true }, 10_000)).toMatchObject({
      type: "ok",
    });
    const waiter = await waitInLobby(server.wsUrl, room, "Eve");
    sockets.push(waiter.client);
    const knock = await mod.client.next((x) => x.type === "lobby.knock", 5000, "Eve's knock");
    const waiterId = knock.entry.id as string;
    expect(await signal(ben, waiterId, "eA")).toMatchObject({ type: "ok" });
    expect(await waiter.client.arrivesWithin((x) => x.type === "e2ee.signal", 500)).toBe(false);
    expect(
      await waiter.client.request({ type: "e2ee.signal", entries: [{ to: mod.id, payload: "eA" }] }, 10_000),
    ).toMatchObject({ type: "error", code: "forbidden" });
  });

  it("holds a sender to its budget of encryption messages", async () => {
    logOnFailure();
    const room = freshRoom("budget");
    const [mod, ben] = (await joinAll(room, "Mod", "Ben")) as [Member, Member];
    expect(await turnOn(mod)).toMatchObject({ type: "ok" });
    const max = BUDGETS.keys.max;
    // Paced under the socket's own rate limit (30 a second), so that the budget is what refuses.
    const replies = [];
    for (let i = 0; i < max + 5; i++) {
      replies.push(await signal(ben, mod.id, "eA"));
      await new Promise((resolve) => setTimeout(resolve, 40));
    }
    const refused = replies.filter((r) => r.type === "error");
    expect(replies.filter((r) => r.type === "ok")).toHaveLength(max);
    expect(refused.length).toBe(5);
    for (const r of refused) expect(r.code).toBe("too_many_attempts");
  });
});

describeServerHealth(server);
