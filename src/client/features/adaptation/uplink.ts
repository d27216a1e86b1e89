/**
 * What our own camera sends on a weak uplink: the highest simulcast layer left on (features/quality applies
 * it, never above the person's choice). The encoder saying it is held back by bandwidth, the media server
 * losing our packets, or `connection.slow` "up" turn off the top layer (h), then the middle one (m); the
 * sound is never touched. Back one layer after a clean while (the browser's estimate gets a moment to catch
 * up with it), a longer one each time a layer brought back had to go again soon.
 *
 * Firefox tells neither its encoder's limitation nor the bandwidth it estimates. There a standing queue says
 * the link is short: the round trip the media server reports on what we send, grown well above the least
 * seen on this connection (a full bottleneck buffer delays every packet, the sound's too).
 *
 * Pure and clock-free, like the downlink estimator.
 */
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
 * Loss alone is mostly the browser's business (its bandwidth estimate reacts to it, and shows as a bandwidth
 * limitation); only heavy loss counts here, and light loss does not prevent bringing a layer back.
 */
const LOSS_TROUBLE = 0.1;
const LOSS_CLEAN = 0.05;
/** Where the encoder's limitation is unknown: a round trip this much above the least seen is a standing queue. */
export const QUEUE_TROUBLE_S = 0.1;
const QUEUE_CLEAN_S = 0.05;

export class UplinkController {
  /** The highest layer the link allows now. */
  cap: Layer = 2;
  private started: number | null = null;
  private troubled = 0;
  private cleanSince: number | null = null;
  private lastDown = Number.NEGATIVE_INFINITY;
  private lastUp = Number.NEGATIVE_INFINITY;
  private restoreAfter = RESTORE_MS;
  private minRtt = Number.POSITIVE_INFINITY;

  /** Takes one sample of the publish connection; returns the layer cap. */
  update(s: UplinkSample): Layer {
    this.started ??= s.at;
    const loss = s.loss ?? 0;
    if (s.rtt !== null) this.minRtt = Math.min(this.minRtt, s.rtt);
    const queued = (excess: number) => s.rtt !== null && s.rtt - this.minRtt > excess;
    const short = s.available !== null && s.available < UPLINK_NEED[this.cap];
    const ramping = s.at - this.lastUp < RAMP_MS;
    const limited = s.limitationKnown ? s.bandwidthLimited && short : queued(QUEUE_TROUBLE_S);
    const trouble = s.slow || loss > LOSS_TROUBLE || (limited && !ramping);
    if (s.at - this.started < UPLINK_GRACE_MS && !s.slow) return this.cap;
    if (trouble) {
      this.troubled += 1;
      this.cleanSince = null;
      const due = s.slow || this.troubled >= TROUBLE_SAMPLES;
      if (due && this.cap > 0 && s.at - this.lastDown >= STEP_DOWN_GAP_MS) {
        if (s.at - this.lastUp < REGRET_MS)
          this.restoreAfter = Math.min(RESTORE_MAX_MS, this.restoreAfter * 2);
        this.cap = (this.cap - 1) as Layer;
        this.lastDown = s.at;
        this.troubled = 0;
      }
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
      this.cap = (this.cap + 1) as Layer;
      this.lastUp = s.at;
      this.cleanSince = s.at;
    }
    if (this.cap === 2 && s.at - this.lastUp >= 3 * REGRET_MS) this.restoreAfter = RESTORE_MS;
    return this.cap;
  }
}
