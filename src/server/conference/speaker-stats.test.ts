import { describe, expect, it } from "vitest";
import { authorize } from "./permissions.js";
import { SPEAKER_STATS_MAX, SpeakerStats } from "./speaker-stats.js";
import { enter, makeRoom } from "./test-fakes.js";

describe("speaker statistics", () => {
  it("adds up each turn, counts the current one up to now, lists the silent present and the departed", () => {
    const stats = new SpeakerStats();
    stats.started("a", "Ada", 1000);
    stats.stopped("a", 4000);
    stats.started("b", "Bob", 5000);
    stats.started("a", "Ada", 6000);
    stats.started("a", "Ada", 6500); // a repeat does not restart the turn
    expect(
      stats.list(
        [
          { id: "a", name: "Ada" },
          { id: "c", name: "Cy" },
        ],
        7000,
      ),
    ).toEqual([
      { participantId: "a", name: "Ada", ms: 4000, present: true },
      { participantId: "b", name: "Bob", ms: 2000, present: false },
      { participantId: "c", name: "Cy", ms: 0, present: true },
    ]);
    // Stopping someone who never spoke records nothing.
    stats.stopped("d", 8000);
    expect(stats.list([], 8000).map((e) => e.participantId)).toEqual(["a", "b"]);
  });

  it("stays bounded: past the limit, the departed who talked least are forgotten, not who speaks now", () => {
    const stats = new SpeakerStats();
    stats.started("talking", "T", 0);
    for (let i = 0; i < SPEAKER_STATS_MAX + 50; i++) {
      stats.started(`p${i}`, `P${i}`, 0);
      stats.stopped(`p${i}`, i + 1);
    }
    const list = stats.list([], 10_000);
    expect(list).toHaveLength(SPEAKER_STATS_MAX);
    expect(list.some((e) => e.participantId === "talking")).toBe(true);
    expect(list.some((e) => e.participantId === "p0")).toBe(false);
    expect(list.some((e) => e.participantId === `p${SPEAKER_STATS_MAX + 49}`)).toBe(true);
  });

  it("follows what everyone is shown: a muted microphone stops the count, leaving keeps the time", async () => {
    const { room } = makeRoom();
    const ada = await enter(room, "Ada", {}, 1);
    const bob = await enter(room, "Bob", {}, 2);
    const now = Date.now();
    room.speakers.heard(bob.id, true);
    await new Promise((resolve) => setTimeout(resolve, 30));
    room.setMediaState(bob.id, { audio: false, video: true });
    const muted = room.speakers.stats.list([], Date.now() + 60_000)[0];
    expect(muted?.participantId).toBe(bob.id);
    expect(muted?.ms).toBeGreaterThanOrEqual(25);
    expect(muted?.ms).toBeLessThanOrEqual(Date.now() - now);
    room.leave(bob.id, "left");
    expect(room.speakers.stats.list([ada], Date.now()).map((e) => [e.name, e.present])).toEqual([
      ["Bob", false],
      ["Ada", true],
    ]);
  });

  it("is for moderators only", () => {
    expect(() => authorize("participant", "speakers.stats")).toThrowError(/moderators/);
    expect(() => authorize("moderator", "speakers.stats")).not.toThrow();
  });
});
