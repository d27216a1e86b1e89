/**
 * A picture that stopped: packets keep arriving on a video m-line but nothing decodes. Under loss this is a
 * frame that NACK could not repair (or a layer switch's key frame that arrived damaged): every later frame
 * depends on it, so the picture waits for the next key frame. The browser asks for one only after about three
 * seconds without a frame; this asks the media server for one once the picture has been stuck half a second,
 * and again every two seconds while it stays stuck. Pure and clock-free.
 */

/**
 * Packets without a decoded frame this long: the picture is stuck (by then retransmission has had its
 * chances: the media server keeps packets for retransmission about 200 ms).
 */
export const STUCK_MS = 500;
/** A stuck picture's key frame request is repeated this often (each one costs the publisher a key frame). */
export const ASK_AGAIN_MS = 2_000;
/** Less than this arriving is not "packets keep arriving" (padding, a paused m-line's last packets). */
const MIN_BPS = 20_000;
/**
 * A video that decoded at least this many frames a second: an interval without a frame is a stop that began
 * with the interval. Slower ones (a still screen share sends a frame now and then) may go a whole interval
 * without a frame while its packets straddle two readings, so for those the count starts at the reading.
 */
const BRISK_FPS = 6;

export interface VideoFlow {
  kind: "audio" | "video";
  /** Bit/s received over the last interval. */
  bitrate: number;
  /** Frames decoded over the last interval. */
  frames: number;
  /** The interval's length, ms. */
  intervalMs: number;
}

export class FreezeWatch {
  private readonly stuckSince = new Map<string, number>();
  private readonly askedAt = new Map<string, number>();
  /** Frames per second over the last interval that decoded any. */
  private readonly pace = new Map<string, number>();

  /** Takes the last interval's flows by mid (read at `at`); returns the m-lines to ask a key frame for now. */
  due(flows: ReadonlyMap<string, VideoFlow>, at: number): string[] {
    const out: string[] = [];
    for (const [mid, f] of flows) {
      if (f.kind !== "video") continue;
      if (f.frames > 0 || f.bitrate < MIN_BPS) {
        this.stuckSince.delete(mid);
        if (f.frames > 0) this.pace.set(mid, (f.frames * 1000) / Math.max(1, f.intervalMs));
        continue;
      }
      // The last frame came before this interval began: a brisk picture has been stuck at least that long.
      const brisk = (this.pace.get(mid) ?? 0) >= BRISK_FPS;
      const since = this.stuckSince.get(mid) ?? (brisk ? at - f.intervalMs : at);
      this.stuckSince.set(mid, since);
      const asked = this.askedAt.get(mid) ?? Number.NEGATIVE_INFINITY;
      if (at - since >= STUCK_MS && at - asked >= ASK_AGAIN_MS) {
        this.askedAt.set(mid, at);
        out.push(mid);
      }
    }
    for (const map of [this.stuckSince, this.askedAt, this.pace])
      for (const mid of map.keys()) if (!flows.has(mid)) map.delete(mid);
    return out;
  }
}
