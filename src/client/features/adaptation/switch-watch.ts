/**
 * The media server changes a video's simulcast layer on a key frame of the new layer, which it asks the
 * publisher for once, when told. If that request is lost (or the publisher ignores it), the video stays at
 * the old layer: on a congested link, exactly the bigger picture we asked to drop. This watches each camera's
 * asked layer against the layer its received pictures show, and says which to ask for again (the media server
 * asks for a key frame again each time), a few times at most per change. Pure and clock-free.
 *
 * The layer a picture shows is read from its width against the widest picture seen on that m-line, taken for
 * the top layer (each layer below is half as wide): the publisher's camera may not be 1280 pixels wide, and
 * the media server starts every new subscription at the top layer, so the first pictures are the widest.
 */

/** A change not seen in the pictures after this long is asked again. */
export const NUDGE_AFTER_MS = 3_000;
export const MAX_NUDGES = 3;

interface Change {
  layer: number;
  at: number;
  nudges: number;
}

export class SwitchWatch {
  private readonly layers = new Map<string, number>();
  private readonly changes = new Map<string, Change>();
  /** The widest picture seen per m-line. */
  private readonly widest = new Map<string, number>();

  /** What is asked now for camera `mid`: a layer, or null (not received for now). */
  ask(mid: string, layer: number | null, at: number): void {
    // Not received for now: nothing to watch, but the layer last asked is remembered (a video stopped for
    // a moment resumes at another layer: a change like any other).
    if (layer === null) {
      this.changes.delete(mid);
      return;
    }
    const before = this.layers.get(mid);
    this.layers.set(mid, layer);
    if (before !== undefined && before !== layer) this.changes.set(mid, { layer, at, nudges: 0 });
  }

  /** A change asked for `mid` that its pictures do not show yet (as of the last `due`). */
  pending(mid: string): boolean {
    return this.changes.has(mid);
  }

  /** Forgets the videos no longer there. */
  keep(mids: ReadonlySet<string>): void {
    for (const map of [this.layers, this.changes, this.widest])
      for (const mid of map.keys()) if (!mids.has(mid)) map.delete(mid);
  }

  /** The videos whose change the pictures (their widths now) still do not show, to ask for again now. */
  due(widths: ReadonlyMap<string, number>, at: number): string[] {
    for (const [mid, width] of widths) if (width > (this.widest.get(mid) ?? 0)) this.widest.set(mid, width);
    const out: string[] = [];
    for (const [mid, c] of this.changes) {
      const width = widths.get(mid) ?? 0;
      const widest = this.widest.get(mid) ?? 0;
      if (width === 0 || widest === 0) continue;
      const shown = 2 - Math.round(Math.log2(widest / width));
      if (shown === c.layer || c.nudges >= MAX_NUDGES) {
        this.changes.delete(mid);
        continue;
      }
      if (at - c.at < NUDGE_AFTER_MS) continue;
      c.at = at;
      c.nudges += 1;
      out.push(mid);
    }
    return out;
  }
}
