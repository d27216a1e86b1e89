/**
 * Local recording's signaling over raw WebSockets against a real server (PROTOCOL.md "Local recording"): who
 * records is told to everyone and to latecomers; a moderator's `recordingAllowed: false` refuses new starts,
 * but never hides a recording already going (the server cannot stop one made in a browser); only moderators
 * change the setting; a resumed entry starts with the flag off (its browser says it again).
 */
import { describe, expect, it } from "vitest";
import { type Member, socialHarness } from "../helpers/social-harness.js";
import type { AnyMessage } from "../helpers/ws-client.js";

const { freshRoom, logOnFailure, join, joinAll } = socialHarness("recording");

const record = (m: Member, on: boolean) => m.client.request({ type: "recording.state", on }, 10_000);
/** The next `participant.updated` `m` receives about `who` with `recording` as given. */
const seesRecording = (m: Member, who: Member, on: boolean) =>
  m.client.next(
    (x: AnyMessage) =>
      x.type === "participant.updated" && x.participant.id === who.id && x.participant.recording === on,
    10_000,
    `${m.name} sees ${who.name} recording: ${on}`,
  );

describe("local recording", () => {
  it("everyone, latecomers included, sees who records, and when they stop", async () => {
    logOnFailure();
    const room = freshRoom("told");
    const [mod, ben, cat] = (await joinAll(room, "Mod", "Ben", "Cat")) as [Member, Member, Member];
    expect(mod.joined.settings.recordingAllowed).toBe(true);
    expect(mod.joined.you.recording).toBe(false);
    expect(await record(ben, true)).toMatchObject({ type: "ok" });
    for (const m of [mod, ben, cat]) await seesRecording(m, ben, true);
    const dan = await join(room, "Dan");
    expect(dan.joined.participants.find((p: AnyMessage) => p.id === ben.id)?.recording).toBe(true);
    expect(await record(ben, false)).toMatchObject({ type: "ok" });
    for (const m of [mod, cat, dan]) await seesRecording(m, ben, false);
  });

  it("forbidden by a moderator: nobody starts, a recording going stays shown; only moderators decide", async () => {
    logOnFailure();
    const room = freshRoom("forbid");
    const [mod, ben, cat] = (await joinAll(room, "Mod", "Ben", "Cat")) as [Member, Member, Member];
    expect(
      await ben.client.request({ type: "room.configure", recordingAllowed: false }, 10_000),
    ).toMatchObject({
      type: "error",
      code: "forbidden",
    });
    expect(await record(ben, true)).toMatchObject({ type: "ok" });
    await seesRecording(cat, ben, true);
    expect(
      await mod.client.request({ type: "room.configure", recordingAllowed: false }, 10_000),
    ).toMatchObject({
      type: "ok",
    });
    const updated = await cat.client.next(
      (x) => x.type === "room.updated" && x.settings.recordingAllowed === false,
      10_000,
      "room.updated forbidding recording",
    );
    expect(updated.settings).toEqual({
      lobby: false,
      locked: false,
      e2ee: false,
      pollsByAnyone: false,
      recordingAllowed: false,
    });
    expect(await record(cat, true)).toMatchObject({ type: "error", code: "forbidden" });
    expect(await record(mod, true)).toMatchObject({ type: "error", code: "forbidden" });
    // Ben's browser did not say it stopped: everyone still sees it, latecomers too.
    const dan = await join(room, "Dan");
    expect(dan.joined.participants.find((p: AnyMessage) => p.id === ben.id)?.recording).toBe(true);
    expect(await record(ben, false)).toMatchObject({ type: "ok" });
    await seesRecording(cat, ben, false);
    expect(await record(ben, true)).toMatchObject({ type: "error", code: "forbidden" });
    expect(
      cat.client.received.some(
        (x) => x.type === "participant.updated" && x.participant.id === cat.id && x.participant.recording,
      ),
    ).toBe(false);
    expect(
      await mod.client.request({ type: "room.configure", recordingAllowed: true }, 10_000),
    ).toMatchObject({
      type: "ok",
    });
    expect(await record(cat, true)).toMatchObject({ type: "ok" });
    await seesRecording(dan, cat, true);
  });

  it("a participant who comes back after a lost connection is not shown recording until it says so again", async () => {
    logOnFailure();
    const room = freshRoom("resume");
    const [mod, ben] = (await joinAll(room, "Mod", "Ben")) as [Member, Member];
    expect(await record(ben, true)).toMatchObject({ type: "ok" });
    await seesRecording(mod, ben, true);
    ben.client.terminate();
    await mod.client.next(
      (x) => x.type === "participant.left" && x.participantId === ben.id,
      8000,
      "Ben dropped",
    );
    const back = await join(room, "Ben", { resume: ben.joined.resume });
    expect(back.id).toBe(ben.id);
    expect(back.joined.you.recording).toBe(false);
    expect(await record(back, true)).toMatchObject({ type: "ok" });
    await seesRecording(mod, back, true);
  });
});
