/** The signal client against a stand-in WebSocket (Node 20 has none built in). */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { SignalClient, SignalError } from "./signal-client.js";

class FakeSocket {
  static OPEN = 1;
  static last: FakeSocket;
  readyState = 0;
  readonly sent: Record<string, unknown>[] = [];
  private readonly listeners = new Map<string, ((ev: unknown) => void)[]>();
  constructor(readonly url: string) {
    FakeSocket.last = this;
  }
  addEventListener(type: string, fn: (ev: unknown) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), fn]);
  }
  send(text: string) {
    this.sent.push(JSON.parse(text));
  }
  close(code = 1000) {
    this.serverClose(code);
  }
  // Test side:
  open() {
    this.readyState = 1;
    this.fire("open", {});
  }
  receive(msg: unknown) {
    this.fire("message", { data: JSON.stringify(msg) });
  }
  serverClose(code: number) {
    this.readyState = 3;
    this.fire("close", { code, reason: "" });
  }
  private fire(type: string, ev: unknown) {
    for (const fn of this.listeners.get(type) ?? []) fn(ev);
  }
}

async function connected(): Promise<{ client: SignalClient; socket: FakeSocket }> {
  const client = new SignalClient();
  const opening = client.connect("ws://test/ws");
  const socket = FakeSocket.last;
  socket.open();
  await opening;
  return { client, socket };
}

describe("SignalClient", () => {
  beforeEach(() => vi.stubGlobal("WebSocket", FakeSocket));
  afterEach(() => vi.unstubAllGlobals());

  it("matches replies to requests by id, whatever their order", async () => {
    const { client, socket } = await connected();
    const ping = client.request({ type: "ping" });
    const state = client.request({ type: "media.state", audio: false, video: true });
    const [first, second] = socket.sent as { id: number; type: string }[];
    expect(first?.type).toBe("ping");
    expect(second).toEqual({ type: "media.state", audio: false, video: true, id: second?.id });
    expect(first?.id).not.toBe(second?.id);
    socket.receive({ type: "ok", id: second?.id });
    socket.receive({ type: "pong", id: first?.id });
    await expect(state).resolves.toEqual({ type: "ok", id: second?.id });
    await expect(ping).resolves.toEqual({ type: "pong", id: first?.id });
  });

  it("rejects with the server's error code", async () => {
    const { client, socket } = await connected();
    const join = client.request({ type: "join", v: 1, room: "r", name: "n" });
    const id = (socket.sent[0] as { id: number }).id;
    socket.receive({ type: "error", id, code: "room_full", message: "room is full" });
    const err = await join.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SignalError);
    expect((err as SignalError).code).toBe("room_full");
  });

  it("emits messages the server sends on its own", async () => {
    const { client, socket } = await connected();
    const seen = vi.fn();
    client.on("participant.left", seen);
    socket.receive({ type: "participant.left", participantId: "p_1", reason: "left" });
    expect(seen).toHaveBeenCalledWith({ type: "participant.left", participantId: "p_1", reason: "left" });
  });

  it("fails pending requests when the socket closes, and reports the close code", async () => {
    const { client, socket } = await connected();
    const closes = vi.fn();
    client.on("close", closes);
    const pending = client.request({ type: "ping" });
    socket.serverClose(4002);
    await expect(pending).rejects.toMatchObject({ code: "closed" });
    expect(closes).toHaveBeenCalledWith({ code: 4002, reason: "" });
  });

  it("gives up on a request with no reply (a rate-limited message may get none)", async () => {
    vi.useFakeTimers();
    try {
      const { client } = await connected();
      const pending = client.request({ type: "ping" }, 1000);
      vi.advanceTimersByTime(1001);
      await expect(pending).rejects.toMatchObject({ code: "timeout" });
    } finally {
      vi.useRealTimers();
    }
  });

  it("rejects connect when the socket closes before opening", async () => {
    const client = new SignalClient();
    const opening = client.connect("ws://test/ws");
    FakeSocket.last.serverClose(1006);
    await expect(opening).rejects.toMatchObject({ code: "closed" });
  });
});
