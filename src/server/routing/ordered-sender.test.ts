import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Envelope } from "./cluster-schemas.js";
import { OrderedSender, type Publisher } from "./ordered-sender.js";

/** A bus whose deliveries succeed unless `reachable` is false; it records every attempt. */
function flakyBus() {
  const attempts: number[] = [];
  const state = { reachable: true };
  const bus: Publisher = {
    deliver: async (_to: string, e: Envelope) => {
      attempts.push("n" in e ? e.n : 0);
      return state.reachable;
    },
  };
  return { bus, attempts, state };
}

const frame = (text: string) => (n: number) => ({ t: "out" as const, c: "b.1", n, d: text });

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe("OrderedSender", () => {
  it("numbers what it sends and forgets each item once it arrived", async () => {
    const { bus, attempts } = flakyBus();
    const sender = new OrderedSender(bus, "b", { giveUpMs: 5000 }, () => {});
    sender.send(frame("one"));
    sender.send(frame("two"));
    await vi.advanceTimersByTimeAsync(0);
    expect(attempts).toEqual([1, 2]);
    expect(sender.waiting).toBe(0);
  });

  it("sends again, in order, what did not arrive, and lets nothing newer overtake it meanwhile", async () => {
    const { bus, attempts, state } = flakyBus();
    const sender = new OrderedSender(bus, "b", { giveUpMs: 5000 }, () => {});
    sender.send(frame("one"));
    await vi.advanceTimersByTimeAsync(0);
    state.reachable = false;
    sender.send(frame("two"));
    await vi.advanceTimersByTimeAsync(0);
    sender.send(frame("three")); // held: "two" has not arrived
    await vi.advanceTimersByTimeAsync(0);
    expect(attempts).toEqual([1, 2]);
    expect(sender.waiting).toBe(2);
    state.reachable = true;
    await vi.advanceTimersByTimeAsync(100);
    expect(attempts).toEqual([1, 2, 2, 3]);
    expect(sender.waiting).toBe(0);
  });

  it("keeps trying while Redis is away, less and less often, then gives up once, after giveUpMs", async () => {
    const { bus, attempts, state } = flakyBus();
    const gaveUp = vi.fn();
    const sender = new OrderedSender(bus, "b", { giveUpMs: 3000 }, gaveUp);
    state.reachable = false;
    sender.send(frame("one"));
    await vi.advanceTimersByTimeAsync(2900);
    // 0, 100, 300, 700, 1500, 2500 ms: the wait doubles up to a second.
    expect(attempts).toEqual([1, 1, 1, 1, 1, 1]);
    expect(gaveUp).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(2000);
    expect(gaveUp).toHaveBeenCalledTimes(1);
    const tried = attempts.length;
    sender.send(frame("late"));
    await vi.advanceTimersByTimeAsync(5000);
    expect(attempts.length).toBe(tried);
  });

  it("gives up at once when too much waits, before holding any more", async () => {
    const { bus, state } = flakyBus();
    const gaveUp = vi.fn();
    const sender = new OrderedSender(bus, "b", { giveUpMs: 60_000, maxItems: 3 }, gaveUp);
    state.reachable = false;
    for (let i = 0; i < 3; i++) sender.send(frame(`f${i}`));
    await vi.advanceTimersByTimeAsync(0);
    expect(gaveUp).not.toHaveBeenCalled();
    sender.send(frame("one too many"));
    expect(gaveUp).toHaveBeenCalledTimes(1);
    expect(sender.waiting).toBe(0);
  });

  it("counts the characters waiting against their own bound", () => {
    const { bus, state } = flakyBus();
    const gaveUp = vi.fn();
    const sender = new OrderedSender(bus, "b", { giveUpMs: 60_000, maxChars: 10 }, gaveUp);
    state.reachable = false;
    sender.send(frame("12345"));
    sender.send(frame("12345"));
    expect(gaveUp).not.toHaveBeenCalled();
    sender.send(frame("x"));
    expect(gaveUp).toHaveBeenCalledTimes(1);
  });

  it("sends nothing more once stopped, and does not give up", async () => {
    const { bus, attempts, state } = flakyBus();
    const gaveUp = vi.fn();
    const sender = new OrderedSender(bus, "b", { giveUpMs: 1000 }, gaveUp);
    state.reachable = false;
    sender.send(frame("one"));
    await vi.advanceTimersByTimeAsync(0);
    sender.stop();
    await vi.advanceTimersByTimeAsync(5000);
    expect(attempts).toEqual([1]);
    expect(gaveUp).not.toHaveBeenCalled();
  });
});
