import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Envelope } from "./cluster-schemas.js";
import { Relay } from "./relay.js";
import { recordingBus } from "./test-bus.js";

function socket() {
  const texts: string[] = [];
  const closes: [number, string][] = [];
  return {
    texts,
    closes,
    sendText: (t: string) => texts.push(t),
    close: (c: number, r: string) => closes.push([c, r]),
  };
}

const timing = { giveUpMs: 3000 };
const summary = (sent: [string, Envelope][]) => sent.map(([to, e]) => [to, e.t, "n" in e ? e.n : null]);

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe("Relay", () => {
  it("numbers the frames it forwards, and passes the holder's messages on in order", async () => {
    const { bus, sent } = recordingBus();
    const s = socket();
    const relay = new Relay(bus, "b.1", "a", s, timing);
    relay.open("b", "192.0.2.1");
    relay.forward('{"type":"ping"}');
    relay.forward('{"type":"ping"}');
    await vi.advanceTimersByTimeAsync(0);
    expect(summary(sent)).toEqual([
      ["a", "open", null],
      ["a", "in", 1],
      ["a", "in", 2],
    ]);
    relay.receive({ t: "out", c: "b.1", n: 1, d: "one" });
    relay.receive({ t: "out", c: "b.1", n: 2, d: "two" });
    expect(s.texts).toEqual(["one", "two"]);
    expect(s.closes).toEqual([]);
  });

  it("sends again a frame Redis did not deliver, and keeps the holder's messages in order across a hole", async () => {
    const { bus, sent, state } = recordingBus();
    const s = socket();
    const relay = new Relay(bus, "b.1", "a", s, timing);
    state.reachable = false;
    relay.forward("f1");
    await vi.advanceTimersByTimeAsync(0);
    state.reachable = true;
    await vi.advanceTimersByTimeAsync(100);
    expect(summary(sent)).toEqual([
      ["a", "in", 1],
      ["a", "in", 1],
    ]);
    relay.receive({ t: "out", c: "b.1", n: 2, d: "two" });
    relay.receive({ t: "out", c: "b.1", n: 1, d: "one" });
    relay.receive({ t: "out", c: "b.1", n: 2, d: "two" });
    expect(s.texts).toEqual(["one", "two"]);
    expect(s.closes).toEqual([]);
  });

  it("closes the socket with 1012 when a hole from the holder stays open, and tells the holder", async () => {
    const { bus, sent } = recordingBus();
    const s = socket();
    const relay = new Relay(bus, "b.1", "a", s, timing);
    relay.receive({ t: "out", c: "b.1", n: 1, d: "one" });
    relay.receive({ t: "out", c: "b.1", n: 3, d: "three" });
    await vi.advanceTimersByTimeAsync(timing.giveUpMs + 1000);
    expect(s.closes).toEqual([]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(s.texts).toEqual(["one"]);
    expect(s.closes.map(([code]) => code)).toEqual([1012]);
    expect(sent.at(-1)?.[1]).toEqual({ t: "close", c: "b.1", n: 1 });
    relay.forward("late");
    await vi.advanceTimersByTimeAsync(0);
    expect(sent.at(-1)?.[1].t).toBe("close");
  });

  it("closes the socket with 1012 when the holder cannot be reached for giveUpMs", async () => {
    const { bus, state } = recordingBus();
    const s = socket();
    const relay = new Relay(bus, "b.1", "a", s, timing);
    state.reachable = false;
    relay.forward("f1");
    await vi.advanceTimersByTimeAsync(timing.giveUpMs + 1500);
    expect(s.closes.map(([code]) => code)).toEqual([1012]);
    expect(relay.closed).toBe(true);
  });

  it("closes the socket with 1012 at once when the holder no longer knows the connection", () => {
    const { bus } = recordingBus();
    const s = socket();
    const relay = new Relay(bus, "b.1", "a", s, timing);
    relay.receive({ t: "gone", c: "b.1" });
    expect(s.closes.map(([code]) => code)).toEqual([1012]);
  });

  it("closes the socket with the holder's code on end, after the messages before it, without answering", async () => {
    const { bus, sent } = recordingBus();
    const s = socket();
    const relay = new Relay(bus, "b.1", "a", s, timing);
    relay.receive({ t: "end", c: "b.1", n: 2, code: 4004, reason: "removed" });
    expect(s.closes).toEqual([]);
    relay.receive({ t: "out", c: "b.1", n: 1, d: "last words" });
    expect(s.texts).toEqual(["last words"]);
    expect(s.closes).toEqual([[4004, "removed"]]);
    await vi.advanceTimersByTimeAsync(0);
    expect(sent).toEqual([]);
    expect(relay.closed).toBe(true);
  });

  it("tells when the holder let the connection in, from the type of its answer", () => {
    const { bus } = recordingBus();
    const relay = new Relay(bus, "b.1", "a", socket(), timing);
    relay.receive({ t: "out", c: "b.1", n: 1, d: '{"type":"error","id":1,"code":"password_wrong"}' });
    expect(relay.entered).toBe(false);
    relay.receive({ t: "out", c: "b.1", n: 2, d: '{"type":"lobby.waiting","id":2,"room":"r"}' });
    expect(relay.entered).toBe(true);
  });
});
