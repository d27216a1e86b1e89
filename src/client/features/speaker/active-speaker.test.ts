import { describe, expect, it } from "vitest";
import { ActiveSpeaker, HOLD_MS, MIN_SPEECH_MS } from "./active-speaker.js";

/** Drives an ActiveSpeaker on a fake clock, firing its own re-checks the way the controller's timer does. */
function clock() {
  const speaker = new ActiveSpeaker();
  let now = 0;
  /** Active speaker after each change, with the time it happened. */
  const switches: [number, string | null][] = [];
  let last: string | null = null;
  const note = (active: string | null) => {
    if (active !== last) switches.push([now, active]);
    last = active;
  };
  /** Advances to `t`, running every re-check that falls due on the way. */
  const advance = (t: number) => {
    for (;;) {
      const due = speaker.nextCheck(now);
      if (due === null || due > t) break;
      now = due;
      note(speaker.update(now));
    }
    now = t;
    note(speaker.update(now));
  };
  return {
    speaker,
    switches,
    at(t: number, id: string, speaking: boolean) {
      advance(t);
      note(speaker.set(id, speaking, now));
    },
    advance,
    leave(t: number, id: string) {
      advance(t);
      note(speaker.remove(id, now));
    },
  };
}

describe("ActiveSpeaker", () => {
  it("nobody is active until someone has talked for a second", () => {
    const c = clock();
    c.at(0, "ann", true);
    expect(c.speaker.active).toBeNull();
    expect(c.speaker.talking.has("ann")).toBe(true);
    expect(c.speaker.nextCheck(0)).toBe(MIN_SPEECH_MS);
    c.advance(999);
    expect(c.speaker.active).toBeNull();
    c.advance(1000);
    expect(c.speaker.active).toBe("ann");
  });

  it("a remark shorter than a second never takes the stage", () => {
    const c = clock();
    c.at(0, "ann", true);
    c.at(600, "ann", false);
    c.advance(5000);
    expect(c.speaker.active).toBeNull();
    expect(c.speaker.talking.size).toBe(0);
  });

  it("the last one who started talking (and kept on) takes over", () => {
    const c = clock();
    c.at(0, "ann", true);
    c.at(3000, "bob", true);
    c.advance(3999);
    expect(c.speaker.active).toBe("ann");
    c.advance(4000);
    expect(c.speaker.active).toBe("bob");
    expect(c.switches).toEqual([
      [1000, "ann"],
      [4000, "bob"],
    ]);
  });

  it("holds the current speaker 2 s before switching", () => {
    const c = clock();
    c.at(0, "ann", true);
    c.advance(1000); // ann active at 1000
    c.at(1100, "bob", true); // bob qualifies at 2100, but ann holds until 3000
    c.advance(2999);
    expect(c.speaker.active).toBe("ann");
    expect(c.speaker.nextCheck(2999)).toBe(1000 + HOLD_MS);
    c.advance(3000);
    expect(c.speaker.active).toBe("bob");
  });

  it("two people alternating within a second do not flicker", () => {
    const c = clock();
    c.at(0, "carl", true);
    c.at(1500, "carl", false); // carl is the active speaker from 1000
    // ann and bob trade remarks of 0.8 s, then 0.5 s, for ten seconds.
    let t = 2000;
    for (let i = 0; i < 8; i++) {
      const [who, other] = i % 2 === 0 ? ["ann", "bob"] : ["bob", "ann"];
      c.at(t, other, false);
      c.at(t, who, true);
      t += i < 4 ? 800 : 500;
    }
    c.at(t, "ann", false);
    c.at(t, "bob", false);
    c.advance(t + 5000);
    expect(c.switches).toEqual([[1000, "carl"]]);
  });

  it("two people overlapping switch at most once per hold time", () => {
    const c = clock();
    // Both keep talking at once: the later starter wins, but only once ann's hold is over.
    c.at(0, "ann", true);
    c.at(200, "bob", true);
    c.advance(10_000);
    // ann at 1000, bob (started later) once the hold allows.
    expect(c.switches).toEqual([
      [1000, "ann"],
      [3000, "bob"],
    ]);
    for (let i = 1; i < c.switches.length; i++) {
      const gap = (c.switches[i]?.[0] ?? 0) - (c.switches[i - 1]?.[0] ?? 0);
      expect(gap).toBeGreaterThanOrEqual(HOLD_MS);
    }
  });

  it("stays on the last speaker through silence", () => {
    const c = clock();
    c.at(0, "ann", true);
    c.at(4000, "ann", false);
    c.advance(60_000);
    expect(c.speaker.active).toBe("ann");
    expect(c.speaker.nextCheck(60_000)).toBeNull();
  });

  it("a muted speaker (speaking false) loses the ring at once, and the stage to the next speaker", () => {
    const c = clock();
    c.at(0, "ann", true);
    c.at(500, "bob", true);
    c.advance(3000); // ann at 1000; bob qualified at 1500, held until 3000
    expect(c.speaker.active).toBe("bob");
    c.at(3500, "bob", false);
    expect(c.speaker.talking.has("bob")).toBe(false);
    // ann is still talking, but started before bob: she takes the stage again only by starting anew.
    c.at(5000, "ann", false);
    c.at(5100, "ann", true);
    c.advance(6100);
    expect(c.speaker.active).toBe("ann");
  });

  it("someone who leaves frees the stage without a hold", () => {
    const c = clock();
    c.at(0, "ann", true);
    c.advance(1000);
    c.at(1000, "bob", true);
    c.leave(1200, "ann");
    expect(c.speaker.active).toBeNull();
    c.advance(2000);
    expect(c.speaker.active).toBe("bob");
  });

  it("clear forgets everything", () => {
    const c = clock();
    c.at(0, "ann", true);
    c.advance(2000);
    c.speaker.clear();
    expect(c.speaker.active).toBeNull();
    expect(c.speaker.talking.size).toBe(0);
    expect(c.speaker.nextCheck(2000)).toBeNull();
  });
});
