import { describe, expect, it } from "vitest";
import { CloseCode, ErrorCode } from "../../protocol/errors.js";
import * as moderation from "./moderation.js";
import { authorize } from "./permissions.js";
import { enter, knock, makeRoom } from "./test-fakes.js";

describe("moderation", () => {
  it("mutes on the target's screen, for everyone, and in the media server; only the target lifts it", async () => {
    const { room, router, media } = makeRoom();
    const mod = await enter(room, "Ada", {}, 1);
    const b = await enter(room, "Bob", {}, 2);
    moderation.mute(room, mod, b.id, "audio");
    expect(router.of(b.id, "moderation.muted")).toEqual([
      { type: "moderation.muted", kind: "audio", by: mod.id },
    ]);
    expect(router.of(mod.id, "participant.updated").at(-1)).toMatchObject({
      participant: { id: b.id, audio: false },
    });
    expect(media.blocks).toEqual([`${b.id}:audio:true`]);
    room.setMediaState(b.id, { audio: true, video: true });
    expect(media.blocks).toEqual([`${b.id}:audio:true`, `${b.id}:audio:false`]);
  });

  it("mutes everyone but the moderator who asked", async () => {
    const { room, media } = makeRoom();
    const mod = await enter(room, "Ada", {}, 1);
    const b = await enter(room, "Bob", {}, 2);
    const c = await enter(room, "Cy", {}, 3);
    moderation.muteAll(room, mod, "audio");
    expect(media.blocks.sort()).toEqual([`${b.id}:audio:true`, `${c.id}:audio:true`].sort());
    expect(mod.audio).toBe(true);
  });

  it("removes: tells the target, closes it with 4004, tells the others 'removed'", async () => {
    const { room, router } = makeRoom();
    const mod = await enter(room, "Ada", {}, 1);
    const b = await enter(room, "Bob", {}, 2);
    moderation.remove(room, mod, b.id);
    expect(router.of(b.id, "moderation.removed")).toHaveLength(1);
    expect(router.closed.get(b.id)).toBe(CloseCode.Removed);
    expect(router.last(mod.id)).toEqual({ type: "participant.left", participantId: b.id, reason: "removed" });
    await expect(knock(room, "Bob", { resume: b.resumeToken })).rejects.toThrowError(
      expect.objectContaining({ code: ErrorCode.ResumeExpired }),
    );
  });

  it("grants moderator: everyone sees the role, the new moderator gets the lobby list", async () => {
    const { room, router } = makeRoom();
    await enter(room, "Ada", {}, 1);
    const b = await enter(room, "Bob", {}, 2);
    moderation.grant(room, b.id);
    expect(b.role).toBe("moderator");
    expect(router.types(b.id)).toContain("lobby.list");
  });

  it("answers not_found for a target who is not in the room", async () => {
    const { room } = makeRoom();
    const mod = await enter(room, "Ada", {}, 1);
    expect(() => moderation.mute(room, mod, "p_gone", "audio")).toThrowError(
      expect.objectContaining({ code: ErrorCode.NotFound }),
    );
  });
});

describe("authorize", () => {
  const forbidden = expect.objectContaining({ code: ErrorCode.Forbidden });

  it("lets participants act for themselves but not moderate", async () => {
    expect(() => authorize("participant", "chat.send")).not.toThrow();
    expect(() => authorize("participant", "hand.raise")).not.toThrow();
    for (const action of [
      "moderate.mute",
      "moderate.remove",
      "moderate.grant",
      "lobby.admit",
      "room.configure",
      "floor.give",
      "hand.lower_all",
    ] as const) {
      expect(() => authorize("participant", action)).toThrowError(forbidden);
      expect(() => authorize("moderator", action)).not.toThrow();
    }
  });

  it("lets someone in the lobby do nothing but cancel, leave and ping", async () => {
    for (const action of [
      "publish",
      "subscribe.answer",
      "trickle",
      "media.state",
      "chat.send",
      "hand.raise",
      "reaction.send",
    ] as const) {
      expect(() => authorize("lobby", action)).toThrowError(forbidden);
    }
    expect(() => authorize("lobby", "lobby.cancel")).not.toThrow();
    expect(() => authorize("lobby", "leave")).not.toThrow();
    expect(() => authorize("participant", "lobby.cancel")).toThrowError(forbidden);
  });
});
