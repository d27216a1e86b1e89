/**
 * How the browsers of a meeting agree on media keys without the server learning them (PROTOCOL.md
 * "End-to-end encryption"). Each browser makes an ECDH key pair (P-256) for the meeting and says hello to
 * everyone: its public key, with an HMAC under a key stretched from the meeting's passphrase (PBKDF2) over the
 * room and its own participant id. The server relays but cannot forge a hello, lacking the passphrase, so it
 * cannot put its own key between two browsers. Each pair of browsers derives a wrapping key (ECDH, then HKDF);
 * each browser sends its own media key (AES-GCM, random) to every other, wrapped for that one. When someone
 * leaves, every browser makes a new media key and gives it to those still there only, and switches to it a
 * moment later (`switchDelayMs`), when all have it: who left cannot read what follows, and nobody hears a gap.
 *
 * The safety code is a digest of every public key known (one's own included): the same on every screen unless
 * someone who knows the passphrase and controls the server put a key of their own in between.
 */
import type { FrameKey } from "./frame-crypto.js";

export interface KeyEvents {
  /** Our own media key: what we send is encrypted with it from now on. */
  encryptWith(key: FrameKey): void;
  /** Someone's media key: frames with its tag are theirs. */
  decryptWith(from: string, key: FrameKey): void;
  /** Keys nobody will use any more (their owner left, or replaced them). */
  forget(tags: number[]): void;
  /** The set of people whose keys we hold changed (the safety code with it). */
  changed(): void;
  /** A hello that did not verify: someone with another passphrase, or a forgery. */
  rejected(from: string): void;
}

export type Outbox = (entries: { to: string; payload: string }[]) => void;

interface Peer {
  pub: string;
  wrap: CryptoKey;
  /** Their media keys' tags, oldest first (the last few are kept: frames in flight use the previous one). */
  tags: number[];
}

const PBKDF2_ITERATIONS = 200_000;
const KEYS_KEPT_PER_PEER = 3;
const enc = new TextEncoder();

export function toB64(bytes: Uint8Array | ArrayBuffer): string {
  let s = "";
  for (const b of new Uint8Array(bytes)) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function fromB64(text: string): Uint8Array<ArrayBuffer> {
  const s = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** The meeting's authentication key, from its passphrase (salted with the room, so it is per meeting). */
export async function helloKey(passphrase: string, room: string): Promise<CryptoKey> {
  const base = await crypto.subtle.importKey("raw", enc.encode(passphrase), "PBKDF2", false, ["deriveKey"]);
  return crypto.subtle.deriveKey(
    {
      name: "PBKDF2",
      hash: "SHA-256",
      salt: enc.encode(`palabre-e2ee:${room.trim().toLowerCase()}`),
      iterations: PBKDF2_ITERATIONS,
    },
    base,
    { name: "HMAC", hash: "SHA-256", length: 256 },
    false,
    ["sign", "verify"],
  );
}

async function newMediaKey(): Promise<{ raw: Uint8Array<ArrayBuffer>; key: FrameKey }> {
  const raw = crypto.getRandomValues(new Uint8Array(16));
  const tag = new DataView(crypto.getRandomValues(new Uint8Array(4)).buffer).getUint32(0);
  const key = await crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]);
  return { raw, key: { tag, key } };
}

export class KeyExchange {
  readonly #peers = new Map<string, Peer>();
  #auth: CryptoKey | null = null;
  #pair: CryptoKeyPair | null = null;
  #pub = "";
  #own: { raw: Uint8Array<ArrayBuffer>; key: FrameKey } | null = null;
  /** Messages are handled one at a time, in order: a key may only follow its sender's hello. */
  #queue: Promise<void> = Promise.resolve();
  #closed = false;
  #switchTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly room: string,
    private readonly me: string,
    private readonly send: Outbox,
    private readonly events: KeyEvents,
    private readonly switchDelayMs = 2000,
  ) {}

  /** Derives the keys and says hello to `others` (everyone in the meeting but us). */
  start(passphrase: string, others: string[]): Promise<void> {
    return this.#serial(async () => {
      this.#auth = await helloKey(passphrase, this.room);
      this.#pair = (await crypto.subtle.generateKey({ name: "ECDH", namedCurve: "P-256" }, false, [
        "deriveBits",
      ])) as CryptoKeyPair;
      this.#pub = toB64(await crypto.subtle.exportKey("raw", this.#pair.publicKey));
      this.#own = await newMediaKey();
      this.events.encryptWith(this.#own.key);
      const hello = await this.#hello(false);
      this.send(others.filter((id) => id !== this.me).map((to) => ({ to, payload: hello })));
    });
  }

  /** A payload another browser sent us. */
  receive(from: string, payload: string): Promise<void> {
    return this.#serial(async () => {
      // Not started (no passphrase yet): our own hello, when we start, brings theirs again.
      if (!this.#auth) return;
      const [kind, ...parts] = payload.split(".");
      if (kind === "h" && parts.length === 3) await this.#onHello(from, parts as [string, string, string]);
      else if (kind === "k" && parts.length === 3) await this.#onKey(from, parts as [string, string, string]);
    });
  }

  /** Someone left: their keys go, and ours is replaced for those who stay. */
  left(id: string): Promise<void> {
    return this.#serial(async () => {
      const peer = this.#peers.get(id);
      if (!peer) return;
      this.#peers.delete(id);
      this.events.forget(peer.tags);
      this.events.changed();
      await this.#rotate();
    });
  }

  /** Everyone's public keys (ours included), digested: 4 groups of 4 digits, the same on every screen. */
  async safetyCode(): Promise<string | null> {
    if (!this.#pub) return null;
    const entries = [[this.me, this.#pub], ...[...this.#peers].map(([id, p]) => [id, p.pub])]
      .map(([id, pub]) => `${id}:${pub}`)
      .sort();
    const digest = new DataView(await crypto.subtle.digest("SHA-256", enc.encode(entries.join("\n"))));
    return [0, 2, 4, 6].map((i) => String(digest.getUint16(i) % 10_000).padStart(4, "0")).join(" ");
  }

  /** The people whose media keys we hold. */
  peers(): string[] {
    return [...this.#peers.keys()];
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#switchTimer);
    this.#peers.clear();
  }

  #serial(task: () => Promise<void>): Promise<void> {
    const run = this.#queue.then(() => (this.#closed ? undefined : task()));
    // One failure (a malformed payload) must not stop the ones after it.
    this.#queue = run.catch((err: unknown) => console.warn("palabre: e2ee message not handled", err));
    return this.#queue;
  }

  async #hello(reply: boolean): Promise<string> {
    const mac = await crypto.subtle.sign("HMAC", this.#needAuth(), enc.encode(`${this.me}.${this.#pub}`));
    return `h.${this.#pub}.${toB64(mac)}.${reply ? 1 : 0}`;
  }

  async #onHello(from: string, [pub, mac, reply]: [string, string, string]): Promise<void> {
    const auth = this.#needAuth();
    const valid = await crypto.subtle.verify("HMAC", auth, fromB64(mac), enc.encode(`${from}.${pub}`));
    if (!valid) {
      this.events.rejected(from);
      return;
    }
    const theirs = await crypto.subtle.importKey(
      "raw",
      fromB64(pub),
      { name: "ECDH", namedCurve: "P-256" },
      false,
      [],
    );
    const bits = await crypto.subtle.deriveBits(
      { name: "ECDH", public: theirs },
      (this.#pair as CryptoKeyPair).privateKey,
      256,
    );
    const hkdf = await crypto.subtle.importKey("raw", bits, "HKDF", false, ["deriveKey"]);
    const wrap = await crypto.subtle.deriveKey(
      {
        name: "HKDF",
        hash: "SHA-256",
        salt: enc.encode([this.me, from].sort().join(".")),
        info: enc.encode("palabre-e2ee wrap"),
      },
      hkdf,
      { name: "AES-GCM", length: 128 },
      false,
      ["encrypt", "decrypt"],
    );
    const known = this.#peers.get(from);
    // The same person again with a new key pair (their page reloaded): their old media keys go.
    if (known && known.pub !== pub) this.events.forget(known.tags);
    this.#peers.set(from, { pub, wrap, tags: known?.pub === pub ? known.tags : [] });
    const out: { to: string; payload: string }[] = [];
    if (reply === "0") out.push({ to: from, payload: await this.#hello(true) });
    out.push({ to: from, payload: await this.#wrapped(from) });
    this.send(out);
    this.events.changed();
  }

  async #onKey(from: string, [tag, iv, sealed]: [string, string, string]): Promise<void> {
    const peer = this.#peers.get(from);
    const tagNumber = Number(tag);
    // A key already held (the answer to a hello crossing ours brings it twice): nothing to unwrap.
    if (!peer || !Number.isInteger(tagNumber) || peer.tags.includes(tagNumber)) return;
    const raw = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: fromB64(iv), additionalData: enc.encode(`${from}>${this.me}:${tag}`) },
      peer.wrap,
      fromB64(sealed),
    );
    const key = await crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["decrypt"]);
    if (peer.tags.includes(tagNumber)) return;
    peer.tags.push(tagNumber);
    this.events.decryptWith(from, { tag: tagNumber, key });
    if (peer.tags.length > KEYS_KEPT_PER_PEER) this.events.forget(peer.tags.splice(0, 1));
  }

  /** Our current media key, wrapped for `to`. */
  async #wrapped(to: string): Promise<string> {
    const own = this.#own;
    const peer = this.#peers.get(to);
    if (!own || !peer) throw new Error("no key to give yet");
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const sealed = await crypto.subtle.encrypt(
      { name: "AES-GCM", iv, additionalData: enc.encode(`${this.me}>${to}:${own.key.tag}`) },
      peer.wrap,
      own.raw,
    );
    return `k.${own.key.tag}.${toB64(iv)}.${toB64(sealed)}`;
  }

  /** A new media key: given to everyone still here now, used for what we send once they all have it. */
  async #rotate(): Promise<void> {
    this.#own = await newMediaKey();
    const own = this.#own;
    const out: { to: string; payload: string }[] = [];
    for (const id of this.#peers.keys()) out.push({ to: id, payload: await this.#wrapped(id) });
    this.send(out);
    clearTimeout(this.#switchTimer);
    this.#switchTimer = setTimeout(() => {
      if (!this.#closed && this.#own === own) this.events.encryptWith(own.key);
    }, this.switchDelayMs);
  }

  #needAuth(): CryptoKey {
    if (!this.#auth) throw new Error("the key exchange has not started");
    return this.#auth;
  }
}
