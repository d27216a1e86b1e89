import { describe, expect, it } from "vitest";
import { ErrorCode } from "../../protocol/errors.js";
import { BUDGETS, Budgets } from "./budgets.js";
import { setRecording } from "./recording.js";
import { takeSnapshot } from "./snapshot.js";
import { enter, makeRoom } from "./test-fakes.js";

describe("local recording", () => {
  it("tells everyone who records, and when they stop; saying it twice tells nobody again", async () => {
    const { room, router } = makeRoom();
    const ada = await enter(room, "Ada", {}, 1);
    const bob = await enter(room, "Bob", {}, 2);
    setRecording(room, bob, true);
    expect(router.of(ada.id, "participant.updated").at(-1)).toMatchObject({
      participant: { id: bob.id, recording: true },
    });
    const before = router.of(ada.id, "participant.updated").length;
    setRecording(room, bob, true);
    expect(router.of(ada.id, "participant.updated")).toHaveLength(before);
    setRecording(room, bob, false);
    expect(router.of(ada.id, "participant.updated").at(-1)).toMatchObject({
      participant: { id: bob.id, recording: false },
    });
    // Latecomers learn it from `joined`.
    setRecording(room, ada, true);
    expect(room.participant(ada.id)?.info().recording).toBe(true);
  });

  it("refuses to start while the meeting forbids it, and never hides a recording already going", async () => {
    const { room, router } = makeRoom();
    const ada = await enter(room, "Ada", {}, 1);
    const bob = await enter(room, "Bob", {}, 2);
    setRecording(room, bob, true);
    room.configure({ recordingAllowed: false });
    expect(router.of(bob.id, "room.updated").at(-1)?.settings.recordingAllowed).toBe(false);
    // The server cannot stop a recording made in a browser: it goes on showing what Bob's browser says.
    expect(bob.recording).toBe(true);
    expect(() => setRecording(room, ada, true)).toThrowError(
      expect.objectContaining({ code: ErrorCode.Forbidden }),
    );
    expect(ada.recording).toBe(false);
    setRecording(room, bob, false);
    expect(() => setRecording(room, bob, true)).toThrowError(
      expect.objectContaining({ code: ErrorCode.Forbidden }),
    );
    room.configure({ recordingAllowed: true });
    setRecording(room, ada, true);
    expect(ada.recording).toBe(true);
  });

  it("is allowed by default, and the setting survives a take-over", async () => {
    const { room } = makeRoom();
    await enter(room, "Ada", {}, 1);
    expect(room.settings().recordingAllowed).toBe(true);
    room.configure({ recordingAllowed: false });
    const snapshot = takeSnapshot(room);
    expect(snapshot.recordingAllowed).toBe(false);
    const { room: other } = makeRoom();
    other.takeOver(snapshot);
    expect(other.settings().recordingAllowed).toBe(false);
  });

  it("draws on the device-changes budget: flipping it cannot flood the others", () => {
    const budgets = new Budgets();
    for (let i = 0; i < BUDGETS.devices.max; i++) budgets.take("recording.state", 1000);
    expect(() => budgets.take("recording.state", 1000)).toThrowError(
      expect.objectContaining({ code: ErrorCode.TooManyAttempts }),
    );
    expect(() => budgets.take("media.state", 1000)).toThrow();
  });
});
