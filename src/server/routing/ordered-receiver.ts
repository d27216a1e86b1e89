/**
 * The receiving end of an OrderedSender: items are passed on in the order they were numbered, each once.
 * A copy (an item sent again) is dropped; an item that arrives before an earlier one waits for it. If the
 * gap is not filled within `gapMs` (the sender gave up, or Redis lost it after counting it delivered), or too
 * many wait, `onLost` says so: the connection cannot go on without a hole in it.
 */

const MAX_EARLY = 1000;
/** A copy sent at the last moment of the sender's `giveUpMs` still has this long to arrive. */
const SENDER_SLACK_MS = 2000;

/** How long a receiver waits for a hole to fill when its sender sends again for `senderGiveUpMs`. */
export function gapFor(senderGiveUpMs: number): number {
  return senderGiveUpMs + SENDER_SLACK_MS;
}

export class OrderedReceiver<T> {
  readonly #deliver: (item: T) => void;
  readonly #onLost: () => void;
  readonly #gapMs: number;
  readonly #early = new Map<number, T>();
  #received = 0;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(gapMs: number, deliver: (item: T) => void, onLost: () => void) {
    this.#gapMs = gapMs;
    this.#deliver = deliver;
    this.#onLost = onLost;
  }

  receive(n: number, item: T): void {
    if (this.#stopped || n <= this.#received || this.#early.has(n)) return;
    if (n !== this.#received + 1) {
      if (this.#early.size >= MAX_EARLY) {
        this.#lost();
        return;
      }
      this.#early.set(n, item);
      this.#timer ??= setTimeout(() => this.#lost(), this.#gapMs);
      return;
    }
    this.#received = n;
    this.#deliver(item);
    for (let next = this.#early.get(this.#received + 1); next !== undefined && !this.#stopped; ) {
      this.#early.delete(++this.#received);
      this.#deliver(next);
      next = this.#early.get(this.#received + 1);
    }
    // The gap that was waited for is filled: a later one gets its own time.
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#early.size > 0 && !this.#stopped) this.#timer = setTimeout(() => this.#lost(), this.#gapMs);
  }

  /** The number of the last item passed on. */
  get received(): number {
    return this.#received;
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#early.clear();
  }

  #lost(): void {
    if (this.#stopped) return;
    this.stop();
    this.#onLost();
  }
}
