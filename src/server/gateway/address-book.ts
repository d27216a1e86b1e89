/**
 * Per client address: how many connections are open (capped), and the wrong passwords sent from it (every
 * meeting together). Entries live while a connection is open or a count can still refuse something, so the
 * book holds no more addresses than there are connections plus those counted in the last minute.
 */
import { PASSWORD_TRIES } from "../conference/door.js";
import { WindowLimiter } from "../conference/window-limiter.js";

interface Entry {
  connections: number;
  passwordFailures: WindowLimiter;
  forget: NodeJS.Timeout | undefined;
}

/** One open connection's place in the book; `release` when it closes. */
export interface AddressSlot {
  readonly address: string;
  readonly passwordFailures: WindowLimiter;
  release(): void;
}

export class AddressBook {
  readonly #maxConnections: number;
  readonly #maxPasswordFailures: number;
  readonly #entries = new Map<string, Entry>();

  constructor(limits: { connectionsPerAddress: number; passwordFailuresPerAddress: number }) {
    this.#maxConnections = limits.connectionsPerAddress;
    this.#maxPasswordFailures = limits.passwordFailuresPerAddress;
  }

  /**
   * A slot for one more connection from `address`, or null when it has as many as allowed. `capped: false`
   * for a connection relayed from another node, which counted it against the cap already.
   */
  open(address: string, { capped = true }: { capped?: boolean } = {}): AddressSlot | null {
    let entry = this.#entries.get(address);
    if (!entry) {
      entry = {
        connections: 0,
        passwordFailures: new WindowLimiter(this.#maxPasswordFailures, PASSWORD_TRIES.windowMs),
        forget: undefined,
      };
      this.#entries.set(address, entry);
    }
    if (capped && entry.connections >= this.#maxConnections) return null;
    entry.connections++;
    clearTimeout(entry.forget);
    entry.forget = undefined;
    const held = entry;
    let released = false;
    return {
      address,
      passwordFailures: held.passwordFailures,
      release: () => {
        if (released) return;
        released = true;
        held.connections--;
        if (held.connections === 0) this.#forgetLater(address, held);
      },
    };
  }

  /** Addresses with an open connection or a live count (for tests and /metrics). */
  get size(): number {
    return this.#entries.size;
  }

  #forgetLater(address: string, entry: Entry): void {
    const wait = entry.passwordFailures.retryAfter();
    if (wait === 0 && entry.passwordFailures.isEmpty()) {
      this.#entries.delete(address);
      return;
    }
    // Kept until its wrong passwords have aged out: reconnecting must not wipe them.
    entry.forget = setTimeout(() => {
      if (entry.connections === 0) this.#entries.delete(address);
    }, PASSWORD_TRIES.windowMs);
    entry.forget.unref();
  }
}
