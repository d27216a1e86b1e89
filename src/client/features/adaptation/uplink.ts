/**
 * What our own camera sends on a weak uplink: the highest simulcast layer left on (features/quality applies
 * it, never above the person's choice). The encoder saying it is held back by bandwidth, the media server
 * losing our packets, or `connection.slow` "up" turn off the top layer (h), then the middle one (m); the
 * sound is never touched. Back one layer after a clean while (the browser's estimate gets a moment to catch
 * up with it), a longer one each time a layer brought back had to go again soon.
 *
 * The lowest layer (l) goes too, the camera paused, only when the link cannot carry the sound beside it: the
 * browser's own estimate of the uplink below what the sound and l at its least take (then at once, from any
 * layer: stepping down through layers that cannot fit costs the sound seconds), or, where the browser does not
 * tell it, a standing queue that stays with l alone, which delays and drops the sound's packets with the
 * picture's. Loss alone never pauses the camera: a few per cent of random loss is repaired, and sending less
 * does not cure it.
 *
 * Firefox tells neither its encoder's limitation nor the bandwidth it estimates. There a standing queue says
 * the link is short: the round trip the media server reports on what we send, grown well above the least
 * seen on this connection (a full bottleneck buffer delays every packet, the sound's too).
 *
 * Pure and clock-free, like the downlink estimator.
 */
import type { VideoLayer } from "../../engine/send-layers.js";
import type { Layer } from "./allocation.js";

export interface UplinkSample {
  at: number;
  /** The encoder reports `qualityLimitationReason: "bandwidth"`. */
  bandwidthLimited: boolean;
  /** The browser reports its encoder's limitation at all (Chromium does, Firefox does not). */
  limitationKnown: boolean;
  /** Round trip to the media server on what we send, seconds (remote-inbound-rtp; null: unknown). */
  rtt: number | null;
  /** The selected candidate pair's availableOutgoingBitrate, bit/s (null: unknown). */
  available: number | null;
  /** Loss the media server reports on what we send (remote-inbound-rtp fractionLost, 0..1; null: unknown). */
  loss: number | null;
  /** The media server reported our uplink slow during the interval. */
  slow: boolean;
}

/** What sending the layers up to each one takes (audio included): l; l+m; l+m+h. */
export const UPLINK_NEED: readonly [number, number, number] = [200_000, 700_000, 2_200_000];
/**
 * Below this estimate the uplink cannot carry the sound (~55 kbit/s on the wire: Opus and 50 packets a
 * second of headers) and the lowest layer at its least (~30 kbit/s), with a little to spare.
 */
export const SOUND_AND_LEAST_BPS = 100_000;
/** The browser's bandwidth estimate starts low and ramps up: no verdict before this long. */
export const UPLINK_GRACE_MS = 12_000;
/** Trouble in this many samples in a row takes a layer off (a slow-link report at once). */
export const TROUBLE_SAMPLES = 4;
/** At most one step down per this long. */
export const STEP_DOWN_GAP_MS = 4_000;
/** Clean this long brings a layer back; doubled when the layer had to go again within REGRET_MS. */
export const RESTORE_MS = 8_000;
export const RESTORE_MAX_MS = 40_000;
export const REGRET_MS = 20_000;
/**
 * A layer brought back starts bandwidth-limited while the browser's estimate catches up (it probes the link
 * when its allocation grows): that limitation is not trouble for this long.
 */
export const RAMP_MS = 8_000;
/**
 * l brought back after a pause: the browser probes the link at once when its allocation grows, so a link that
 * still cannot carry the sound beside l shows it within seconds; the sound pays until then.
 */
export const STARVE_RAMP_MS = 3_000;
/**
 * Loss alone is mostly the browser's business (its bandwidth estimate reacts to it, and shows as a bandwidth
 * limitation); only heavy loss counts here, and light loss does not prevent bringing a layer back.
 */
const LOSS_TROUBLE = 0.1;
const LOSS_CLEAN = 0.05;
/** Where the encoder's limitation is unknown: a round trip this much above the least seen is a standing queue. */
export const QUEUE_TROUBLE_S = 0.1;
const QUEUE_CLEAN_S = 0.05;

export class UplinkController {
  /** The highest layer the link allows now; -1: none, the camera paused so that the sound gets through. */
  cap: VideoLayer = 2;
  private started: number | null = null;
  private troubled = 0;
  /** Samples in a row, at l alone, where the link could not carry the sound beside it. */
  private starved = 0;
  private cleanSince: number | null = null;
  private lastDown = Number.NEGATIVE_INFINITY;
  private lastUp = Number.NEGATIVE_INFINITY;
  private restoreAfter = RESTORE_MS;
  private minRtt = Number.POSITIVE_INFINITY;

  /** Takes one sample of the publish connection; returns the layer cap. */
  update(s: UplinkSample): VideoLayer {
    this.started ??= s.at;
    const loss = s.loss ?? 0;
    if (s.rtt !== null) this.minRtt = Math.min(this.minRtt, s.rtt);
    const queued = (excess: number) => s.rtt !== null && s.rtt - this.minRtt > excess;
    const short = s.available !== null && s.available < UPLINK_NEED[Math.max(0, this.cap) as Layer];
    const ramping = s.at - this.lastUp < RAMP_MS;
    const limited = s.limitationKnown ? s.bandwidthLimited && short : queued(QUEUE_TROUBLE_S);
    const trouble = s.slow || loss > LOSS_TROUBLE || (limited && !ramping);
    if (s.at - this.started < UPLINK_GRACE_MS && !s.slow) return this.cap;
    const starving = s.limitationKnown
      ? s.available !== null && s.available < SOUND_AND_LEAST_BPS
      : this.cap === 0 && queued(QUEUE_TROUBLE_S);
    const probing = s.at - this.lastUp < STARVE_RAMP_MS;
    this.starved = this.cap >= 0 && starving && !probing ? this.starved + 1 : 0;
    if (this.starved >= TROUBLE_SAMPLES && s.at - this.lastDown >= STEP_DOWN_GAP_MS) {
      this.lower(-1, s.at);
      return this.cap;
    }
    if (trouble) {
      this.troubled += 1;
      this.cleanSince = null;
      const due = s.slow || this.troubled >= TROUBLE_SAMPLES;
      if (due && this.cap > 0 && s.at - this.lastDown >= STEP_DOWN_GAP_MS)
        this.lower((this.cap - 1) as VideoLayer, s.at);
      return this.cap;
    }
    this.troubled = 0;
    const held = s.limitationKnown ? s.bandwidthLimited : queued(QUEUE_CLEAN_S);
    if (loss > LOSS_CLEAN || (held && !ramping)) {
      this.cleanSince = null;
      return this.cap;
    }
    this.cleanSince ??= s.at;
    if (this.cap < 2 && s.at - this.cleanSince >= this.restoreAfter) {
      this.cap = (this.cap + 1) as VideoLayer;
      this.lastUp = s.at;
      this.cleanSince = s.at;
    }
    if (this.cap === 2 && s.at - this.lastUp >= 3 * REGRET_MS) this.restoreAfter = RESTORE_MS;
    return this.cap;
  }

  /** Down to `cap`; a layer brought back that had to go again soon waits twice as long next time. */
  private lower(cap: VideoLayer, at: number): void {
    if (at - this.lastUp < REGRET_MS) this.restoreAfter = Math.min(RESTORE_MAX_MS, this.restoreAfter * 2);
    this.cap = cap;
    this.lastDown = at;
    this.troubled = 0;
    this.starved = 0;
    this.cleanSince = null;
  }
}
