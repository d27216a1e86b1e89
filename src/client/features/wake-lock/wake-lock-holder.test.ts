import { describe, expect, it } from "vitest";
import { type WakeLockEnv, WakeLockHolder, type WakeSentinel } from "./wake-lock-holder.js";

/** A page whose visibility the test sets, and a lock API that records each sentinel it hands out. */
class FakePage {
  shown = true;
  refuse = false;
  readonly sentinels: FakeSentinel[] = [];
  /** Requests not answered yet, when `manual`. */
  readonly pending: (() => void)[] = [];
  manual = false;

  env(withApi = true): WakeLockEnv {
    return {
      request: withApi
        ? () =>
            new Promise<WakeSentinel>((resolve, reject) => {
              const answer = () => {
                if (this.refuse) reject(new DOMException("denied", "NotAllowedError"));
                else {
                  const s = fakeSentinel();
                  this.sentinels.push(s);
                  resolve(s);
                }
              };
              if (this.manual) this.pending.push(answer);
              else answer();
            })
        : null,
      visible: () => this.shown,
    };
  }

  held(): number {
    return this.sentinels.filter((s) => !s.released).length;
  }
}

interface FakeSentinel extends WakeSentinel {
  released: boolean;
}

/** A sentinel as the browser's: `release` fires "release" once. */
function fakeSentinel(): FakeSentinel {
  const listeners: (() => void)[] = [];
  const sentinel: FakeSentinel = {
    released: false,
    async release() {
      if (sentinel.released) return;
      sentinel.released = true;
      for (const l of listeners) l();
    },
    addEventListener(_type, listener) {
      listeners.push(listener);
    },
  };
  return sentinel;
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe("WakeLockHolder", () => {
  it("holds the lock while wanted, lets it go when no longer wanted", async () => {
    const page = new FakePage();
    const holder = new WakeLockHolder(page.env());
    expect(holder.status.value).toBe("off");
    holder.want(true);
    await settle();
    expect(holder.status.value).toBe("held");
    expect(page.held()).toBe(1);
    holder.want(false);
    expect(holder.status.value).toBe("off");
    expect(page.held()).toBe(0);
  });

  it("lets go when the page hides and asks again when it is shown, once", async () => {
    const page = new FakePage();
    const holder = new WakeLockHolder(page.env());
    holder.want(true);
    await settle();
    page.shown = false;
    holder.visibilityChanged();
    expect(holder.status.value).toBe("waiting");
    expect(page.held()).toBe(0);
    page.shown = true;
    holder.visibilityChanged();
    holder.visibilityChanged();
    await settle();
    expect(holder.status.value).toBe("held");
    expect(page.sentinels.length).toBe(2);
    expect(page.held()).toBe(1);
  });

  it("does not ask while hidden, nor when shown out of the meeting", async () => {
    const page = new FakePage();
    page.shown = false;
    const holder = new WakeLockHolder(page.env());
    holder.want(true);
    await settle();
    expect(page.sentinels.length).toBe(0);
    holder.want(false);
    page.shown = true;
    holder.visibilityChanged();
    await settle();
    expect(page.sentinels.length).toBe(0);
    expect(holder.status.value).toBe("off");
  });

  it("gives back a lock granted after the meeting ended", async () => {
    const page = new FakePage();
    page.manual = true;
    const holder = new WakeLockHolder(page.env());
    holder.want(true);
    holder.want(false);
    for (const answer of page.pending.splice(0)) answer();
    await settle();
    expect(page.sentinels.length).toBe(1);
    expect(page.held()).toBe(0);
    expect(holder.status.value).toBe("off");
  });

  it("a lock the browser takes back is asked again at the next showing", async () => {
    const page = new FakePage();
    const holder = new WakeLockHolder(page.env());
    holder.want(true);
    await settle();
    await page.sentinels[0]?.release();
    expect(holder.status.value).toBe("waiting");
    holder.visibilityChanged();
    await settle();
    expect(holder.status.value).toBe("held");
  });

  it("a missing API or a refusal is a state, not an error", async () => {
    const none = new WakeLockHolder(new FakePage().env(false));
    none.want(true);
    expect(none.status.value).toBe("unsupported");
    const page = new FakePage();
    page.refuse = true;
    const refused = new WakeLockHolder(page.env());
    refused.want(true);
    await settle();
    expect(refused.status.value).toBe("refused");
  });
});
