/**
 * Where each tile is: its rendered width (ResizeObserver) and whether it is on screen (IntersectionObserver:
 * a tile scrolled out of the speaker view's strip is not). A tile that is not rendered (another page of the
 * grid) is not registered at all. The signal changes only when what the allocation looks at changes (the
 * layer a width calls for, visibility), not at every pixel of a resize.
 */
import { type ReadonlySignal, signal } from "@preact/signals";
import { layerForWidth } from "./allocation.js";

export interface TilePlace {
  width: number;
  visible: boolean;
}

export class TileWatch {
  private readonly places = signal<ReadonlyMap<string, TilePlace>>(new Map());
  private readonly elements = new Map<Element, string>();
  private readonly refs = new Map<string, (el: Element | null) => void>();
  private readonly current = new Map<string, Element>();
  private readonly resize: ResizeObserver | null;
  private readonly intersect: IntersectionObserver | null;
  /** Latest raw readings, folded into `places` when they matter. */
  private readonly widths = new Map<string, number>();
  private readonly onScreen = new Map<string, boolean>();

  constructor() {
    this.resize =
      typeof ResizeObserver === "undefined"
        ? null
        : new ResizeObserver((entries) => {
            for (const e of entries) {
              const key = this.elements.get(e.target);
              if (key !== undefined && this.current.get(key) === e.target)
                this.widths.set(key, e.contentRect.width);
            }
            this.publish();
          });
    this.intersect =
      typeof IntersectionObserver === "undefined"
        ? null
        : new IntersectionObserver((entries) => {
            for (const e of entries) {
              const key = this.elements.get(e.target);
              if (key !== undefined && this.current.get(key) === e.target)
                this.onScreen.set(key, e.isIntersecting);
            }
            this.publish();
          });
  }

  /** Tiles by key: width and visibility. */
  get tiles(): ReadonlySignal<ReadonlyMap<string, TilePlace>> {
    return this.places;
  }

  /** Whether a tile with this key is rendered now (measured or about to be). */
  has(key: string): boolean {
    return this.current.has(key);
  }

  /** A stable ref callback for the tile `key`'s element. */
  ref(key: string): (el: Element | null) => void {
    let cb = this.refs.get(key);
    if (!cb) {
      cb = (el) => this.attach(key, el);
      this.refs.set(key, cb);
    }
    return cb;
  }

  /**
   * One callback serves every element of a key (a tile moving from the grid to the stage is two elements for
   * a moment, and their refs may be called in either order): a new element takes over at once, and a null
   * looks, once the render is committed, for elements that left the document.
   */
  private attach(key: string, el: Element | null): void {
    if (el) {
      if (this.current.get(key) === el) return;
      this.elements.set(el, key);
      this.current.set(key, el);
      // Measured at once, so a new tile need not wait for the observers' first report.
      this.widths.set(key, el.getBoundingClientRect().width);
      this.onScreen.delete(key);
      this.resize?.observe(el);
      this.intersect?.observe(el);
      this.publish();
    } else queueMicrotask(() => this.sweep());
  }

  private sweep(): void {
    for (const [el, key] of this.elements) {
      if (el.isConnected) continue;
      this.resize?.unobserve(el);
      this.intersect?.unobserve(el);
      this.elements.delete(el);
      if (this.current.get(key) === el) {
        this.current.delete(key);
        this.widths.delete(key);
        this.onScreen.delete(key);
      }
    }
    this.publish();
  }

  private publish(): void {
    const next = new Map<string, TilePlace>();
    for (const key of this.current.keys())
      next.set(key, { width: this.widths.get(key) ?? 0, visible: this.onScreen.get(key) ?? true });
    const prev = this.places.peek();
    const same =
      prev.size === next.size &&
      [...next].every(([key, p]) => {
        const q = prev.get(key);
        return (
          q !== undefined &&
          q.visible === p.visible &&
          q.width > 0 === p.width > 0 &&
          layerForWidth(q.width) === layerForWidth(p.width)
        );
      });
    if (!same) this.places.value = next;
  }
}
