import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { OrderedReceiver } from "./ordered-receiver.js";

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

function receiver(gapMs = 1000) {
  const got: string[] = [];
  const lost = vi.fn();
  const r = new OrderedReceiver<string>(gapMs, (s) => got.push(s), lost);
  return { r, got, lost };
}

describe("OrderedReceiver", () => {
  it("passes items on in order, each once", () => {
    const { r, got, lost } = receiver();
    r.receive(1, "one");
    r.receive(1, "one again");
    r.receive(2, "two");
    expect(got).toEqual(["one", "two"]);
    expect(r.received).toBe(2);
    expect(lost).not.toHaveBeenCalled();
  });

  it("holds an early item until the one before it comes, then passes both in order", () => {
    const { r, got, lost } = receiver();
    r.receive(1, "one");
    r.receive(3, "three");
    r.receive(4, "four");
    expect(got).toEqual(["one"]);
    r.receive(2, "two");
    r.receive(3, "three again");
    expect(got).toEqual(["one", "two", "three", "four"]);
    vi.advanceTimersByTime(5000);
    expect(lost).not.toHaveBeenCalled();
  });

  it("says the connection is lost when a hole stays open for gapMs, and passes nothing after", () => {
    const { r, got, lost } = receiver(1000);
    r.receive(2, "two");
    vi.advanceTimersByTime(999);
    expect(lost).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(lost).toHaveBeenCalledTimes(1);
    r.receive(1, "one");
    expect(got).toEqual([]);
  });

  it("gives each hole its own time: filling one restarts the clock for the next", () => {
    const { r, got, lost } = receiver(1000);
    r.receive(2, "two");
    r.receive(4, "four");
    vi.advanceTimersByTime(900);
    r.receive(1, "one");
    vi.advanceTimersByTime(900);
    expect(lost).not.toHaveBeenCalled();
    expect(got).toEqual(["one", "two"]);
    vi.advanceTimersByTime(100);
    expect(lost).toHaveBeenCalledTimes(1);
  });

  it("says the connection is lost when too many items wait for a hole", () => {
    const { r, lost } = receiver(60_000);
    for (let n = 2; n <= 1001; n++) r.receive(n, String(n));
    expect(lost).not.toHaveBeenCalled();
    r.receive(1002, "one too many");
    expect(lost).toHaveBeenCalledTimes(1);
  });
});
