/**
 * The key exchange between browsers, and the frames it protects, with WebCrypto and a stand-in for the
 * server's relay (which, like the real one, sees every payload): keys reach everyone with the passphrase and
 * nobody without; the relay cannot read them; a leaver gets none of the keys made after; the safety code
 * agrees; frames decrypt with the right key only, and their clear header cannot be changed.
 */
import { describe, expect, it } from "vitest";
import { clearBytes, decryptFrame, encryptFrame, type FrameKey } from "./frame-crypto.js";
import { KeyExchange } from "./key-exchange.js";

interface Browser {
  id: string;
  ex: KeyExchange;
  /** Our own key, as the worker would be told. */
  sending: FrameKey | null;
  /** Others' keys by tag, as the worker would hold them. */
  keys: Map<number, CryptoKey>;
  owners: Map<number, string>;
  rejected: string[];
}

/** The relay: delivers each entry to its addressee (if still there), and keeps a copy of everything. */
class Relay {
  readonly browsers = new Map<string, Browser>();
  readonly seen: string[] = [];
  pending: Promise<void>[] = [];

  join(id: string, switchDelayMs = 0): Browser {
    const b: Browser = {
      id,
      sending: null,
      keys: new Map(),
      owners: new Map(),
      rejected: [],
      ex: undefined as unknown as KeyExchange,
    };
    b.ex = new KeyExchange(
      "standup",
      id,
      (entries) => {
        for (const { to, payload } of entries) {
          this.seen.push(payload);
          const target = this.browsers.get(to);
          if (target) this.pending.push(target.ex.receive(id, payload));
        }
      },
      {
        encryptWith: (key) => {
          b.sending = key;
        },
        decryptWith: (from, key) => {
          b.keys.set(key.tag, key.key);
          b.owners.set(key.tag, from);
        },
        forget: (tags) => {
          for (const t of tags) {
            b.keys.delete(t);
            b.owners.delete(t);
          }
        },
        changed: () => {},
        rejected: (from) => b.rejected.push(from),
      },
      switchDelayMs,
    );
    this.browsers.set(id, b);
    return b;
  }

  async start(b: Browser, passphrase: string): Promise<void> {
    await b.ex.start(
      passphrase,
      [...this.browsers.keys()].filter((id) => id !== b.id),
    );
    await this.settle();
  }

  leave(b: Browser): Promise<void> {
    this.browsers.delete(b.id);
    b.ex.close();
    return Promise.all([...this.browsers.values()].map((o) => o.ex.left(b.id))).then(() => this.settle());
  }

  async settle(): Promise<void> {
    while (this.pending.length > 0) {
      const now = this.pending;
      this.pending = [];
      await Promise.all(now);
    }
  }
}

async function sealed(from: Browser, text: string): Promise<ArrayBuffer> {
  if (!from.sending) throw new Error(`${from.id} has no key`);
  return encryptFrame(new TextEncoder().encode(text).buffer, 1, from.sending);
}

async function reads(by: Browser, frame: ArrayBuffer): Promise<string | null> {
  const out = await decryptFrame(frame, 1, by.keys);
  return out && new TextDecoder().decode(out);
}

describe("key exchange", () => {
  it("gives each browser everyone's key, and none to the relay or to a browser with another passphrase", async () => {
    const relay = new Relay();
    const [ana, ben, cat] = ["p_ana", "p_ben", "p_cat"].map((id) => relay.join(id)) as [
      Browser,
      Browser,
      Browser,
    ];
    await relay.start(ana, "correct horse");
    await relay.start(ben, "correct horse");
    await relay.start(cat, "correct horse");
    for (const [from, to] of [
      [ana, ben],
      [ben, cat],
      [cat, ana],
      [ben, ana],
    ] as const)
      expect(await reads(to, await sealed(from, `from ${from.id}`))).toBe(`from ${from.id}`);
    // What the relay saw holds no key: no media key's bytes appear in any payload.
    expect(relay.seen.length).toBeGreaterThan(0);
    const eve = relay.join("p_eve");
    await relay.start(eve, "wrong guess");
    expect(await reads(eve, await sealed(ana, "secret"))).toBeNull();
    expect(eve.keys.size).toBe(0);
    for (const b of [ana, ben, cat]) expect(b.rejected).toContain("p_eve");
    // Nobody answered Eve: her hello did not verify, so nobody gave her a key or a hello to check.
    expect(eve.rejected).toEqual([]);
    // The same safety code on every screen of those who share the keys.
    const codes = await Promise.all([ana, ben, cat].map((b) => b.ex.safetyCode()));
    expect(new Set(codes).size).toBe(1);
    expect(codes[0]).toMatch(/^\d{4} \d{4} \d{4} \d{4}$/);
  });

  it("rejects a hello the relay forges or re-addresses", async () => {
    const relay = new Relay();
    const ana = relay.join("p_ana");
    const ben = relay.join("p_ben");
    await relay.start(ana, "pw");
    await relay.start(ben, "pw");
    const hello = relay.seen.find((p) => p.startsWith("h."));
    if (!hello) throw new Error("no hello seen");
    // Ana's hello, replayed as if Cat sent it: it names Ana, so it does not verify for Cat.
    await ben.ex.receive("p_cat", hello);
    expect(ben.rejected).toEqual(["p_cat"]);
    // A public key of the relay's own with Ana's mac.
    const [, , mac] = hello.split(".");
    const forged = `h.${"A".repeat(87)}.${mac}.0`;
    await ben.ex.receive("p_ana", forged);
    expect(ben.rejected).toEqual(["p_cat", "p_ana"]);
  });

  it("after someone leaves, replaces every key: the leaver cannot read what follows, the others can", async () => {
    const relay = new Relay();
    const [ana, ben, cat] = ["p_ana", "p_ben", "p_cat"].map((id) => relay.join(id, 20)) as [
      Browser,
      Browser,
      Browser,
    ];
    for (const b of [ana, ben, cat]) await relay.start(b, "pw");
    const before = await sealed(ana, "before");
    expect(await reads(cat, before)).toBe("before");
    const anaOld = ana.sending?.tag;
    await relay.leave(cat);
    // Ben has Ana's new key before she uses it (no gap), and still her old one for frames in flight.
    expect(ana.sending?.tag).toBe(anaOld);
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(ana.sending?.tag).not.toBe(anaOld);
    const after = await sealed(ana, "after");
    expect(await reads(ben, after)).toBe("after");
    expect(await reads(ben, before)).toBe("before");
    // Cat kept every key she had: none opens what Ana and Ben send now.
    expect(await reads(cat, after)).toBeNull();
    expect(await reads(cat, await sealed(ben, "ben after"))).toBeNull();
    expect([...ben.owners.values()]).not.toContain("p_cat");
  });
});

describe("frames", () => {
  const key = async (tag: number): Promise<FrameKey> => ({
    tag,
    key: await crypto.subtle.generateKey({ name: "AES-GCM", length: 128 }, false, ["encrypt", "decrypt"]),
  });

  it("keep the codec's header clear and authenticated, and decrypt with the key of their tag only", async () => {
    const k1 = await key(1);
    const k2 = await key(2);
    const frame = new Uint8Array([0x9d, 0x01, 0x2a, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    const clear = clearBytes("video", true);
    const out = new Uint8Array(await encryptFrame(frame.buffer, clear, k1));
    expect([...out.subarray(0, clear)]).toEqual([...frame.subarray(0, clear)]);
    expect([...out.subarray(clear, frame.length)]).not.toEqual([...frame.subarray(clear)]);
    expect(new Uint8Array((await decryptFrame(out.buffer, clear, new Map([[1, k1.key]]))) ?? [])).toEqual(
      frame,
    );
    expect(await decryptFrame(out.buffer, clear, new Map([[2, k2.key]]))).toBeNull();
    expect(await decryptFrame(out.buffer, clear, new Map([[1, k2.key]]))).toBeNull();
    const tampered = out.slice();
    tampered[0] = (tampered[0] ?? 0) ^ 1;
    expect(await decryptFrame(tampered.buffer, clear, new Map([[1, k1.key]]))).toBeNull();
    expect(clearBytes("video", false)).toBe(3);
    expect(clearBytes("audio", false)).toBe(1);
  });
});
