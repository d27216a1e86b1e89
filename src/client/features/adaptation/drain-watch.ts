/**
 * Right after heavy congestion, a video whose layer goes down is stopped for a moment instead (see
 * DownlinkEstimator.drainUntil), then the plan takes it up again at its new layer. Pure and clock-free.
 */
import type { VideoDecision } from "./allocation.js";

/** A video lowered this recently is stopped rather than left switching when heavy congestion follows. */
export const LOWERED_MS = 2_000;

export class DrainWatch {
  /** Videos stopped for a moment: mid → until when (ms). */
  private readonly draining = new Map<string, number>();
  /** Videos whose layer went down lately: mid → when (ms). */
  private readonly lowered = new Map<string, number>();

  /**
   * Turns into stops, in `decisions`, the videos that go down while the link drains (until `until`), and
   * those lowered a moment ago whose pictures do not show it yet (`switching`): the media server may still
   * wait for the lower layer's key frame, sending the bigger one meanwhile. `before` is the last plan.
   * Returns true while some video is stopped: the plan is due again when the drain ends.
   */
  apply(
    decisions: Map<string, VideoDecision>,
    before: ReadonlyMap<string, VideoDecision>,
    until: number,
    at: number,
    switching: (mid: string) => boolean,
  ): boolean {
    for (const [mid, d] of decisions) {
      const prev = before.get(mid);
      const now = d.send && prev?.send === true && d.layer < prev.layer;
      if (now) this.lowered.set(mid, at);
      const lowered = this.lowered.get(mid);
      if (lowered !== undefined && at - lowered > LOWERED_MS) this.lowered.delete(mid);
      else if (until > at && !this.draining.has(mid) && (now || switching(mid)))
        this.draining.set(mid, until);
      const stop = this.draining.get(mid);
      if (stop === undefined) continue;
      if (stop > at) decisions.set(mid, { send: false, why: "bandwidth" });
      else this.draining.delete(mid);
    }
    for (const mid of this.draining.keys()) if (!decisions.has(mid)) this.draining.delete(mid);
    return this.draining.size > 0;
  }
}
