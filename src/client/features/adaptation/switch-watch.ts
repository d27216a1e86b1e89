/**
 * The media server changes a video's simulcast layer on a key frame of the new layer, which it asks the
 * publisher for once, when told. If that request is lost (or the publisher ignores it), the video stays at
 * the old layer: on a congested link, exactly the bigger picture we asked to drop. This watches each camera's
 * asked layer against the layer its received pictures show, and says which to ask for again (the media server
 * asks for a key frame again each time), a few times at most per change. Pure and clock-free.
 *
 * The layer a picture shows is read from its width against the widest picture seen on that m-line, taken for
 * the top layer (each layer below is half as wide): the publisher's camera may not be 1280 pixels wide. That
 * widest picture is not always the top layer: Janus starts a subscription on whichever layer's key frame comes
 * first, and a CI run stayed a minute on layer 1 after layer 2 was asked (its key frame request went unanswered),
 * every picture 640 wide, which read as the top. So a change is also seen only once the pictures' width moved
 * its way since it was asked, unless it goes down and undoes a change the pictures never showed.
 */

/** A change not seen in the pictures after this long is asked again. */
export const NUDGE_AFTER_MS = 3_000;
export const MAX_NUDGES = 3;
/** The top simulcast layer of most cameras (and of the app's own: 1280×720). */
const TYPICAL_TOP_WIDTH = 1280;

interface Change {
  layer: number;
  at: number;
  nudges: number;
  /** The pictures' width when it was asked (undefined: none yet), and which way it should move. */
  width: number | undefined;
  up: boolean;
  /** It undoes a change the pictures did not show yet: they may already show this one. */
  undoes: boolean;
}

export class SwitchWatch {
  private readonly layers = new Map<string, number>();
  private readonly changes = new Map<string, Change>();
  /** The widest picture seen per m-line, and the width at the last `due`. */
  private readonly widest = new Map<string, number>();
  private readonly width = new Map<string, number>();

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
    if (before !== undefined && before !== layer)
      this.changes.set(mid, {
        layer,
        at,
        nudges: 0,
        width: this.width.get(mid),
        up: layer > before,
        undoes: this.changes.has(mid),
      });
  }

  /** A change asked for `mid` that its pictures do not show yet (as of the last `due`). */
  pending(mid: string): boolean {
    return this.changes.has(mid);
  }

  /** Forgets the videos no longer there. */
  keep(mids: ReadonlySet<string>): void {
    for (const map of [this.layers, this.changes, this.widest, this.width])
      for (const mid of map.keys()) if (!mids.has(mid)) map.delete(mid);
  }

  /** The videos whose change the pictures (their widths now) still do not show, to ask for again now. */
  due(widths: ReadonlyMap<string, number>, at: number): string[] {
    for (const [mid, width] of widths) {
      if (width > (this.widest.get(mid) ?? 0)) this.widest.set(mid, width);
      if (width > 0) this.width.set(mid, width);
    }
    const out: string[] = [];
    for (const [mid, c] of this.changes) {
      const width = widths.get(mid) ?? 0;
      const widest = this.widest.get(mid) ?? 0;
      if (width === 0 || widest === 0) continue;
      const shown = 2 - Math.round(Math.log2(widest / width));
      // A rise asked before any picture came has no width to grow from: the first picture is where it starts,
      // and it counts as shown only if that picture is as wide as a camera's top layer usually is (a CI run
      // asked 1, then 2, before its first picture, got 640 wide pictures for a minute, and read them as the
      // top, the widest seen). A camera whose top layer is narrower costs a few key frame requests, once.
      if (c.width === undefined && c.up) {
        c.width = width;
        if (width < TYPICAL_TOP_WIDTH) continue;
      }
      // The widest-picture reading can only be too small, which reads a picture too high: an upward change
      // must be seen growing, even when it undoes one (a CI run asked 1, then 2, while 640 read as the top).
      const moved =
        (c.undoes && !c.up) ||
        c.width === undefined ||
        (c.up ? width > c.width || width >= TYPICAL_TOP_WIDTH : width < c.width);
      if ((shown === c.layer && moved) || c.nudges >= MAX_NUDGES) {
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
