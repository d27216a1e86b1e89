/**
 * How much this client can receive: an AIMD estimate of its downlink, from what the subscribe connection's
 * statistics say each second (received bitrate, packet loss, freezes) and the media server's `connection.slow`.
 *
 * - Congestion (heavy loss, a slow link, or loss clearly above the tolerated level for the packets seen;
 *   during a probe, any loss above it): the estimate drops to 70 % of what was received. Samples that began
 *   before the last drop took effect are not judged again, so one congestion does not cut twice. After heavy
 *   congestion the videos that go down are stopped for a moment (`drainUntil`), which empties the link's
 *   queue at once.
 * - Clean: it grows 10 % every 2 s (up to where the link last failed), and every few seconds it may jump to
 *   what the next improvement needs (a probe: one layer up, or a paused video back). A probe that meets
 *   congestion goes back to where the link was clean, and the next one waits longer (3 s, 6 s, 10 s); one
 *   that holds lets the next step be tried at once. A probe far beyond where the link last failed (a long
 *   shot) waits the longest gap from the start.
 * - Loss that does not go away when we ask for less is not congestion (a lossy radio link: NACK and
 *   retransmission repair it); it is tolerated from then on instead of pushing the estimate down for
 *   nothing. Heavy loss is always congestion.
 *
 * Pure and clock-free: every sample carries its time, so tests drive it by hand.
 */

import {
  clearlyAbove,
  type LinkSample,
  LOSS_SEVERE,
  lossOf,
  lossOverWindow,
  MIN_PACKETS,
  overflowsAtOnce,
} from "./link-sample.js";

/**
 * Loss above this (or the tolerated level, if higher) is congestion. Not lower: a few per cent of random loss
 * (a poor Wi-Fi) is repaired by NACK and retransmission, while stepping a video down for it costs a wait for
 * the lower layer's keyframe, which under loss can be a freeze of seconds.
 */
export const LOSS_CONGESTED = 0.1;
/**
 * Loss above this over two samples, or above LOSS_SEVERE in one, over enough packets that random loss of a
 * lossy link cannot reach it by chance, is congestion whatever was tolerated: heavy congestion.
 */
export const LOSS_HEAVY = 0.2;
/** Loss below this is clean. */
export const LOSS_CLEAN = 0.02;
export const DECREASE = 0.7;
export const GROWTH = 1.1;
export const GROWTH_EVERY_MS = 2_000;
/** A sample that began less than this after a drop still shows the old rate: it is not judged. */
export const SETTLE_MS = 800;
/** How long after a drop for moderate loss we look whether the loss went away. */
export const CHECK_MS = 3_000;
/** Clean this long before a probe. */
export const CLEAN_BEFORE_PROBE_MS = 1_500;
/** Between probes, at first; after a failed probe twice that, doubled after each further one, up to the max. */
export const PROBE_GAP_MS = 3_000;
export const PROBE_GAP_MAX_MS = 10_000;
/**
 * A probe for more than this many times where the link last failed is a long shot: under a lasting limit it
 * fails, and each failure overflows the link (the sound too) for about a second. Those wait PROBE_GAP_MAX_MS
 * from the start; a limit that lifts is still found within that gap. (Each failure cost 250-320 ms of sound
 * under a 300 kbit/s cap in the degradation bench, even for one layer up. Janus 1.1.2 sends its key frame
 * request to every layer, so key frames come on all of them, and going up it switches to the first higher
 * layer whose key frame arrives: the bench saw 1280-wide pictures decoded while layer 1 was asked for.)
 */
export const LONG_SHOT = 1.5;
/**
 * A probe succeeded once the link stayed clean this long after more started to arrive (or, if nothing more
 * arrives, PROBE_TIMEOUT_MS after it began); the next one may then follow at once.
 */
export const PROBE_WINDOW_MS = 1_500;
export const PROBE_TIMEOUT_MS = 4_000;
/** "More arrives": the received rate rose by this share of the probe's step, or by PROBE_RISE_BPS. */
export const PROBE_RISE = 0.25;
export const PROBE_RISE_BPS = 60_000;
/** Clean this long: the tolerated loss goes back to normal. */
export const TOLERANCE_RESET_MS = 30_000;
/** Growth stops at this share of where the link last failed. */
export const CEILING_MARGIN = 0.95;
/** How long videos that go down a layer are stopped after heavy congestion. */
export const DRAIN_MS = 500;
/**
 * After a probe that overflowed, until this long after the probe began. The media server switches a video
 * down only on a key frame of the lower layer, and not at all while the video is stopped (Janus 1.1.2 skips
 * its layer logic for a stream it does not send): a resumed video gets the probe's layer until the next key
 * frame. This stop, with a key frame asked for on resume, took the cap test's audio concealment from
 * 5.1–6.3 % (half a second) to 3.0–4.2 %.
 */
export const PROBE_DRAIN_MS = 1_500;
export const MIN_BPS = 30_000;
export const MAX_BPS = 50_000_000;
const HEAVY_MIN_PACKETS = 60;
const WINDOW_SPAN_MS = 2_000;
/** A probe's own samples show an overflow once they hold this many packets, or one sample loses this share. */
const PROBE_MIN_PACKETS = 25;
const PROBE_OVERFLOW = 0.45;

export type LinkVerdict = "clean" | "lossy" | "congested";

interface Check {
  at: number;
  lossBefore: number;
  estimateBefore: number;
  lost: number;
  expected: number;
}

export class DownlinkEstimator {
  /** Bit/s; Infinity until congestion is first seen (nothing to limit). */
  estimate = Number.POSITIVE_INFINITY;
  /** Loss tolerated as not congestion. */
  tolerance = LOSS_CONGESTED;
  /** What the last sample said. */
  verdict: LinkVerdict = "clean";
  /** When congestion was last seen (ms). */
  congestedAt = Number.NEGATIVE_INFINITY;
  /**
   * Until then (ms), videos whose layer goes down are better stopped than switched: a lower layer only
   * starts at its next keyframe, and until then the overflowing queue keeps dropping sound too; stopping
   * empties it at once.
   */
  drainUntil = Number.NEGATIVE_INFINITY;
  /** The newest samples since the last drop, for judging loss over enough packets. */
  private recent: LinkSample[] = [];
  /** The sample before this one, whatever happened since. */
  private previous: LinkSample | null = null;
  private lastDecrease = Number.NEGATIVE_INFINITY;
  private lastGrowth = Number.NEGATIVE_INFINITY;
  private lastProbe = Number.NEGATIVE_INFINITY;
  private probeGap = PROBE_GAP_MS;
  private probing = false;
  private floor = 0;
  /** The estimate before the current probe, the rate received then, and when more started to arrive. */
  private probeBase = 0;
  private probeFrom = 0;
  private probeRoseAt: number | null = null;
  /** Where the link last failed (a probe's level, or what it carried under heavy loss); growth stays below. */
  private ceiling = Number.POSITIVE_INFINITY;
  private cleanSince: number | null = null;
  private check: Check | null = null;

  /** A probe is under way: worth sampling more often, to back off quickly if it fails. */
  get isProbing(): boolean {
    return this.probing;
  }

  /**
   * Takes one sample; `nextNeed` is the budget at which the allocation would receive more (null: nothing to
   * gain, no probe); `floor` what the sound and one video at its lowest layer need: moderate loss alone
   * never takes the estimate below it (only heavy congestion pauses every video). Returns the new estimate.
   */
  update(s: LinkSample, nextNeed: number | null, floor = 0): number {
    this.floor = floor;
    const packets1 = s.packetsLost + s.packetsReceived;
    const loss1 = lossOf(s.packetsLost, s.packetsReceived);
    const began = s.at - s.intervalMs;
    const settling = this.settling(began);
    // Samples from before our last drop show the old rate: they are not judged again.
    this.recent = this.recent.filter((r) => s.at - r.at < WINDOW_SPAN_MS && r.at > this.lastDecrease);
    this.recent.push(s);
    const window = lossOverWindow(this.recent, (r) => r.at > 0);
    const probe = this.probing
      ? lossOverWindow(this.recent, (r) => r.at - r.intervalMs >= this.lastProbe)
      : null;

    this.review(s, began, window.loss);
    // Congestion is judged on the current sample's own loss; the window only confirms it (a drop's
    // aftermath in an earlier sample must not cut again once the loss is gone).
    const before = this.previous;
    this.previous = s;
    // A probe that overflows the link loses a third of its packets within a few 100-ms samples; random loss
    // of a poor radio link almost never does, over that many packets.
    // (Nearly half of one sample's packets lost, even a 100-ms one, is an overflow too: 10 % random loss gives
    // 5 of 10 about once in 600 samples.)
    const overflow =
      probe !== null &&
      loss1 > LOSS_CONGESTED &&
      ((probe.packets >= PROBE_MIN_PACKETS && probe.loss > LOSS_SEVERE) ||
        (packets1 >= MIN_PACKETS && loss1 >= PROBE_OVERFLOW));
    const heavy =
      s.slow ||
      overflowsAtOnce(s, before) ||
      overflow ||
      (loss1 > LOSS_CONGESTED && window.loss > LOSS_HEAVY && window.packets >= HEAVY_MIN_PACKETS);
    const moderate =
      loss1 > LOSS_CLEAN &&
      window.packets >= HEAVY_MIN_PACKETS &&
      // A probe is the likely cause of any loss that comes with it: judged on the bare rate.
      (this.probing
        ? window.loss > Math.max(LOSS_CONGESTED, this.tolerance)
        : clearlyAbove(window, Math.max(LOSS_CONGESTED, this.tolerance)));
    if (heavy || moderate) {
      // Heavy loss is congestion whatever the rate: no point asking whether it is the link's own.
      if (heavy) this.check = null;
      this.verdict = "congested";
      this.cleanSince = null;
      this.congestedAt = s.at;
      if (!settling && (heavy || this.check === null)) this.decrease(s, heavy, window.loss);
      // Heavy right after a drop for moderate loss: the drop stands, but the queue needs emptying now.
      else if (heavy && this.drainUntil < this.lastDecrease) this.drainUntil = s.at + DRAIN_MS;
      return this.estimate;
    }
    const clean = window.loss <= Math.max(LOSS_CLEAN, this.tolerance / 2) && !(s.freezes > 0 && loss1 > 0.01);
    this.verdict = clean ? "clean" : "lossy";
    if (!clean) {
      this.cleanSince = null;
      return this.estimate;
    }
    this.cleanSince ??= s.at;
    if (s.at - this.cleanSince >= TOLERANCE_RESET_MS) this.tolerance = LOSS_CONGESTED;
    const rose =
      s.receivedBps >=
      this.probeFrom + Math.min(PROBE_RISE * (this.estimate - this.probeBase), PROBE_RISE_BPS);
    if (this.probing && rose) this.probeRoseAt ??= s.at;
    const held = this.probeRoseAt !== null && s.at - this.probeRoseAt >= PROBE_WINDOW_MS;
    if (this.probing && (held || s.at - this.lastProbe >= PROBE_TIMEOUT_MS)) {
      // The link carries more than it did: the next step may be tried at once. Where it last failed is
      // forgotten only once it carries that much (a paused video back at its lowest layer says nothing
      // about the layer above, which failed).
      this.probing = false;
      this.probeGap = PROBE_WINDOW_MS;
      if (this.estimate >= this.ceiling) this.ceiling = Number.POSITIVE_INFINITY;
    }
    if (!Number.isFinite(this.estimate)) return this.estimate;
    const since = Math.max(this.lastDecrease, this.lastGrowth, this.lastProbe);
    // Growth stays under where the link last failed; only a probe goes past it.
    const room = Math.min(MAX_BPS, CEILING_MARGIN * this.ceiling);
    if (s.at - since >= GROWTH_EVERY_MS && this.estimate < room) {
      this.estimate = Math.min(room, this.estimate * GROWTH);
      this.lastGrowth = s.at;
    }
    const longShot = nextNeed !== null && nextNeed > LONG_SHOT * this.ceiling;
    const gap = longShot ? Math.max(this.probeGap, PROBE_GAP_MAX_MS) : this.probeGap;
    const quiet = s.at - Math.max(this.lastDecrease, this.lastProbe) >= gap;
    if (
      nextNeed !== null &&
      nextNeed > this.estimate &&
      !this.probing &&
      quiet &&
      s.at - this.cleanSince >= CLEAN_BEFORE_PROBE_MS
    ) {
      this.probeBase = this.estimate;
      this.probeFrom = s.receivedBps;
      this.probeRoseAt = null;
      this.estimate = Math.min(MAX_BPS, nextNeed);
      this.lastProbe = s.at;
      this.probing = true;
    }
    return this.estimate;
  }

  /**
   * A sample taken between two regular ones (the controller's glance) shows an overflow that should be
   * acted on now rather than at the next one: the link's capacity just fell under what it carries.
   */
  alarming(s: LinkSample): boolean {
    return !this.settling(s.at - s.intervalMs) && !this.probing && overflowsAtOnce(s, this.previous);
  }

  /**
   * A sample that began this soon after the last drop still shows the rate from before it. After a drop that
   * stopped what went down (a drain), the link shows the new rate at once, and what overflows once the drain
   * ends is ours to see: judged DRAIN_MS after the drop, not SETTLE_MS. (Under a new cap the first drop, from
   * a sample half before the cap, often resumed a layer too high; seen 800 ms later, that took another second
   * of overflow, the sound's too.)
   */
  private settling(began: number): boolean {
    return began < this.lastDecrease + (this.drainUntil > this.lastDecrease ? DRAIN_MS : SETTLE_MS);
  }

  private decrease(s: LinkSample, heavy: boolean, loss: number): void {
    const before = this.estimate;
    this.lastDecrease = s.at;
    // Far more arrives than the link carries (or a probe overflowed it): what gets smaller should stop at
    // once, for a moment. Not for moderate loss otherwise: a stopped video restarts only at a key frame, while
    // a layer switch keeps the picture going until the lower layer's key frame comes. A failed probe is
    // different: the media server keeps forwarding the probe's layer until that key frame, so the probed
    // video stops for longer (PROBE_DRAIN_MS).
    if (heavy || this.probing)
      this.drainUntil = Math.max(s.at + DRAIN_MS, this.probing ? this.lastProbe + PROBE_DRAIN_MS : 0);
    // A probe's failure is the probe's doing, unless the link now carries clearly less than where it was
    // clean before the probe (a cap that came during it): then it is an ordinary heavy congestion.
    // (Over the probe's samples, not the last 100 ms alone: an overflowing link delivers in bursts.)
    const duringProbe = this.probing ? this.receivedSince(this.lastProbe) : Number.POSITIVE_INFINITY;
    const shrunk = heavy && duringProbe < DECREASE * this.probeBase;
    if (shrunk) this.probing = false;
    const received = shrunk ? duringProbe : s.receivedBps;
    if (this.probing) {
      // The probe was the only change: back to where the link was clean, and wait longer next time.
      this.probing = false;
      // Doubled from at least the usual gap: a success just below (a paused video back at its lowest layer)
      // shortens the gap, but says nothing about the layer that failed. Each failure costs the sound a few
      // hundred ms (the Firefox cap test's third failure in 30 s took it from about 4.7 to 5.6 %).
      this.probeGap = Math.min(PROBE_GAP_MAX_MS, 2 * Math.max(PROBE_GAP_MS, this.probeGap));
      this.ceiling = Math.min(this.ceiling, before);
      // (If the link got worse meanwhile, the next congested sample cuts further.)
      this.estimate = this.probeBase;
      this.check = null;
      return;
    }
    if (heavy) this.ceiling = Math.min(this.ceiling, Math.max(received, MIN_BPS));
    this.probeGap = Math.max(this.probeGap, PROBE_GAP_MS);
    // Heavy congestion may go below the floor (every video paused, the sound alone), but not on a link that
    // delivered the floor even while overflowing: it can hold the sound and one lowest layer, and going under
    // would pause every video for nothing.
    const carried = received >= this.floor;
    const lowest = heavy && !carried ? MIN_BPS : Math.max(MIN_BPS, Math.min(this.floor, before));
    this.estimate = Math.max(lowest, Math.min(this.estimate, DECREASE * received));
    // Moderate loss may not be ours to fix: look again once the lower rate is in force.
    this.check = heavy ? null : { at: s.at, lossBefore: loss, estimateBefore: before, lost: 0, expected: 0 };
  }

  /** Bit/s received over the recent samples that began at or after `t` (Infinity: none). */
  private receivedSince(t: number): number {
    let bits = 0;
    let ms = 0;
    for (const r of this.recent)
      if (r.at - r.intervalMs >= t) {
        bits += r.receivedBps * r.intervalMs;
        ms += r.intervalMs;
      }
    return ms > 0 ? bits / ms : Number.POSITIVE_INFINITY;
  }

  /** After a drop for moderate loss: if the loss stayed, it is the link's, not our rate's: tolerate it. */
  private review(s: LinkSample, began: number, recentLoss: number): void {
    const check = this.check;
    if (!check) return;
    if (began >= check.at + SETTLE_MS) {
      check.lost += s.packetsLost;
      check.expected += s.packetsLost + s.packetsReceived;
    }
    if (s.at < check.at + CHECK_MS) return;
    this.check = null;
    if (check.expected < MIN_PACKETS) return;
    const after = check.lost / check.expected;
    if (
      after > LOSS_CLEAN &&
      after <= LOSS_HEAVY &&
      after >= 0.5 * check.lossBefore &&
      recentLoss <= LOSS_HEAVY
    ) {
      this.tolerance = Math.min(LOSS_HEAVY, Math.max(this.tolerance, after * 1.5 + 0.02));
      this.estimate = Math.max(this.estimate, check.estimateBefore);
    }
  }
}
