/** The signal client against a stand-in WebSocket, given as its socket constructor. */
import { describe, expect, it, vi } from "vitest";
import { SignalClient, SignalError } from "./signal-client.js";

class FakeSocket {
  static OPEN = 1;
  static last: FakeSocket;
  readyState = 0;
  readonly sent: Record<string, unknown>[] = [];
  private readonly listeners = new Map<string, ((ev: never) => void)[]>();
  constructor(readonly url: string) {
    FakeSocket.last = this;
  }
  addEventListener(type: string, fn: (ev: never) => void) {
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
    for (const fn of this.listeners.get(type) ?? []) fn(ev as never);
  }
}

/** What the client's listener heard. */
function listener() {
  return { message: vi.fn(), close: vi.fn() };
}

async function connected(heard = listener()): Promise<{ client: SignalClient; socket: FakeSocket }> {
  const client = new SignalClient(heard, FakeSocket);
  const opening = client.connect("ws://test/ws");
  const socket = FakeSocket.last;
  socket.open();
  await opening;
  return { client, socket };
}

describe("SignalClient", () => {
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

  it("hands the messages the server sends on its own to its listener, not late replies", async () => {
    const heard = listener();
    const { client, socket } = await connected(heard);
    socket.receive({ type: "participant.left", participantId: "p_1", reason: "left" });
    expect(heard.message).toHaveBeenCalledWith({
      type: "participant.left",
      participantId: "p_1",
      reason: "left",
    });
    socket.receive({ type: "ok", id: 999 });
    expect(heard.message).toHaveBeenCalledTimes(1);
    client.close();
  });

  it("fails pending requests when the socket closes, and reports the close code", async () => {
    const heard = listener();
    const { client, socket } = await connected(heard);
    const pending = client.request({ type: "ping" });
    socket.serverClose(4002);
    await expect(pending).rejects.toMatchObject({ code: "closed" });
    expect(heard.close).toHaveBeenCalledWith({ code: 4002, reason: "" });
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
    const client = new SignalClient(listener(), FakeSocket);
    const opening = client.connect("ws://test/ws");
    FakeSocket.last.serverClose(1006);
    await expect(opening).rejects.toMatchObject({ code: "closed" });
  });
});
