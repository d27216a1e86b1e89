import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ServerMessage } from "../../protocol/messages.js";
import type { ParticipantSink } from "../routing/router.js";
import { recordingBus } from "../routing/test-bus.js";
import { RemoteSessions, type RemoteSlot } from "./remote-sessions.js";
import type { Session } from "./session.js";

/** The holder's side, with a bus that records and can be cut, and sessions that record what they get. */
function holder(giveUpMs = 3000) {
  const { bus, sent, state } = recordingBus();
  const sessions: { handled: string[]; ended: boolean; sink: ParticipantSink }[] = [];
  const slot = { release: vi.fn() } as unknown as RemoteSlot;
  const remote = new RemoteSessions(
    bus,
    giveUpMs,
    () => slot,
    (sink) => {
      const record = { handled: [] as string[], ended: false, sink };
      sessions.push(record);
      return {
        handle: (_m: unknown, text: string) => record.handled.push(text),
        end: () => {
          record.ended = true;
        },
      } as unknown as Session;
    },
  );
  return { remote, sent, state, sessions };
}

const ping = (n: number) => JSON.stringify({ type: "ping", id: n });
const pong = { type: "pong" } as ServerMessage;

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe("RemoteSessions", () => {
  it("serves a relayed connection: acknowledges it, passes its frames on in order, each once", () => {
    const { remote, sent, sessions } = holder();
    remote.receive({ t: "open", c: "b.1", from: "b", addr: "192.0.2.1" });
    expect(sent).toEqual([["b", { t: "ack", c: "b.1" }]]);
    remote.receive({ t: "in", c: "b.1", n: 2, d: ping(2) });
    remote.receive({ t: "in", c: "b.1", n: 1, d: ping(1) });
    remote.receive({ t: "in", c: "b.1", n: 2, d: ping(2) });
    expect(sessions[0]?.handled).toEqual([ping(1), ping(2)]);
  });

  it("sends its messages again until the socket's node gets them", async () => {
    const { remote, sent, state, sessions } = holder();
    remote.receive({ t: "open", c: "b.1", from: "b", addr: "192.0.2.1" });
    state.reachable = false;
    sessions[0]?.sink.send(pong);
    await vi.advanceTimersByTimeAsync(0);
    state.reachable = true;
    await vi.advanceTimersByTimeAsync(100);
    const outs = sent.filter(([, e]) => e.t === "out").map(([, e]) => ("n" in e ? e.n : 0));
    expect(outs).toEqual([1, 1]);
    expect(sessions[0]?.ended).toBe(false);
  });

  it("numbers the end after the last message, and stays quiet about late frames of a connection it ended", async () => {
    const { remote, sent, sessions } = holder();
    remote.receive({ t: "open", c: "b.1", from: "b", addr: "192.0.2.1" });
    sessions[0]?.sink.send(pong);
    sessions[0]?.sink.close(4004, "removed");
    await vi.advanceTimersByTimeAsync(0);
    expect(sent.slice(1).map(([, e]) => [e.t, "n" in e ? e.n : null])).toEqual([
      ["out", 1],
      ["end", 2],
    ]);
    expect(sessions[0]?.ended).toBe(true);
    remote.receive({ t: "in", c: "b.1", n: 1, d: ping(1) });
    expect(sent.some(([, e]) => e.t === "gone")).toBe(false);
    expect(remote.size).toBe(0);
  });

  it("answers a frame of a connection it does not know with gone, to the node that holds the socket", () => {
    const { remote, sent } = holder();
    remote.receive({ t: "in", c: "node-b.7", n: 3, d: ping(3) });
    expect(sent).toEqual([["node-b", { t: "gone", c: "node-b.7" }]]);
  });

  it("gives a connection up when its node cannot be reached, and answers its later frames with gone", async () => {
    const { remote, sent, state, sessions } = holder(3000);
    remote.receive({ t: "open", c: "b.1", from: "b", addr: "192.0.2.1" });
    state.reachable = false;
    sessions[0]?.sink.send(pong);
    await vi.advanceTimersByTimeAsync(5000);
    expect(sessions[0]?.ended).toBe(true);
    expect(remote.size).toBe(0);
    state.reachable = true;
    remote.receive({ t: "in", c: "b.1", n: 1, d: ping(1) });
    expect(sent.at(-1)).toEqual(["b", { t: "gone", c: "b.1" }]);
  });

  it("ends the session when the socket closes, after the frames before the close", () => {
    const { remote, sessions } = holder();
    remote.receive({ t: "open", c: "b.1", from: "b", addr: "192.0.2.1" });
    remote.receive({ t: "close", c: "b.1", n: 2 });
    expect(sessions[0]?.ended).toBe(false);
    remote.receive({ t: "in", c: "b.1", n: 1, d: ping(1) });
    expect(sessions[0]?.handled).toEqual([ping(1)]);
    expect(sessions[0]?.ended).toBe(true);
  });
});
