/**
 * One reading of the downlink (what the subscribe connection received over an interval), and how much it
 * loses: the judgements the estimator makes on one sample, or on the newest few. Pure.
 */

export interface LinkSample {
  /** When the sample was taken (ms, monotonic). */
  at: number;
  /** The time it covers, ms. */
  intervalMs: number;
  /** Bit/s received over the interval, all streams. */
  receivedBps: number;
  /** Packets received and lost over the interval, all streams. */
  packetsReceived: number;
  packetsLost: number;
  /** Video freezes that started over the interval. */
  freezes: number;
  /** The media server reported our downlink slow during the interval. */
  slow: boolean;
}

/** Above this in one sample, over SEVERE_MIN_PACKETS or more, loss is heavy congestion whatever the link. */
export const LOSS_SEVERE = 0.3;
/** Fewer packets than this say nothing about loss; a single sample's severe loss needs a few more. */
export const MIN_PACKETS = 8;
export const SEVERE_MIN_PACKETS = 40;
/**
 * A sample that received less than this share of the one before while losing more than LOSS_COLLAPSE of its
 * packets: the link's capacity fell under what it carried (a cap, a busier network) — heavy congestion at
 * once. Judged on that sample alone, the window still held the clean samples of just before, so the first
 * half second of a new cap (19 % lost while the received rate fell from 1.7 Mbit/s to 470 kbit/s) was only
 * "lossy", and the sound went on overflowing with the video for another half second. Random loss does not
 * halve what arrives; a video we stop ourselves halves it without loss.
 */
const COLLAPSE_RATE = 0.5;
const LOSS_COLLAPSE = 0.15;
/**
 * Loss is judged over the newest samples holding at least this many packets (within WINDOW_SPAN_MS, since the
 * last drop): a probe samples every 100 ms, and 3 lost of 13 packets is what 10 % random loss gives half the
 * time — judged over so few packets, random loss would fail every probe.
 */
export const WINDOW_PACKETS = 100;
/**
 * Heavy congestion one sample shows on its own: most of its packets lost, or the received rate halved
 * against the sample before while losing more than LOSS_COLLAPSE (see COLLAPSE_RATE).
 */
export function overflowsAtOnce(s: LinkSample, before: LinkSample | null): boolean {
  const packets = s.packetsLost + s.packetsReceived;
  if (packets < SEVERE_MIN_PACKETS) return false;
  const loss = lossOf(s.packetsLost, s.packetsReceived);
  if (loss > LOSS_SEVERE) return true;
  return before !== null && loss > LOSS_COLLAPSE && s.receivedBps < COLLAPSE_RATE * before.receivedBps;
}

/** Loss over the newest samples that `take` accepts, back until WINDOW_PACKETS packets are covered. */
export function lossOverWindow(
  samples: readonly LinkSample[],
  take: (s: LinkSample) => boolean,
): { loss: number; packets: number } {
  let lost = 0;
  let packets = 0;
  for (let i = samples.length - 1; i >= 0 && packets < WINDOW_PACKETS; i--) {
    const r = samples[i] as LinkSample;
    if (!take(r)) break;
    lost += Math.max(0, r.packetsLost);
    packets += r.packetsLost + r.packetsReceived;
  }
  return { loss: packets > 0 ? lost / packets : 0, packets };
}

/**
 * The window's loss is above `rate` by more than chance gives: two standard deviations of the loss a link
 * losing exactly `rate` shows over that many packets (over 200 packets, 14 % for 10 %). Judged on the bare
 * rate, 5 % random loss crossed 10 % in about one window of ~110 packets in a hundred: a layer down for
 * nothing every few minutes on a lossy link (in most 3-minute runs of the degradation bench).
 */
export function clearlyAbove(w: { loss: number; packets: number }, rate: number): boolean {
  return w.loss > rate + 2 * Math.sqrt((rate * (1 - rate)) / Math.max(1, w.packets));
}

/** Lost share of the packets expected (0 below MIN_PACKETS: too few to say). */
export function lossOf(lost: number, received: number): number {
  const expected = lost + received;
  return expected < MIN_PACKETS ? 0 : Math.max(0, lost) / expected;
}
