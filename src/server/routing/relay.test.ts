import { describe, expect, it } from "vitest";
import type { Envelope } from "./cluster-schemas.js";
import type { NodeBus } from "./node-bus.js";
import { Relay } from "./relay.js";

/** A bus that records what it was asked to publish. */
function recordingBus() {
  const sent: [string, Envelope][] = [];
  return { bus: { send: (to: string, e: Envelope) => sent.push([to, e]) } as unknown as NodeBus, sent };
}

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

describe("Relay", () => {
  it("numbers the frames it forwards, and passes the holder's messages on in order", () => {
    const { bus, sent } = recordingBus();
    const s = socket();
    const relay = new Relay(bus, "b.1", "a", s);
    relay.open("b", "192.0.2.1");
    relay.forward('{"type":"ping"}');
    relay.forward('{"type":"ping"}');
    expect(sent.map(([to, e]) => [to, e.t, "n" in e ? e.n : null])).toEqual([
      ["a", "open", null],
      ["a", "in", 1],
      ["a", "in", 2],
    ]);
    relay.receive({ t: "out", c: "b.1", n: 1, d: "one" });
    relay.receive({ t: "out", c: "b.1", n: 2, d: "two" });
    expect(s.texts).toEqual(["one", "two"]);
    expect(s.closes).toEqual([]);
  });

  it("closes the socket with 1012 when a message from the holder was lost, and tells the holder", () => {
    const { bus, sent } = recordingBus();
    const s = socket();
    const relay = new Relay(bus, "b.1", "a", s);
    relay.receive({ t: "out", c: "b.1", n: 1, d: "one" });
    relay.receive({ t: "out", c: "b.1", n: 3, d: "three" });
    expect(s.texts).toEqual(["one"]);
    expect(s.closes.map(([code]) => code)).toEqual([1012]);
    expect(sent.at(-1)?.[1]).toEqual({ t: "close", c: "b.1" });
    relay.forward("late");
    expect(sent.at(-1)?.[1].t).toBe("close");
  });

  it("closes the socket with the holder's code on end, without answering", () => {
    const { bus, sent } = recordingBus();
    const s = socket();
    const relay = new Relay(bus, "b.1", "a", s);
    relay.receive({ t: "end", c: "b.1", code: 4004, reason: "removed" });
    expect(s.closes).toEqual([[4004, "removed"]]);
    expect(sent).toEqual([]);
    expect(relay.closed).toBe(true);
  });

  it("tells when the holder let the connection in, from the type of its answer", () => {
    const { bus } = recordingBus();
    const relay = new Relay(bus, "b.1", "a", socket());
    relay.receive({ t: "out", c: "b.1", n: 1, d: '{"type":"error","id":1,"code":"password_wrong"}' });
    expect(relay.entered).toBe(false);
    relay.receive({ t: "out", c: "b.1", n: 2, d: '{"type":"lobby.waiting","id":2,"room":"r"}' });
    expect(relay.entered).toBe(true);
  });
});
