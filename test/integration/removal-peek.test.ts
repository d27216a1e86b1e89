/**
 * Over raw WebSockets against a real server and Janus: a removal bars the browser's meeting key for the rest of
 * the meeting (until a moderator allows it back) and carries its reason; `room.peek` tells a count and creates
 * nothing; names lose the invisible characters that would let one pass for another.
 */
import { describe, expect, it } from "vitest";
import { isType, uniqueRoom } from "../helpers/room-clients.js";
import { roomHarness } from "../helpers/room-harness.js";
import { RawClient } from "../helpers/ws-client.js";

const { server, join, attempt, describeServerHealth } = roomHarness("removal-peek");
const KEY = `${"k".repeat(16)}Browser_1`;

describe("a removal", () => {
  it("carries its reason, bars the browser's key, shows in the moderators' list, and can be lifted", async () => {
    const room = uniqueRoom("bar");
    const mod = await join(room, "Mod");
    const guest = await attempt(room, "Guest", { key: KEY });
    expect(guest.reply.type).toBe("joined");
    expect(
      await mod.client.request({ type: "moderate.remove", participantId: guest.id, reason: " Hors sujet " }),
    ).toMatchObject({ type: "ok" });
    expect(await guest.client.next(isType("moderation.removed"), 5000, "removed")).toMatchObject({
      reason: "Hors sujet",
    });
    const list = await mod.client.next(isType("barred.list"), 5000, "barred.list");
    expect(list.entries).toEqual([{ id: guest.id, name: "Guest", at: expect.any(Number) }]);
    // The same browser (key) is refused, with or without a new name; another browser is not.
    const again = await attempt(room, "Someone Else", { key: KEY });
    expect(again.reply).toMatchObject({ type: "error", code: "removed" });
    const other = await attempt(room, "Other", { key: `${KEY}2` });
    expect(other.reply.type).toBe("joined");
    // A moderator lets them back.
    expect(await mod.client.request({ type: "moderate.allow", participantId: guest.id })).toMatchObject({
      type: "ok",
    });
    expect((await mod.client.next(isType("barred.list"), 5000, "list after allow")).entries).toEqual([]);
    const back = await attempt(room, "Guest", { key: KEY });
    expect(back.reply.type).toBe("joined");
    expect(await mod.client.request({ type: "moderate.allow", participantId: guest.id })).toMatchObject({
      code: "not_found",
    });
  });

  it("is listed to a moderator promoted later, and only moderators may lift it", async () => {
    const room = uniqueRoom("bar-list");
    const mod = await join(room, "Mod");
    const part = await join(room, "Part");
    const guest = await attempt(room, "Guest", { key: KEY });
    await mod.client.request({ type: "moderate.remove", participantId: guest.id });
    expect(await part.client.request({ type: "moderate.allow", participantId: guest.id })).toMatchObject({
      code: "forbidden",
    });
    await mod.client.request({ type: "moderate.grant", participantId: part.id });
    const list = await part.client.next(isType("barred.list"), 5000, "list on promotion");
    expect(list.entries.map((e: { name: string }) => e.name)).toEqual(["Guest"]);
  });
});

describe("room.peek", () => {
  it("tells how many are in a meeting, before joining, and creates no room", async () => {
    const room = uniqueRoom("peek");
    const peeker = await RawClient.connect(server.wsUrl);
    expect(await peeker.request({ type: "room.peek", room })).toMatchObject({
      type: "room.info",
      participants: 0,
    });
    await join(room, "One");
    await join(room, "Two");
    expect(await peeker.request({ type: "room.peek", room: room.toUpperCase() })).toMatchObject({
      participants: 2,
    });
    const fresh = uniqueRoom("peek-none");
    await peeker.request({ type: "room.peek", room: fresh });
    // Nothing was created: the first to join is its moderator, in a room with default settings.
    const first = await join(fresh, "First");
    expect(first.reply.you.role).toBe("moderator");
    peeker.close();
  });
});

describe("names", () => {
  it("lose invisible characters: 'Ad\\u200bmin' is 'Admin', a name of fillers only is empty", async () => {
    const room = uniqueRoom("names");
    const p = await join(room, "Ad\u200bmin\u00ad");
    expect(p.reply.you.name).toBe("Admin");
    const blank = await attempt(room, "\u3164\u200b");
    expect(blank.reply).toMatchObject({ type: "error", code: "bad_message" });
    const emoji = await join(room, "👩\u200d💻 Dev");
    expect(emoji.reply.you.name).toBe("👩\u200d💻 Dev");
  });
});

describeServerHealth();
