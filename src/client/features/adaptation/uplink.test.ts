import { describe, expect, it } from "vitest";
import {
  QUEUE_TROUBLE_S,
  RAMP_MS,
  REGRET_MS,
  RESTORE_MS,
  SOUND_AND_LEAST_BPS,
  STARVE_RAMP_MS,
  STEP_DOWN_GAP_MS,
  TROUBLE_SAMPLES,
  UPLINK_GRACE_MS,
  UPLINK_NEED,
  UplinkController,
  type UplinkSample,
} from "./uplink.js";

function uplink() {
  const c = new UplinkController();
  let now = 0;
  const step = (s: Partial<UplinkSample> = {}, ms = 500) => {
    now += ms;
    return c.update({
      at: now,
      bandwidthLimited: false,
      limitationKnown: true,
      rtt: 0.02,
      available: 3_000_000,
      loss: 0,
      slow: false,
      ...s,
    });
  };
  const run = (ms: number, s: Partial<UplinkSample> = {}) => {
    let cap = c.cap;
    for (let t = 0; t < ms; t += 500) cap = step(s);
    return cap;
  };
  return { c, step, run, time: () => now };
}

const weak = { bandwidthLimited: true, available: 400_000 };

describe("UplinkController", () => {
  it("keeps every layer on a good uplink", () => {
    const { run } = uplink();
    expect(run(60_000)).toBe(2);
  });

  it("says nothing while the browser's estimate ramps up after the start", () => {
    const { run } = uplink();
    expect(run(UPLINK_GRACE_MS - 500, weak)).toBe(2);
  });

  it("a bandwidth-limited encoder turns off h, then m, one step at a time; l only if the sound needs it", () => {
    const { run, step } = uplink();
    run(UPLINK_GRACE_MS);
    for (let i = 1; i < TROUBLE_SAMPLES; i++) expect(step(weak)).toBe(2);
    expect(step(weak)).toBe(1);
    // Not again at once, even if the trouble goes on.
    expect(run(STEP_DOWN_GAP_MS - 1000, { bandwidthLimited: true, available: 300_000 })).toBe(1);
    expect(run(3000, { bandwidthLimited: true, available: 150_000 })).toBe(0);
    expect(run(30_000, { bandwidthLimited: true, available: SOUND_AND_LEAST_BPS })).toBe(0);
  });

  it("l goes, the camera paused, when the estimate cannot carry the sound beside it; it comes back after a clean while", () => {
    const { run, step, time } = uplink();
    run(UPLINK_GRACE_MS);
    const starving = { bandwidthLimited: true, available: SOUND_AND_LEAST_BPS - 30_000 };
    // From the top layer at once: the layers between cannot fit either.
    for (let i = 1; i < TROUBLE_SAMPLES; i++) expect(step(starving)).toBe(2);
    expect(step(starving)).toBe(-1);
    // Paused, the encoder reports no limitation (nothing is active): a quiet round trip is a clean link.
    const paused = { limitationKnown: false, bandwidthLimited: false, available: 60_000 };
    expect(run(STEP_DOWN_GAP_MS + 2000, { ...paused, rtt: 0.02 + QUEUE_TROUBLE_S + 0.1 })).toBe(-1);
    const cleanFrom = time() + 500;
    while (run(500, { ...paused, rtt: 0.02 }) === -1 && time() < cleanFrom + 60_000);
    expect(time() - cleanFrom).toBe(RESTORE_MS);
    // Still starving: the browser's probe shows it within seconds, and the camera pauses again.
    const back = time();
    while (step(starving) === 0 && time() < back + 60_000);
    expect(time() - back, "had to go again soon").toBe(STARVE_RAMP_MS + (TROUBLE_SAMPLES - 1) * 500);
    const again = time();
    while (run(500, { ...paused, rtt: 0.02 }) === -1 && time() < again + 60_000);
    expect(time() - again, "waits twice as long").toBe(2 * RESTORE_MS + 500);
  });

  it("loss alone, however heavy, never pauses the camera", () => {
    const { run } = uplink();
    run(UPLINK_GRACE_MS);
    expect(run(60_000, { loss: 0.3 })).toBe(0);
    expect(run(60_000, { loss: 0.3, slow: true })).toBe(0);
  });

  it("a limited encoder with bandwidth enough for what is on is not trouble", () => {
    const { run } = uplink();
    run(UPLINK_GRACE_MS);
    expect(run(20_000, { bandwidthLimited: true, available: UPLINK_NEED[2] + 100_000 })).toBe(2);
  });

  it("a slow-link report takes a layer off at once, even during the start", () => {
    const { step } = uplink();
    expect(step({ slow: true })).toBe(1);
  });

  it("heavy loss reported by the media server is trouble; light loss is not", () => {
    const a = uplink();
    a.run(UPLINK_GRACE_MS);
    expect(a.run(3000, { loss: 0.05 })).toBe(2);
    expect(a.run(3000, { loss: 0.2 })).toBe(1);
  });

  it("brings layers back after a clean while, and waits longer when a layer had to go again soon", () => {
    const { run, time } = uplink();
    run(UPLINK_GRACE_MS);
    expect(run(2000, weak)).toBe(1);
    const cleanFrom = time() + 500;
    while (run(500) === 1 && time() < cleanFrom + 60_000);
    expect(time() - cleanFrom).toBe(RESTORE_MS);
    // Right after, the browser's estimate catches up: a bandwidth limitation is no trouble yet...
    expect(run(RAMP_MS - 500, weak)).toBe(2);
    // ...but past that, within REGRET_MS, the layer goes again, and next time it takes twice as long.
    expect(run(2500, weak)).toBe(1);
    expect(run(RESTORE_MS + 500)).toBe(1);
    expect(run(RESTORE_MS + 500)).toBe(2);
    expect(REGRET_MS).toBeGreaterThan(RESTORE_MS);
  });

  describe("where the browser tells no encoder limitation (Firefox)", () => {
    const firefox = { limitationKnown: false, bandwidthLimited: false, available: null };

    it("a standing queue (the round trip well above the least seen) turns off h, then m; it comes back once gone", () => {
      const { run } = uplink();
      run(UPLINK_GRACE_MS, { ...firefox, rtt: 0.01 });
      const queued = { ...firefox, rtt: 0.01 + QUEUE_TROUBLE_S + 0.1 };
      expect(run(2000, queued)).toBe(1);
      expect(run(STEP_DOWN_GAP_MS + 2000, queued)).toBe(0);
      expect(run(RESTORE_MS + 500, { ...firefox, rtt: 0.01 })).toBe(1);
    });

    it("a queue that stays at l alone pauses the camera", () => {
      const { run } = uplink();
      run(UPLINK_GRACE_MS, { ...firefox, rtt: 0.01 });
      const queued = { ...firefox, rtt: 0.01 + QUEUE_TROUBLE_S + 0.1 };
      expect(run(2000 + STEP_DOWN_GAP_MS, queued)).toBe(0);
      expect(run(STEP_DOWN_GAP_MS, queued)).toBe(-1);
      expect(run(RESTORE_MS + 500, { ...firefox, rtt: 0.01 })).toBe(0);
    });

    it("a long but steady round trip is no trouble, nor is a queue shorter than the threshold", () => {
      const far = uplink();
      expect(far.run(60_000, { ...firefox, rtt: 0.35 })).toBe(2);
      const near = uplink();
      near.run(UPLINK_GRACE_MS, { ...firefox, rtt: 0.01 });
      expect(near.run(30_000, { ...firefox, rtt: 0.01 + QUEUE_TROUBLE_S / 2 })).toBe(2);
    });

    it("the queue rule is not applied where the encoder's limitation is known (Chromium)", () => {
      const { run } = uplink();
      run(UPLINK_GRACE_MS, { rtt: 0.01 });
      expect(run(30_000, { rtt: 0.5 })).toBe(2);
    });
  });
});
