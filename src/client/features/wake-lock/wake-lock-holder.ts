/**
 * Holding the screen's wake lock while it is wanted and the page is shown. The browser takes the lock back
 * by itself when the page hides (and refuses one for a hidden page), so the holder lets go on hide and asks
 * again when the page is shown while still wanted. Everything about the page comes through `WakeLockEnv`,
 * so this runs with a fake document in unit tests; a missing API or a refusal is a state, never an error.
 */
import { signal } from "@preact/signals";

/** The part of WakeLockSentinel this uses. */
export interface WakeSentinel {
  readonly released: boolean;
  release(): Promise<void>;
  addEventListener(type: "release", listener: () => void): void;
}

export interface WakeLockEnv {
  /** Asks for the screen lock; null where the browser has no Screen Wake Lock API. */
  request: (() => Promise<WakeSentinel>) | null;
  /** The page is shown (document.visibilityState is not "hidden"). */
  visible(): boolean;
}

/**
 * off: not wanted; waiting: wanted, page hidden (or the browser took the lock back); asking: a request is on
 * its way; held; unsupported: no API; refused: the browser said no (permission, power saving).
 */
export type WakeLockStatus = "off" | "waiting" | "asking" | "held" | "unsupported" | "refused";

export class WakeLockHolder {
  readonly status = signal<WakeLockStatus>("off");
  #wanted = false;
  #sentinel: WakeSentinel | null = null;
  #asking = false;
  /** Bumped whenever the lock stops being wanted: a request that resolves after that is given back. */
  #generation = 0;

  constructor(private readonly env: WakeLockEnv) {
    if (!env.request) this.status.value = "unsupported";
  }

  /** Whether the page wants the screen kept on (in the meeting). */
  want(on: boolean): void {
    this.#wanted = on;
    this.#update();
  }

  /** The page was hidden or shown. */
  visibilityChanged(): void {
    this.#update();
  }

  #update(): void {
    const request = this.env.request;
    if (!request) return;
    if (!this.#wanted || !this.env.visible()) {
      this.#generation += 1;
      this.#let();
      this.status.value = this.#wanted ? "waiting" : "off";
      return;
    }
    if ((this.#sentinel && !this.#sentinel.released) || this.#asking) return;
    const generation = this.#generation;
    this.#asking = true;
    this.status.value = "asking";
    request().then(
      (sentinel) => {
        this.#asking = false;
        if (generation !== this.#generation) {
          void sentinel.release().catch(() => {});
          this.#update();
          return;
        }
        this.#sentinel = sentinel;
        this.status.value = "held";
        sentinel.addEventListener("release", () => {
          if (this.#sentinel !== sentinel) return; // our own release: already accounted for
          // The browser took it back (battery saver, the page hid before we heard): asked again when shown.
          this.#sentinel = null;
          this.status.value = "waiting";
        });
      },
      () => {
        this.#asking = false;
        if (generation === this.#generation) this.status.value = "refused";
        else this.#update();
      },
    );
  }

  #let(): void {
    const sentinel = this.#sentinel;
    this.#sentinel = null;
    if (sentinel && !sentinel.released) void sentinel.release().catch(() => {});
  }
}
