import { describe, expect, it } from "vitest";
import { ErrorCode } from "../../protocol/errors.js";
import { enter, makeRoom } from "./test-fakes.js";

describe("Room membership", () => {
  it("makes the first participant moderator and the next ones participants", async () => {
    const { room } = makeRoom();
    expect((await enter(room, "Ada", {}, 1)).role).toBe("moderator");
    expect((await enter(room, "Bob", {}, 2)).role).toBe("participant");
  });

  it("tells the others of a join, and gives the newcomer everyone else in `joined`", async () => {
    const { room, router } = makeRoom();
    const a = await enter(room, "Ada", {}, 1);
    const b = await enter(room, "Bob", {}, 2);
    expect(router.types(a.id)).toEqual(["joined", "lobby.list", "participant.joined"]);
    const joined = router.of(b.id, "joined")[0];
    expect(joined?.participants.map((p) => p.name)).toEqual(["Ada"]);
    expect(joined?.resume).toBe(b.resumeToken);
  });

  it("announces a newcomer with the microphone and camera state it joined with", async () => {
    const { room, router } = makeRoom();
    const a = await enter(room, "Ada", {}, 1);
    await enter(room, "Bob", { audio: false, video: true }, 2);
    expect(router.of(a.id, "participant.joined")[0]).toMatchObject({
      participant: { name: "Bob", audio: false, video: true },
    });
  });

  it("broadcasts a media state change to everyone, once", async () => {
    const { room, router } = makeRoom();
    const a = await enter(room, "Ada", {}, 1);
    const b = await enter(room, "Bob", {}, 2);
    room.setMediaState(b.id, { audio: false, video: true });
    room.setMediaState(b.id, { audio: false, video: true });
    const updates = router.of(a.id, "participant.updated");
    expect(updates).toHaveLength(1);
    expect(updates[0]).toMatchObject({ participant: { id: b.id, audio: false, video: true } });
  });

  it("tells the media plane which devices a participant has on, at entry and on each change", async () => {
    const { room, media } = makeRoom();
    const b = await enter(room, "Bob", { audio: false, video: true }, 1);
    room.setMediaState(b.id, { audio: true, video: true });
    expect(media.devices).toEqual([`${b.id}:false:true`, `${b.id}:true:true`]);
  });

  it("removes a leaver from the media and tells the others why", async () => {
    const { room, router, media } = makeRoom();
    const a = await enter(room, "Ada", {}, 1);
    const b = await enter(room, "Bob", {}, 2);
    room.leave(b.id, "disconnected");
    expect(media.removed).toEqual([b.id]);
    expect(router.last(a.id)).toEqual({
      type: "participant.left",
      participantId: b.id,
      reason: "disconnected",
    });
  });

  it("promotes the longest-present participant when the last moderator leaves", async () => {
    const { room, router } = makeRoom();
    const a = await enter(room, "Ada", {}, 1);
    const b = await enter(room, "Bob", {}, 2);
    const c = await enter(room, "Cy", {}, 3);
    room.leave(a.id, "left");
    expect(b.role).toBe("moderator");
    expect(c.role).toBe("participant");
    expect(router.of(c.id, "participant.updated").at(-1)).toMatchObject({
      participant: { id: b.id, role: "moderator" },
    });
    expect(router.types(b.id)).toContain("lobby.list");
  });

  it("tells a newcomer who is speaking right now, and never a muted speaker", async () => {
    const { room, router } = makeRoom();
    const a = await enter(room, "Ada", {}, 1);
    const b = await enter(room, "Bob", { audio: false }, 2);
    room.talking(a.id, true);
    room.talking(b.id, true); // muted: not speaking
    const c = await enter(room, "Cy", {}, 3);
    expect(router.of(c.id, "speaking")).toEqual([{ type: "speaking", participantId: a.id, speaking: true }]);
    room.talking(a.id, false);
    const d = await enter(room, "Di", {}, 4);
    expect(router.of(d.id, "speaking")).toEqual([]);
  });

  it("closes itself and its media when the last participant leaves", async () => {
    const { room, media, closedCount } = makeRoom();
    const a = await enter(room, "Ada", {}, 1);
    room.leave(a.id, "left");
    await Promise.resolve();
    expect(room.closed).toBe(true);
    expect(closedCount()).toBe(1);
    expect(media.closedCount).toBe(1);
  });

  it("refuses a participant over the limit with room_full and stays unchanged", async () => {
    const { room } = makeRoom({ maxParticipants: 2 });
    await enter(room, "Ada", {}, 1);
    await enter(room, "Bob", {}, 2);
    await expect(enter(room, "Cy", {}, 3)).rejects.toThrowError(
      expect.objectContaining({ code: ErrorCode.RoomFull }),
    );
    expect(room.size).toBe(2);
  });

  it("refuses actions on someone not in the room with not_found", async () => {
    const { room } = makeRoom();
    await enter(room, "Ada", {}, 1);
    expect(() => room.setMediaState("p_nobody", { audio: true, video: true })).toThrowError(
      expect.objectContaining({ code: ErrorCode.NotFound }),
    );
  });

  it("ends every connection when closed with a code", async () => {
    const { room, router } = makeRoom();
    const a = await enter(room, "Ada", {}, 1);
    const b = await enter(room, "Bob", {}, 2);
    await room.close(4002, "media server restarted");
    expect(router.closed.get(a.id)).toBe(4002);
    expect(router.closed.get(b.id)).toBe(4002);
    expect(room.size).toBe(0);
  });
});
