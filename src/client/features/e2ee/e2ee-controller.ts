/**
 * End-to-end encryption, the page's side (PROTOCOL.md "End-to-end encryption"). When the meeting has it on,
 * every sender and receiver of the media engine gets a transform that runs in one worker (e2ee-worker.ts);
 * the key exchange (key-exchange.ts) gives the worker our key and everyone else's. The passphrase comes from
 * the link's fragment (`#e2ee=…`, which browsers never send) or is typed; until it is known the worker has no
 * key, so nothing this page sends can be read, and it reads nothing. A browser that cannot do it is told so
 * and leaves: never a silent fall back to media the server could see.
 */
import { signal } from "@preact/signals";
import type { ServerMessageOf } from "../../../protocol/messages.js";
import type { MediaTransforms } from "../../engine/transforms.js";
import { SignalError } from "../../signal/signal-client.js";
import type { Room } from "../../state/room.js";
import { scope } from "../../ui/scope.js";
import type { TransformOptions, WorkerCommand } from "./e2ee-worker.js";
import { KeyExchange } from "./key-exchange.js";
import { newPassphrase, passphraseFromLink, putPassphraseInLink } from "./passphrase.js";

export type E2eeStatus = "off" | "needs-passphrase" | "starting" | "on";

/** Entries gathered this long go out as one `e2ee.signal` (a change of who is here makes one per person). */
const BATCH_MS = 50;
const MAX_ENTRIES = 200;
const KEY_FRAME_AFTER_MS = 300;

export function e2eeSupported(): boolean {
  return typeof RTCRtpScriptTransform !== "undefined" && typeof Worker !== "undefined";
}

export class E2eeController {
  readonly status = signal<E2eeStatus>("off");
  /** The safety code to compare aloud; null until keys are exchanged. */
  readonly safetyCode = signal<string | null>(null);
  /** People whose key we hold (the others cannot be heard or seen yet). */
  readonly keyed = signal(0);
  /** A hello that did not verify: someone with another passphrase is in the meeting. */
  readonly mismatch = signal(false);
  /** Our link carries a passphrase, but the meeting is not encrypted (and we may not turn it on). */
  readonly notEncrypted = signal(false);
  #worker: Worker | null = null;
  #exchange: KeyExchange | null = null;
  #passphrase: string | null = null;
  #outbox: { to: string; payload: string }[] = [];
  /** We turned it on as we entered: the `room.updated` that follows needs nothing more. */
  #startOnEntry = false;
  #flush: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly room: Room) {
    room.register({
      joined: (joined) => this.#entered(joined),
      "room.updated": ({ settings }) => {
        if (!settings.e2ee) return;
        // Already on since we entered (we turned it on then), or on by a join meanwhile: nothing to redo.
        const onSinceEntry = this.#startOnEntry;
        this.#startOnEntry = false;
        if (onSinceEntry || this.status.peek() !== "off") return;
        // On while our media flows: a transform cannot be put on a sender already sending (Chromium ignores
        // it), so we come back at once as ourselves on new connections, encrypted from their first frame.
        this.notEncrypted.value = false;
        this.status.value = "starting";
        this.room.reconnectNow();
      },
      "participant.left": ({ participantId }) => void this.#exchange?.left(participantId),
      "e2ee.signal": ({ from, payload }) => void this.#exchange?.receive(from, payload),
    });
    room.transforms = () => (this.status.peek() === "off" ? null : this.#transforms());
  }

  /** A moderator turns it on: a new passphrase in our link (to share), then the meeting's setting. */
  async turnOn(): Promise<void> {
    if (!e2eeSupported()) throw new SignalError("bad_state", "this browser cannot encrypt end to end");
    if (!this.#passphrase) this.#passphrase = newPassphrase();
    putPassphraseInLink(this.#passphrase);
    await this.room.request({ type: "room.configure", e2ee: true });
  }

  /** The passphrase someone typed (or pasted from the link they were given). */
  usePassphrase(passphrase: string): void {
    this.#passphrase = passphrase.trim();
    putPassphraseInLink(this.#passphrase);
    if (this.status.peek() === "needs-passphrase") void this.#start();
  }

  /** The link that brings the passphrase with it (for the moderator to share), or null. */
  shareLink(): string | null {
    return this.#passphrase ? `${location.origin}${location.pathname}#e2ee=${this.#passphrase}` : null;
  }

  #entered(joined: ServerMessageOf<"joined">): void {
    // Every join (a reconnection too) starts over: a new key pair, new keys, hello to whoever is there.
    this.#stop();
    this.#passphrase ??= passphraseFromLink();
    if (joined.settings.e2ee) this.#turnedOn();
    // Whoever opens the meeting with a passphrase in the link wants it encrypted: a moderator turns it on
    // before anything is sent (the engine publishes right after this handler, its senders then carry their
    // transforms from the first frame); anyone else is told it is not (never a quiet downgrade of what the
    // link promised).
    else if (this.#passphrase && joined.you.role === "moderator" && e2eeSupported()) {
      this.#startOnEntry = true;
      this.#turnedOn();
      this.turnOn().catch((err: unknown) =>
        console.warn("palabre: end-to-end encryption not turned on", err),
      );
    } else if (this.#passphrase) this.notEncrypted.value = true;
  }

  #turnedOn(): void {
    if (!e2eeSupported()) {
      this.room.endWith({ key: "error.e2eeUnsupported" });
      return;
    }
    this.status.value = "starting";
    void this.#start();
  }

  async #start(): Promise<void> {
    const me = this.room.state.local.peek()?.info?.id;
    const passphrase = this.#passphrase;
    if (!me) return;
    if (!passphrase) {
      this.status.value = "needs-passphrase";
      return;
    }
    this.#exchange?.close();
    const exchange = new KeyExchange(this.room.state.roomName.peek(), me, (entries) => this.#send(entries), {
      encryptWith: (key) => this.#command({ type: "encrypt-with", key }),
      decryptWith: (_from, key) => this.#command({ type: "decrypt-with", key }),
      forget: (tags) => this.#command({ type: "forget", tags }),
      changed: () => void this.#refresh(exchange),
      rejected: () => {
        this.mismatch.value = true;
      },
    });
    this.#exchange = exchange;
    const others = [...this.room.state.remotes.peek().keys()];
    await exchange.start(passphrase, others);
    if (this.#exchange === exchange) {
      this.status.value = "on";
      await this.#refresh(exchange);
    }
  }

  async #refresh(exchange: KeyExchange): Promise<void> {
    const code = await exchange.safetyCode();
    if (this.#exchange !== exchange) return;
    this.safetyCode.value = code;
    this.keyed.value = exchange.peers().length;
  }

  #transforms(): MediaTransforms {
    const make = (options: TransformOptions) => new RTCRtpScriptTransform(this.#ensureWorker(), options);
    return {
      send: (sender, kind) => {
        sender.transform = make({ role: "send", kind });
      },
      receive: (receiver, kind) => {
        receiver.transform = make({ role: "receive", kind });
      },
    };
  }

  #ensureWorker(): Worker {
    this.#worker ??= new Worker(new URL("./e2ee-worker.ts", import.meta.url), { type: "module" });
    return this.#worker;
  }

  #command(command: WorkerCommand): void {
    this.#ensureWorker().postMessage(command);
  }

  #send(entries: { to: string; payload: string }[]): void {
    this.#outbox.push(...entries);
    this.#flush ??= setTimeout(() => {
      this.#flush = undefined;
      const all = this.#outbox;
      this.#outbox = [];
      // Our key went to someone: a key frame a moment later (once it has arrived) starts their picture.
      if (all.some((e) => e.payload.startsWith("k.")))
        setTimeout(() => this.#command({ type: "key-frame" }), KEY_FRAME_AFTER_MS);
      for (let i = 0; i < all.length; i += MAX_ENTRIES)
        this.room.request({ type: "e2ee.signal", entries: all.slice(i, i + MAX_ENTRIES) }).catch((err) => {
          console.warn("palabre: encryption keys not sent", err);
        });
    }, BATCH_MS);
  }

  #stop(): void {
    this.#exchange?.close();
    this.#exchange = null;
    this.safetyCode.value = null;
    this.keyed.value = 0;
    this.mismatch.value = false;
    if (this.status.peek() !== "off") this.status.value = "off";
  }
}

/** The meeting's E2EE controller (meeting.tsx makes it), for the components below. */
export const E2eeScope = scope<E2eeController>("end-to-end encryption");
