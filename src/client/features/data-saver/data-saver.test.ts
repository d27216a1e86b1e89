/** The data saver against stand-ins for the Room, the quality and the adaptation, and an in-memory storage. */
import { signal } from "@preact/signals";
import { describe, expect, it } from "vitest";
import type { Quality } from "../quality/quality.js";
import { DataSaver, SAVER_VIDEOS } from "./data-saver.js";

class MemoryStorage {
  readonly items = new Map<string, string>();
  getItem(k: string) {
    return this.items.get(k) ?? null;
  }
  setItem(k: string, v: string) {
    this.items.set(k, v);
  }
  removeItem(k: string) {
    this.items.delete(k);
  }
}

function setup(store = new MemoryStorage()) {
  let joined: (() => void) | undefined;
  const room = {
    register: (table: { joined?: () => void }) => {
      joined = table.joined;
      return () => {};
    },
  };
  const quality = {
    quality: signal<Quality>("high"),
    set: async (q: Quality) => {
      quality.quality.value = q;
    },
  };
  const adapt = {
    lastN: signal(20),
    setLastN: (n: number) => {
      adapt.lastN.value = n;
    },
  };
  const saver = new DataSaver(room, quality, adapt, store as unknown as Storage);
  return { saver, quality, adapt, store, join: () => joined?.() };
}

describe("DataSaver", () => {
  it("turned on: the lowest quality, at most a few videos, and remembered", async () => {
    const s = setup();
    await s.saver.toggle();
    expect(s.saver.on.value).toBe(true);
    expect(s.quality.quality.value).toBe("low");
    expect(s.adapt.lastN.value).toBe(SAVER_VIDEOS);
    expect(JSON.parse(s.store.getItem("palabre.dataSaver") ?? "null")).toEqual({
      on: true,
      audioOnly: false,
    });
  });

  it("a new page with it remembered: fewer videos at once, the low quality from the first meeting on", () => {
    const first = setup();
    void first.saver.toggle();
    const next = setup(first.store);
    expect(next.saver.on.value).toBe(true);
    expect(next.adapt.lastN.value).toBe(SAVER_VIDEOS);
    expect(next.quality.quality.value).toBe("high");
    next.join();
    expect(next.quality.quality.value).toBe("low");
    next.quality.quality.value = "audio-only";
    next.join(); // a later connection does not lower it again
    expect(next.quality.quality.value).toBe("audio-only");
  });

  it("audio only chosen while saving data is remembered as such", async () => {
    const s = setup();
    await s.saver.toggle();
    s.quality.quality.value = "audio-only";
    const next = setup(s.store);
    next.join();
    expect(next.quality.quality.value).toBe("audio-only");
  });

  it("a higher quality or more videos chosen by hand turns it off, and forgets it", async () => {
    for (const change of [
      (s: ReturnType<typeof setup>) => (s.quality.quality.value = "standard"),
      (s: ReturnType<typeof setup>) => s.adapt.setLastN(SAVER_VIDEOS + 1),
    ]) {
      const s = setup();
      await s.saver.toggle();
      change(s);
      expect(s.saver.on.value).toBe(false);
      expect(s.store.items.size).toBe(0);
    }
  });

  it("turned off: the default quality and videos again, nothing left in the browser", async () => {
    const s = setup();
    await s.saver.toggle();
    await s.saver.toggle();
    expect(s.saver.on.value).toBe(false);
    expect(s.quality.quality.value).toBe("high");
    expect(s.adapt.lastN.value).toBe(20);
    expect(s.store.items.size).toBe(0);
  });

  it("an unreadable item counts as off", () => {
    const store = new MemoryStorage();
    store.setItem("palabre.dataSaver", "{not json");
    expect(setup(store).saver.on.value).toBe(false);
  });
});
