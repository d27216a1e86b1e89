/**
 * One direction of a relayed connection over the bus: items numbered 1, 2, 3… and published until Redis says
 * the addressee's node got them (PUBLISH counts the subscriptions it reached). An item that did not arrive
 * (Redis away for a moment, restarted, the addressee not subscribed again yet) is published again, with every
 * later one that did not arrive either, until it does. The receiver (OrderedReceiver) drops the copies and
 * puts early arrivals back in order, so a client relayed across nodes loses nothing to a Redis hiccup.
 * What cannot be delivered within `giveUpMs`, or piles up beyond a bound, is given up (`onGiveUp`): the
 * connection ends and the client reconnects and resumes, as it would after a lost socket.
 */
import type { Envelope } from "./cluster-schemas.js";

/** The numbered envelopes: the frames of one connection and its end, in one sequence per direction. */
export type Sequenced = Extract<Envelope, { n: number }>;

export interface Publisher {
  /** Whether the envelope reached node `to` (false when Redis is away or `to` is not listening). */
  deliver(to: string, envelope: Envelope): Promise<boolean>;
}

export interface SenderLimits {
  /** How long the oldest undelivered item may wait before the connection is given up. */
  giveUpMs: number;
  maxItems?: number;
  maxChars?: number;
}

const FIRST_RETRY_MS = 100;
const MAX_RETRY_MS = 1000;
/** A client frame is at most 512 KiB; a few of them, or hundreds of small ones, may wait for Redis. */
const MAX_ITEMS = 1000;
const MAX_CHARS = 4 * 1024 * 1024;

interface Item {
  envelope: Sequenced;
  chars: number;
  /** When it was first published (ms since the epoch). */
  since: number;
  arrived: boolean;
}

export class OrderedSender {
  readonly #bus: Publisher;
  readonly #to: string;
  readonly #limits: Required<SenderLimits>;
  readonly #onGiveUp: () => void;
  /** Published and not yet known to have arrived, oldest first. */
  readonly #waiting: Item[] = [];
  #chars = 0;
  #next = 1;
  /** An item did not arrive: new ones wait for the next attempt instead of overtaking it. */
  #holding = false;
  #retryMs = FIRST_RETRY_MS;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(bus: Publisher, to: string, limits: SenderLimits, onGiveUp: () => void) {
    this.#bus = bus;
    this.#to = to;
    this.#limits = { maxItems: MAX_ITEMS, maxChars: MAX_CHARS, ...limits };
    this.#onGiveUp = onGiveUp;
  }

  /** Numbers the envelope `make` builds and sends it after every earlier one. */
  send(make: (n: number) => Sequenced): void {
    if (this.#stopped) return;
    const envelope = make(this.#next++);
    const item: Item = {
      envelope,
      chars: "d" in envelope ? envelope.d.length : 0,
      since: Date.now(),
      arrived: false,
    };
    this.#waiting.push(item);
    this.#chars += item.chars;
    if (this.#waiting.length > this.#limits.maxItems || this.#chars > this.#limits.maxChars) {
      this.#giveUp();
      return;
    }
    if (!this.#holding) this.#publish(item);
  }

  /** Nothing more is sent, nor sent again (the connection is over at the other end too). */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#waiting.length = 0;
    this.#chars = 0;
  }

  /** How many items wait for their delivery to be confirmed. */
  get waiting(): number {
    return this.#waiting.length;
  }

  #publish(item: Item): void {
    this.#bus.deliver(this.#to, item.envelope).then(
      (arrived) => (arrived ? this.#arrived(item) : this.#missed()),
      () => this.#missed(),
    );
  }

  #arrived(item: Item): void {
    if (this.#stopped) return;
    item.arrived = true;
    while (this.#waiting[0]?.arrived) {
      const done = this.#waiting.shift() as Item;
      this.#chars -= done.chars;
    }
    if (this.#waiting.length === 0) this.#retryMs = FIRST_RETRY_MS;
  }

  #missed(): void {
    if (this.#stopped || this.#holding) return;
    const oldest = this.#waiting.find((i) => !i.arrived);
    if (!oldest) return; // a copy of it arrived meanwhile
    if (Date.now() - oldest.since > this.#limits.giveUpMs) {
      this.#giveUp();
      return;
    }
    this.#holding = true;
    this.#timer = setTimeout(() => this.#again(), this.#retryMs);
    this.#retryMs = Math.min(2 * this.#retryMs, MAX_RETRY_MS);
  }

  /** Publishes again, in order, every item not known to have arrived (the receiver drops what it has). */
  #again(): void {
    this.#holding = false;
    for (const item of this.#waiting) if (!item.arrived) this.#publish(item);
  }

  #giveUp(): void {
    if (this.#stopped) return;
    this.stop();
    this.#onGiveUp();
  }
}
