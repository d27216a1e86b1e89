import { describe, expect, it } from "vitest";
import {
  DownlinkEstimator,
  LOSS_CONGESTED,
  PROBE_DRAIN_MS,
  PROBE_GAP_MAX_MS,
  PROBE_GAP_MS,
  TOLERANCE_RESET_MS,
} from "./estimator.js";
import type { LinkSample } from "./link-sample.js";

/** Drives an estimator with one-second samples: `bps` received, `loss` of 200 packets lost. */
function link() {
  const e = new DownlinkEstimator();
  let now = 0;
  const step = (
    bps: number,
    loss = 0,
    { nextNeed = null as number | null, slow = false, ms = 1000 } = {},
  ) => {
    now += ms;
    const packets = Math.round((200 * ms) / 1000);
    const lost = Math.round(packets * loss);
    const s: LinkSample = {
      at: now,
      intervalMs: ms,
      receivedBps: bps,
      packetsReceived: packets - lost,
      packetsLost: lost,
      freezes: 0,
      slow,
    };
    return e.update(s, nextNeed);
  };
  return { e, step, time: () => now };
}

/**
 * A link cut by heavy loss to ~210 kbit/s, clean since, now probing 550 kbit/s (one layer up: a long shot
 * from the 300 kbit/s where it failed, so the probe comes PROBE_GAP_MAX_MS after the drop).
 */
function probingLink() {
  const l = link();
  l.step(1_000_000);
  l.step(300_000, 0.5);
  const dropped = l.time();
  for (let i = 0; i < 15 && !l.e.isProbing; i++) l.step(200_000, 0, { nextNeed: 550_000 });
  expect(l.e.isProbing).toBe(true);
  expect(l.time() - dropped).toBe(PROBE_GAP_MAX_MS);
  return l;
}

/**
 * A link cut to 300 kbit/s by heavy loss, then `seconds` one-second samples where anything above 300 kbit/s
 * loses 45 %, while the allocation would take `nextNeed`: when each probe began.
 */
function underCap(nextNeed: number, seconds: number) {
  const { e, step, time } = link();
  step(300_000, 0.5);
  const probes: number[] = [];
  let last = e.estimate;
  for (let i = 0; i < seconds; i++) {
    const congested = last > 300_000;
    last = step(congested ? 300_000 : 200_000, congested ? 0.45 : 0, { nextNeed });
    if (e.isProbing && probes.at(-1) !== time() - 1000) probes.push(time());
  }
  return { e, probes };
}

describe("DownlinkEstimator", () => {
  it("sets no limit while the link is clean", () => {
    const { e, step } = link();
    for (let i = 0; i < 10; i++) step(2_000_000, 0, { nextNeed: 3_000_000 });
    expect(e.estimate).toBe(Number.POSITIVE_INFINITY);
    expect(e.verdict).toBe("clean");
  });

  it("drops to 70 % of what was received on heavy loss, once per congestion", () => {
    const { e, step } = link();
    step(1_500_000);
    expect(step(300_000, 0.6)).toBeCloseTo(210_000);
    expect(e.verdict).toBe("congested");
    // The next sample began before the drop took effect: not judged again, even if it received less.
    expect(step(250_000, 0.4)).toBeCloseTo(210_000);
    // Still congested a second later: down again.
    expect(step(250_000, 0.4)).toBeCloseTo(175_000);
  });

  it("after a drop that drained the link, what overflows once the drain ends is judged at once", () => {
    const { e, step } = link();
    step(1_500_000, 0, { ms: 500 });
    expect(step(800_000, 0.4, { ms: 500 })).toBeCloseTo(560_000);
    expect(e.drainUntil).toBeGreaterThan(0);
    // The drain's half second: the stopped video sent nothing, nothing to judge.
    expect(step(200_000, 0.25, { ms: 500 })).toBeCloseTo(560_000);
    // Resumed a layer too high for the link: overflowing again, cut again without waiting SETTLE_MS.
    expect(step(300_000, 0.45, { ms: 500 })).toBeCloseTo(210_000);
  });

  it("after a drop for moderate loss (a layer switch, no drain), the old rate's samples are not judged", () => {
    const { e, step } = link();
    step(1_000_000, 0, { ms: 500 });
    step(1_000_000, 0.18, { ms: 500 });
    expect(e.estimate).toBeCloseTo(700_000);
    expect(e.drainUntil).toBe(Number.NEGATIVE_INFINITY);
    // Half a second later the lower layer may still be waiting for its key frame: not judged.
    expect(step(1_000_000, 0.19, { ms: 500 })).toBeCloseTo(700_000);
  });

  it("heavy loss goes under the floor only on a link that no longer carries it", () => {
    const sample = (at: number, bps: number, loss: number) =>
      sampleAt(at, bps, Math.round(100 * (1 - loss)), Math.round(100 * loss), 1000);
    // The sound and one lowest layer: 200 kbit/s. Overflowing at 260 kbit/s received: the floor holds.
    const carried = new DownlinkEstimator();
    carried.update(sample(1000, 1_500_000, 0), null, 200_000);
    carried.update(sample(2000, 260_000, 0.5), null, 200_000);
    expect(carried.verdict).toBe("congested");
    expect(carried.estimate).toBe(200_000);
    // Only 120 kbit/s get through: the videos must stop, the sound goes on.
    const starved = new DownlinkEstimator();
    starved.update(sample(1000, 1_500_000, 0), null, 200_000);
    starved.update(sample(2000, 120_000, 0.5), null, 200_000);
    expect(starved.estimate).toBeCloseTo(84_000);
  });

  it("after a failed probe, growth stays under the level that failed", () => {
    const { e, step } = link();
    step(1_000_000);
    step(300_000, 0.5);
    let probed = false;
    for (let i = 0; i < 40; i++) {
      const over = e.estimate > 300_000;
      step(over ? 300_000 : 200_000, over ? 0.45 : 0, { nextNeed: 550_000 });
      if (e.isProbing) probed = true;
      // Outside probes the estimate never reaches the level that failed.
      if (!e.isProbing) expect(e.estimate).toBeLessThan(550_000);
    }
    expect(probed).toBe(true);
  });

  it("a slow-link report is congestion too", () => {
    const { step } = link();
    step(1_000_000);
    expect(step(1_000_000, 0, { slow: true })).toBeCloseTo(700_000);
  });

  it("grows 10 % every 2 s when clean, and probes the next improvement after a clean while", () => {
    const { e, step } = link();
    step(1_000_000);
    step(300_000, 0.5);
    expect(e.estimate).toBeCloseTo(210_000);
    const seen: number[] = [];
    // 400 kbit/s: not far beyond the 300 kbit/s where the link failed.
    for (let i = 0; i < 3; i++) seen.push(step(200_000, 0, { nextNeed: 400_000 }));
    // Growth 2 s after the drop, then the probe once clean 1.5 s and 3 s after the drop.
    expect(seen[0]).toBeCloseTo(210_000);
    expect(seen[1]).toBeCloseTo(231_000);
    expect(seen[2]).toBe(400_000);
    expect(e.isProbing).toBe(true);
    // More arrives, and the link stays clean 1.5 s after: the probe succeeded, the next step is tried at once.
    expect(step(400_000, 0, { nextNeed: 1_400_000 })).toBe(400_000);
    expect(step(400_000, 0, { nextNeed: 1_400_000 })).toBe(400_000);
    expect(step(400_000, 0, { nextNeed: 1_400_000 })).toBe(1_400_000);
    expect(e.isProbing).toBe(true);
  });

  it("a probe that holds below where the link failed keeps that level in mind", () => {
    const { e, step, time } = link();
    step(300_000, 0.5);
    // Clean at 200k; a small step (a paused video back) is tried 3 s after the drop, and holds.
    for (let i = 0; i < 3; i++) step(200_000, 0, { nextNeed: 250_000 });
    expect(e.isProbing).toBe(true);
    const held = time();
    for (let i = 0; i < 3; i++) step(250_000, 0, { nextNeed: 550_000 });
    expect(e.isProbing).toBe(false);
    // The layer above is still a long shot from the 300 kbit/s that failed: no probe before the longest gap.
    while (!e.isProbing && time() < held + 20_000) step(250_000, 0, { nextNeed: 550_000 });
    expect(time() - held).toBeGreaterThanOrEqual(PROBE_GAP_MAX_MS);
  });

  it("a probe failed by a link that now carries clearly less than before it (a new cap) cuts below its base", () => {
    const { e, step } = link();
    step(1_000_000, 0.5);
    // Clean at 600k for a while, then a probe to 1.55M; a cap to 300k comes with it.
    let i = 0;
    while (!e.isProbing && i++ < 20) step(600_000, 0, { nextNeed: 1_550_000 });
    expect(e.isProbing).toBe(true);
    step(300_000, 0.5, { nextNeed: 1_550_000, ms: 100 });
    expect(e.isProbing).toBe(false);
    expect(e.estimate).toBeLessThanOrEqual(0.7 * 300_000);
  });

  it("a long shot, far beyond where the link failed, waits the longest gap from the start", () => {
    const { probes } = underCap(550_000, 31);
    // 30 s under the cap: two failed probes (each overflows the link), not the three or four of 3-6-10 s.
    expect(probes.length).toBe(2);
    expect((probes[0] ?? 0) - 1000).toBeGreaterThanOrEqual(PROBE_GAP_MAX_MS);
    expect((probes[1] ?? 0) - (probes[0] ?? 0)).toBeGreaterThanOrEqual(PROBE_GAP_MAX_MS);
  });

  it("a failed probe waits twice the usual gap, even after a success just below shortened it", () => {
    const { e, step, time } = link();
    step(1_000_000);
    step(300_000, 0.5);
    // Back at the lowest layer (250k, under the 300k where it failed): a probe that succeeds.
    let i = 0;
    while (!e.isProbing && i++ < 20) step(200_000, 0, { nextNeed: 250_000 });
    expect(e.isProbing).toBe(true);
    for (i = 0; e.isProbing && i < 5; i++) step(250_000, 0, { nextNeed: 250_000 });
    expect(e.isProbing).toBe(false);
    // One layer up (400k): probed soon after that success, and it overflows the link.
    while (!e.isProbing && i++ < 20) step(250_000, 0, { nextNeed: 400_000 });
    expect(e.isProbing).toBe(true);
    step(300_000, 0.45, { nextNeed: 400_000 });
    expect(e.isProbing).toBe(false);
    const failed = time();
    while (!e.isProbing && i++ < 40) step(250_000, 0, { nextNeed: 400_000 });
    expect(e.isProbing).toBe(true);
    expect(time() - failed).toBeGreaterThanOrEqual(2 * PROBE_GAP_MS);
  });

  it("a probe is not judged a success before more actually arrives (or a timeout passes)", () => {
    const { e, step } = probingLink();
    // The new layer takes its time: still 200k, clean; the probe stays open until its timeout.
    step(200_000, 0, { nextNeed: 1_550_000 });
    step(200_000, 0, { nextNeed: 1_550_000 });
    step(200_000, 0, { nextNeed: 1_550_000 });
    expect(e.isProbing).toBe(true);
    expect(e.estimate).toBe(550_000);
    // It arrives, and overflows: back to where the link was clean.
    step(300_000, 0.45, { nextNeed: 1_550_000 });
    expect(e.isProbing).toBe(false);
    expect(e.estimate).toBeLessThan(300_000);
  });

  it("a probe that meets congestion backs off, and the next probe waits longer, up to a limit", () => {
    const { e, probes } = underCap(400_000, 60);
    const gaps = probes.slice(1).map((t, i) => t - (probes[i] ?? 0));
    expect(gaps.length).toBeGreaterThanOrEqual(4);
    expect(gaps[1]).toBeGreaterThan(gaps[0] ?? 0);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(PROBE_GAP_MAX_MS + 3000);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(PROBE_GAP_MS);
    // Between probes the estimate stays where the link holds.
    expect(e.estimate).toBeLessThanOrEqual(300_000);
  });

  it("once the cap is lifted, the top layer's need is reached within 15 s", () => {
    const { e, step } = link();
    step(300_000, 0.5);
    let cap = 300_000;
    let t = 0;
    let reachedAt: number | null = null;
    for (let i = 0; i < 60; i++) {
      if (i === 20) cap = Number.POSITIVE_INFINITY;
      // The allocation's next need: layer 1 (550k) from layer 0, then layer 2 (1.55M).
      const nextNeed = e.estimate >= 550_000 ? 1_550_000 : 550_000;
      const want = Math.min(e.estimate, 1_550_000);
      const over = want > cap;
      step(over ? cap : Math.min(want, 1_550_000), over ? 0.45 : 0, { nextNeed });
      t = i;
      if (i >= 20 && reachedAt === null && e.estimate >= 1_550_000) reachedAt = t;
    }
    expect(reachedAt).not.toBeNull();
    expect((reachedAt ?? 99) - 20).toBeLessThanOrEqual(12);
  });

  it("loss that stays when less is asked is the link's: tolerated, and the estimate comes back", () => {
    const { e, step } = link();
    step(1_000_000, 0.16);
    step(1_000_000, 0.16);
    expect(e.estimate).toBeCloseTo(700_000);
    // At the lower rate the loss is the same: random loss, not congestion.
    step(700_000, 0.16);
    step(700_000, 0.16);
    step(700_000, 0.16);
    expect(e.tolerance).toBeGreaterThan(0.1);
    expect(e.estimate).toBe(Number.POSITIVE_INFINITY);
    // From then on, 18 % loss is not congestion; heavy loss still is.
    for (let i = 0; i < 5; i++) step(1_000_000, 0.18);
    expect(e.estimate).toBe(Number.POSITIVE_INFINITY);
    expect(step(300_000, 0.4)).toBeCloseTo(210_000);
  });

  it("loss that goes away at the lower rate was congestion: the drop stays", () => {
    const { e, step } = link();
    step(1_000_000, 0.15);
    step(1_000_000, 0.15);
    step(700_000, 0.0);
    step(700_000, 0.0);
    step(700_000, 0.0);
    expect(e.tolerance).toBe(LOSS_CONGESTED);
    expect(e.estimate).toBeLessThan(1_000_000);
  });

  it("the tolerated loss goes back to normal after a long clean while", () => {
    const { e, step } = link();
    for (let i = 0; i < 6; i++) step(1_000_000, 0.16);
    expect(e.tolerance).toBeGreaterThan(LOSS_CONGESTED);
    for (let i = 0; i <= TOLERANCE_RESET_MS / 1000; i++) step(1_000_000, 0);
    expect(e.tolerance).toBe(LOSS_CONGESTED);
  });

  it("a new cap is heavy congestion at its first sample: what arrives collapses while packets are lost", () => {
    const e = new DownlinkEstimator();
    for (let at = 500; at <= 5000; at += 500) e.update(sampleAt(at, 1_700_000, 110, 0), null, 300_000);
    // Half of this sample was capped: 19 % lost, and the window still holds the clean sample before it.
    e.update(sampleAt(5500, 470_000, 42, 10), null, 300_000);
    expect(e.verdict).toBe("congested");
    expect(e.estimate).toBeCloseTo(0.7 * 470_000);
    expect(e.drainUntil).toBeGreaterThan(5500);
  });

  it("a glance between two samples raises the alarm for a collapse, not for random loss nor while a drop settles", () => {
    const e = new DownlinkEstimator();
    for (let at = 500; at <= 5000; at += 500) e.update(sampleAt(at, 1_700_000, 110, 0), null, 300_000);
    // A quarter second, two thirds of it capped: a third of the packets lost, a third of the rate arrives.
    expect(e.alarming(sampleAt(5250, 560_000, 40, 20, 250))).toBe(true);
    // The same quarter second under 10 % random loss: nothing to hurry for.
    expect(e.alarming(sampleAt(5250, 1_550_000, 50, 6, 250))).toBe(false);
    // Too few packets to say.
    expect(e.alarming(sampleAt(5250, 100_000, 10, 10, 250))).toBe(false);
    // The collapse seen (by the tick the glance brings forward): the next glance says nothing until the
    // drop has settled, whatever it reads.
    e.update(sampleAt(5260, 560_000, 40, 20, 260), null, 300_000);
    expect(e.verdict).toBe("congested");
    expect(e.alarming(sampleAt(5510, 300_000, 20, 30, 250))).toBe(false);
    expect(e.alarming(sampleAt(6010, 300_000, 20, 30, 250))).toBe(true);
  });

  it("what arrives halving without loss (a video we stopped), or with a few per cent of it, is not congestion", () => {
    const e = new DownlinkEstimator();
    const sample = (at: number, bps: number, lost: number) => sampleAt(at, bps, 100 - lost, lost);
    for (let at = 500; at <= 5000; at += 500) e.update(sample(at, 1_700_000, 0), null, 300_000);
    e.update(sample(5500, 600_000, 0), null, 300_000);
    e.update(sample(6000, 250_000, 6), null, 300_000);
    expect(e.verdict).not.toBe("congested");
    expect(e.estimate).toBe(Number.POSITIVE_INFINITY);
  });

  it("5 % random loss is never congestion: not even its unlucky windows (30 minutes of half-second samples)", () => {
    const e = new DownlinkEstimator();
    const random = seeded(7);
    let congested = 0;
    for (let at = 500; at <= 30 * 60_000; at += 500) {
      // ~110 packets a half second: Alice's top layer and her sound, as in the degradation tests.
      let lost = 0;
      for (let i = 0; i < 110; i++) if (random() < 0.05) lost++;
      e.update(sampleAt(at, 2e6, 110 - lost, lost), 2.2e6, 300_000);
      if (e.verdict === "congested") congested++;
    }
    expect(congested).toBe(0);
    expect(e.estimate).toBe(Number.POSITIVE_INFINITY);
  });

  it("a probe sampled every 100 ms is not failed by random loss over a handful of packets", () => {
    const { e, step } = probingLink();
    // 100-ms samples of 20 packets: 3 lost in one (15 %) is what 10 % random loss often gives.
    step(550_000, 0.15, { ms: 100, nextNeed: 1_550_000 });
    step(550_000, 0.15, { ms: 100, nextNeed: 1_550_000 });
    expect(e.verdict).not.toBe("congested");
    expect(e.estimate).toBe(550_000);
  });

  it("a probe failed by moderate loss steps back, and stops the probed video until the lower layer's key frame", () => {
    const { e, step, time } = probingLink();
    step(550_000, 0.14, { nextNeed: 1_550_000 });
    expect(e.verdict).toBe("congested");
    expect(e.isProbing).toBe(false);
    expect(e.estimate).toBeLessThan(550_000);
    // The probe began a second ago (one-second samples).
    expect(e.drainUntil).toBe(time() - 1000 + PROBE_DRAIN_MS);
  });

  it("a probe that overflows the link fails within a few 100-ms samples, and stops what goes down", () => {
    const { e, step, time } = probingLink();
    step(380_000, 0.4, { ms: 100, nextNeed: 1_550_000 });
    expect(e.isProbing).toBe(true);
    step(300_000, 0.6, { ms: 100, nextNeed: 1_550_000 });
    expect(e.isProbing).toBe(false);
    expect(e.estimate).toBeLessThan(300_000);
    // Stopped until the lower layer's key frame can have come: 1.5 s after the probe began (0.2 s ago).
    expect(e.drainUntil).toBe(time() - 200 + PROBE_DRAIN_MS);
  });

  it("half of a probe's first 100-ms sample lost is an overflow at once", () => {
    const { e, step } = probingLink();
    step(350_000, 0.5, { ms: 100, nextNeed: 1_550_000 });
    expect(e.isProbing).toBe(false);
    expect(e.estimate).toBeLessThan(300_000);
  });

  it("says nothing of loss over too few packets", () => {
    const { e, step } = link();
    step(50_000, 0.5, { ms: 20 });
    expect(e.estimate).toBe(Number.POSITIVE_INFINITY);
  });

  it("random loss at a low rate never takes the estimate below the floor (one video and the sound)", () => {
    const e = new DownlinkEstimator();
    let seed = 42;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    let lowest = Number.POSITIVE_INFINITY;
    for (let i = 1; i <= 240; i++) {
      // Half a second of audio and a layer-0 video: ~32 packets, each lost with a 10 % chance.
      let lost = 0;
      for (let k = 0; k < 32; k++) if (random() < 0.1) lost++;
      const s: LinkSample = {
        at: i * 500,
        intervalMs: 500,
        receivedBps: 190_000,
        packetsReceived: 32 - lost,
        packetsLost: lost,
        freezes: 0,
        slow: false,
      };
      lowest = Math.min(lowest, e.update(s, 550_000, 200_000));
    }
    expect(lowest).toBeGreaterThanOrEqual(200_000);
  });
});

/** A small seeded generator (mulberry32): the same "random" loss on every run. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One reading of `ms` (500 by default): `bps` received, `received` packets arrived and `lost` lost. */
function sampleAt(at: number, bps: number, received: number, lost: number, ms = 500): LinkSample {
  return {
    at,
    intervalMs: ms,
    receivedBps: bps,
    packetsReceived: received,
    packetsLost: lost,
    freezes: 0,
    slow: false,
  };
}
