import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { CloseCode, ErrorCode } from "../../protocol/errors.js";
import { RESUME_WINDOW_MS } from "./door.js";
import { passwordMatches, sealPassword } from "./password.js";
import { enter, FakeMedia, knock, makeRoom } from "./test-fakes.js";

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(1_000_000);
});
afterEach(() => vi.useRealTimers());

describe("a room whose people dropped", () => {
  it("waits out the resume window, then closes; someone back in time finds it as it was", async () => {
    const { room, router } = makeRoom();
    const a = await enter(room, "Ada");
    room.configure({ password: await sealPassword("pw"), lobby: true });
    room.leave(a.id, "disconnected");
    expect(room.closed).toBe(false);
    vi.advanceTimersByTime(RESUME_WINDOW_MS - 1000);
    const back = await knock(room, "Ada", { resume: a.resumeToken });
    expect(back).toEqual({ id: a.id, state: "joined" });
    expect(router.of(a.id, "joined").at(-1)?.settings).toEqual({
      lobby: true,
      locked: true,
      e2ee: false,
      pollsByAnyone: false,
      recordingAllowed: true,
    });
    expect(room.participant(a.id)?.role).toBe("moderator");
  });

  it("closes once nobody can come back any more, ending the waits of those in the lobby", async () => {
    const { room, router, closedCount } = makeRoom();
    const a = await enter(room, "Ada");
    room.configure({ lobby: true });
    room.leave(a.id, "disconnected");
    // The lobby holds newcomers while the moderator may be back.
    const w = await knock(room, "Wes");
    expect(w.state).toBe("waiting");
    vi.advanceTimersByTime(RESUME_WINDOW_MS + 100);
    expect(room.closed).toBe(true);
    expect(closedCount()).toBe(1);
    expect(router.closed.get(w.id)).toBe(CloseCode.MeetingEnded);
  });

  it("closes at once when the last one left on purpose", async () => {
    const { room } = makeRoom();
    const a = await enter(room, "Ada");
    room.leave(a.id, "left");
    expect(room.closed).toBe(true);
  });

  it("closeIfIdle ends a room nobody is in, waits for or may come back to, and only such a room", async () => {
    const idle = makeRoom();
    idle.room.closeIfIdle();
    expect(idle.room.closed).toBe(true);
    const lingering = makeRoom();
    const a = await enter(lingering.room, "Ada");
    lingering.room.leave(a.id, "disconnected");
    lingering.room.closeIfIdle();
    expect(lingering.room.closed).toBe(false);
  });
});

describe("a moderator whose connection dropped", () => {
  it("keeps the role for moderatorReturnMs: back in time, nobody else was promoted", async () => {
    const { room } = makeRoom({ moderatorReturnMs: 10_000 });
    const a = await enter(room, "Ada");
    const b = await enter(room, "Bob");
    room.leave(a.id, "disconnected");
    vi.advanceTimersByTime(5_000);
    await knock(room, "Ada", { resume: a.resumeToken });
    vi.advanceTimersByTime(10_000);
    expect(room.participant(a.id)?.role).toBe("moderator");
    expect(b.role).toBe("participant");
  });

  it("passes the role on when they are not back in time; they come back a moderator all the same", async () => {
    const { room } = makeRoom({ moderatorReturnMs: 10_000 });
    const a = await enter(room, "Ada");
    const b = await enter(room, "Bob");
    room.leave(a.id, "disconnected");
    vi.advanceTimersByTime(10_001);
    expect(b.role).toBe("moderator");
    await knock(room, "Ada", { resume: a.resumeToken });
    expect(room.participant(a.id)?.role).toBe("moderator");
  });

  it("a newcomer while the moderator may return is a participant, promoted if nobody returns", async () => {
    const { room } = makeRoom({ moderatorReturnMs: 10_000 });
    const a = await enter(room, "Ada");
    room.leave(a.id, "disconnected");
    const c = await enter(room, "Cy");
    expect(c.role).toBe("participant");
    vi.advanceTimersByTime(10_001);
    expect(c.role).toBe("moderator");
  });
});

describe("a lost media server", () => {
  it("keeps people, settings, hands and chat; tells everyone; restores media with the blocks re-applied", async () => {
    const { room, router, media } = makeRoom();
    const a = await enter(room, "Ada");
    const b = await enter(room, "Bob");
    room.configure({ password: await sealPassword("pw") });
    room.hands.raise(b.id, 1);
    b.blocked.add("audio");
    room.mediaLost();
    expect(media.closedCount).toBe(1);
    expect(room.hasMedia).toBe(false);
    expect(router.last(a.id)).toEqual({ type: "media.lost" });
    expect(router.last(b.id)).toEqual({ type: "media.lost" });
    // Media requests fail clearly meanwhile; the rest of the meeting works.
    expect(() => room.media()).toThrowError(expect.objectContaining({ code: ErrorCode.MediaFailed }));
    const c = await enter(room, "Cy", { password: "pw" });
    expect(router.types(c.id)).toContain("media.lost");
    const fresh = new FakeMedia();
    room.restoreMedia(fresh);
    expect(fresh.added).toEqual([a.id, b.id, c.id]);
    expect(fresh.blocks).toEqual([`${b.id}:audio:true`]);
    for (const p of [a, b, c]) expect(router.last(p.id)).toEqual({ type: "media.restored" });
    expect(room.hands.list().map((h) => h.participantId)).toEqual([b.id]);
    expect(room.participant(a.id)?.role).toBe("moderator");
    expect(room.password && (await passwordMatches(room.password, "pw"))).toBe(true);
  });
});

describe("a hand raised while its owner is already talking", () => {
  it("lowers itself once they have talked HAND_AUTO_LOWER_SECONDS from the raise (Janus says 'talking' once)", async () => {
    const { room } = makeRoom({ handAutoLowerMs: 2000 });
    await enter(room, "Ada");
    const b = await enter(room, "Bob");
    room.talking(b.id, true);
    vi.advanceTimersByTime(5000);
    room.hands.raise(b.id, Date.now());
    room.handRaised(b.id);
    vi.advanceTimersByTime(1900);
    expect(room.hands.isRaised(b.id)).toBe(true);
    vi.advanceTimersByTime(200);
    expect(room.hands.isRaised(b.id)).toBe(false);
  });

  it("stays up for someone silent", async () => {
    const { room } = makeRoom({ handAutoLowerMs: 2000 });
    await enter(room, "Ada");
    const b = await enter(room, "Bob");
    room.hands.raise(b.id, Date.now());
    room.handRaised(b.id);
    vi.advanceTimersByTime(10_000);
    expect(room.hands.isRaised(b.id)).toBe(true);
  });
});

describe("budgets", () => {
  it("refuse a ninth hand change within 10 s with too_many_attempts and its wait, and survive a resume", async () => {
    const { room } = makeRoom();
    await enter(room, "Ada");
    const b = await enter(room, "Bob");
    for (let i = 0; i < 8; i++) b.budgets.take(i % 2 ? "hand.lower" : "hand.raise");
    expect(() => b.budgets.take("hand.raise")).toThrowError(
      expect.objectContaining({ code: ErrorCode.TooManyAttempts, retryAfterMs: 10_001 }),
    );
    // Chat and pings are not hand changes.
    expect(() => b.budgets.take("ping")).not.toThrow();
    room.leave(b.id, "disconnected");
    await knock(room, "Bob", { resume: b.resumeToken });
    const back = room.participant(b.id);
    expect(() => back?.budgets.take("hand.raise")).toThrowError(
      expect.objectContaining({ code: ErrorCode.TooManyAttempts }),
    );
    vi.advanceTimersByTime(10_001);
    expect(() => back?.budgets.take("hand.raise")).not.toThrow();
  });
});
