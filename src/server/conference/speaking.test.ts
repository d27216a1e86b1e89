/**
 * `speaking` across mutes. Janus's talk detection says "talking" / "stopped-talking" only on a change, judged
 * from the packets it gets; a muted microphone sends none, so Janus keeps its last word through the mute. The
 * room must show the talker again on unmute when that word was "talking" (Janus will not repeat it), and must
 * forget it when Janus does (a hangup frees the feed's streams, a lost media server all of them).
 */
import { describe, expect, it } from "vitest";
import { enter, FakeMedia, makeRoom } from "./test-fakes.js";

describe("speaking across mutes", () => {
  it("a mute stops the speaking; unmuting while Janus still hears talking shows it again, after the update", async () => {
    const { room, router } = makeRoom();
    const a = await enter(room, "Ada");
    const b = await enter(room, "Bob");
    room.talking(b.id, true);
    room.setMediaState(b.id, { audio: false, video: true });
    room.setMediaState(b.id, { audio: true, video: true });
    const seen = (router.inbox.get(a.id) ?? []).filter(
      (m) => m.type === "speaking" || m.type === "participant.updated",
    );
    expect(
      seen.map((m) => (m.type === "speaking" ? `speaking:${m.speaking}` : `audio:${m.participant.audio}`)),
    ).toEqual(["speaking:true", "audio:false", "speaking:false", "audio:true", "speaking:true"]);
    // A newcomer is told too.
    const c = await enter(room, "Cy");
    expect(router.of(c.id, "speaking")).toEqual([{ type: "speaking", participantId: b.id, speaking: true }]);
  });

  it("does so after any number of mutes, and tells nothing while muted", async () => {
    const { room, router } = makeRoom();
    const a = await enter(room, "Ada");
    const b = await enter(room, "Bob");
    room.talking(b.id, true);
    for (let i = 0; i < 3; i++) {
      room.setMediaState(b.id, { audio: false, video: true });
      const c = await enter(room, `Cy${i}`);
      expect(router.of(c.id, "speaking"), "a newcomer while Bob is muted").toEqual([]);
      room.setMediaState(b.id, { audio: true, video: true });
    }
    expect(router.of(a.id, "speaking").map((m) => m.speaking)).toEqual([
      true,
      false,
      true,
      false,
      true,
      false,
      true,
    ]);
  });

  it("does not show again someone Janus heard stop before the unmute; their next talking shows them", async () => {
    const { room, router } = makeRoom();
    const a = await enter(room, "Ada");
    const b = await enter(room, "Bob");
    room.talking(b.id, true);
    room.setMediaState(b.id, { audio: false, video: true });
    room.talking(b.id, false);
    room.setMediaState(b.id, { audio: true, video: true });
    expect(router.of(a.id, "speaking").map((m) => m.speaking)).toEqual([true, false]);
    room.talking(b.id, true);
    expect(router.last(a.id)).toEqual({ type: "speaking", participantId: b.id, speaking: true });
  });

  it("shows on unmute a talking Janus heard just before the mute took effect", async () => {
    const { room, router } = makeRoom();
    const a = await enter(room, "Ada");
    const b = await enter(room, "Bob", { audio: false });
    room.talking(b.id, true);
    expect(router.of(a.id, "speaking")).toEqual([]);
    room.setMediaState(b.id, { audio: true, video: true });
    expect(router.of(a.id, "speaking")).toEqual([{ type: "speaking", participantId: b.id, speaking: true }]);
  });

  it("sends a change once: a repeated talking or stopped-talking, or a mute of someone silent, says nothing", async () => {
    const { room, router } = makeRoom();
    const a = await enter(room, "Ada");
    const b = await enter(room, "Bob");
    room.talking(b.id, true);
    room.talking(b.id, true);
    room.talking(b.id, false);
    room.talking(b.id, false);
    room.setMediaState(b.id, { audio: false, video: true });
    room.setMediaState(b.id, { audio: true, video: true });
    expect(router.of(a.id, "speaking").map((m) => m.speaking)).toEqual([true, false]);
  });

  it("forgets the talking when the publisher hangs up: an unmute after it shows nothing until Janus hears talking", async () => {
    const { room, router } = makeRoom();
    const a = await enter(room, "Ada");
    const b = await enter(room, "Bob");
    room.talking(b.id, true);
    room.setMediaState(b.id, { audio: false, video: true });
    room.publisherState(b.id, false);
    room.publisherState(b.id, true);
    room.setMediaState(b.id, { audio: true, video: true });
    expect(router.of(a.id, "speaking").map((m) => m.speaking)).toEqual([true, false]);
    room.talking(b.id, true);
    expect(router.of(a.id, "speaking").map((m) => m.speaking)).toEqual([true, false, true]);
  });

  it("a hangup while speaking stops the speaking", async () => {
    const { room, router } = makeRoom();
    const a = await enter(room, "Ada");
    const b = await enter(room, "Bob");
    room.talking(b.id, true);
    room.publisherState(b.id, false);
    expect(router.of(a.id, "speaking").map((m) => m.speaking)).toEqual([true, false]);
  });

  it("forgets the talking with a lost media server", async () => {
    const { room, router } = makeRoom();
    const a = await enter(room, "Ada");
    const b = await enter(room, "Bob");
    room.talking(b.id, true);
    room.setMediaState(b.id, { audio: false, video: true });
    room.mediaLost();
    room.restoreMedia(new FakeMedia());
    room.setMediaState(b.id, { audio: true, video: true });
    expect(router.of(a.id, "speaking").map((m) => m.speaking)).toEqual([true, false]);
  });
});
