/**
 * The Room's state machine without a browser: join, the lobby, a lost connection taken up again with the
 * resume token on the reconnection schedule, a resume the server no longer honours, a refusal while
 * reconnecting, endings that must not reconnect, and hanging up mid-way. The server is a scripted socket
 * (every frame the Room sends is kept, and the script answers `join`); the media engine is a stand-in, since
 * WebRTC is not what is under test here (the e2e suite runs it: reload-resume, media-recovery).
 */
import { afterEach, beforeEach, describe, expect, it, onTestFinished, vi } from "vitest";
import { CloseCode, ErrorCode } from "../../protocol/errors.js";
import type { ParticipantInfo, ServerMessage, ServerMessageOf } from "../../protocol/messages.js";
import type { Engine } from "../engine/engine.js";
import type { LocalMedia } from "../engine/local-media.js";
import { SignalError, type SocketLike } from "../signal/signal-client.js";
import type { ConnectionParts } from "./connection-contract.js";
import { reconnectDelays } from "./reconnect.js";
import { Room } from "./room.js";

// biome-ignore lint/suspicious/noExplicitAny: frames the Room sent, inspected loosely
type Sent = Record<string, any> & { type: string };

/** How the scripted server treats the next join: its answer, a socket that never opens, or no answer at all. */
type JoinAnswer = ServerMessage | "unreachable" | "silent";

/** One socket the Room opened; the script plays the server's side of it. */
class ScriptedSocket implements SocketLike {
  readyState = 0;
  readonly sent: Sent[] = [];
  readonly #on = new Map<string, ((ev: never) => void)[]>();

  constructor(
    readonly url: string,
    private readonly server: ScriptedServer,
  ) {
    // The server decides, a moment later, whether the socket opens. (Microtasks, not timers: the fake clock
    // is the Room's, and a 0 ms timer set while it ticks would wait for the next millisecond.)
    queueMicrotask(() => server.accept(this));
  }

  addEventListener(type: string, listener: (ev: never) => void): void {
    this.#on.set(type, [...(this.#on.get(type) ?? []), listener]);
  }

  send(data: string): void {
    const frame = JSON.parse(data) as Sent;
    this.sent.push(frame);
    this.server.received(this, frame);
  }

  close(code = 1000): void {
    this.drop(code);
  }

  /** The server's side: opens, says something, drops. */
  open(): void {
    this.readyState = 1;
    this.#fire("open", {});
  }
  say(message: ServerMessage): void {
    if (this.readyState === 1) this.#fire("message", { data: JSON.stringify(message) });
  }
  drop(code: number): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.#fire("close", { code, reason: "" });
  }

  #fire(type: string, ev: object): void {
    for (const listener of this.#on.get(type) ?? []) listener(ev as never);
  }
}

class ScriptedServer {
  readonly sockets: ScriptedSocket[] = [];
  /** Answers to the coming joins, in order; once used up, every join is welcome. */
  readonly answers: JoinAnswer[] = [];
  joins = 0;

  accept(socket: ScriptedSocket): void {
    this.sockets.push(socket);
    if (this.answers[0] === "unreachable") {
      this.answers.shift();
      socket.drop(1006);
    } else socket.open();
  }

  received(socket: ScriptedSocket, frame: Sent): void {
    if (frame.type !== "join") return;
    this.joins += 1;
    const next = this.answers.shift();
    if (next === "silent") return;
    const answer = next === undefined || next === "unreachable" ? joined(`token-${this.joins}`) : next;
    queueMicrotask(() => socket.say({ ...answer, id: frame.id } as ServerMessage));
  }

  get last(): ScriptedSocket {
    const socket = this.sockets.at(-1);
    if (!socket) throw new Error("no socket opened yet");
    return socket;
  }

  /** The `join` frames, in order. */
  joinFrames(): Sent[] {
    return this.sockets.flatMap((s) => s.sent.filter((f) => f.type === "join"));
  }
}

const ME: ParticipantInfo = {
  id: "me",
  name: "Ana",
  role: "moderator",
  audio: true,
  video: true,
  screen: false,
  recording: false,
};

function joined(resume: string): ServerMessageOf<"joined"> {
  return {
    type: "joined",
    you: ME,
    room: "standup",
    participants: [ME],
    iceServers: [],
    settings: { lobby: false, locked: false, e2ee: false, pollsByAnyone: false, recordingAllowed: true },
    chat: [],
    hands: [],
    polls: [],
    resume,
  };
}

function refusal(code: ErrorCode): ServerMessage {
  return { type: "error", code, message: code } as ServerMessage;
}

function fakeMedia(): LocalMedia {
  return {
    isOn: () => true,
    track: () => null,
    stop: vi.fn(),
    stream: {},
  } as unknown as LocalMedia;
}

let server: ScriptedServer;
let room: Room;
let engines: number;
let parts: ConnectionParts;

beforeEach(() => {
  // setImmediate stays real: run() yields through it so that the Room's promise chains move on between timers.
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval", "Date"] });
  server = new ScriptedServer();
  engines = 0;
  parts = {
    webrtc: () => true,
    url: () => "ws://palabre.test/ws",
    Socket: class extends ScriptedSocket {
      constructor(url: string) {
        super(url, server);
      }
    },
    engine: () => {
      engines += 1;
      return {
        publish: async () => {},
        close: () => {},
        remoteTracksOf: () => ({}),
        handleSubscribeOffer: async () => {},
      } as unknown as Engine;
    },
  };
  room = new Room(parts);
});

afterEach(() => {
  room.leaveNow();
  vi.useRealTimers();
});

/** A turn of the real event loop (setImmediate is not faked here). */
const realTurn = () =>
  new Promise<void>((resolve) =>
    (globalThis as unknown as { setImmediate(f: () => void): void }).setImmediate(resolve),
  );

/**
 * Lets `ms` pass on the fake clock, then lets the scripted exchanges settle: each turn runs what is due and
 * yields to the real event loop, so that a reply scheduled at the end of a promise chain is run too.
 */
async function run(ms = 0): Promise<void> {
  await vi.advanceTimersByTimeAsync(ms);
  for (let turn = 0; turn < 20; turn++) {
    await realTurn();
    await vi.advanceTimersByTimeAsync(0);
  }
}

async function inMeeting(): Promise<void> {
  const joining = room.join("standup", "Ana", fakeMedia());
  await run();
  await joining;
  expect(room.state.view.value).toBe("conference");
}

describe("Room: joining", () => {
  it("enters the meeting: one socket, one join, the engine built", async () => {
    await inMeeting();
    expect(server.sockets).toHaveLength(1);
    expect(server.joinFrames()).toMatchObject([{ room: "standup", name: "Ana" }]);
    expect(server.joinFrames()[0]).not.toHaveProperty("resume");
    expect(engines).toBe(1);
  });

  it("waits in the lobby, and enters when the server's joined comes later without an id", async () => {
    server.answers.push({ type: "lobby.waiting", room: "standup" } as ServerMessage);
    const joining = room.join("standup", "Ana", fakeMedia());
    await run();
    await joining;
    expect(room.state.view.value).toBe("lobby");
    expect(engines).toBe(0);
    server.last.say(joined("token-admitted"));
    await run();
    expect(room.state.view.value).toBe("conference");
    expect(engines).toBe(1);
  });

  it("asks for the password when the room is locked, and joins with the one typed", async () => {
    server.answers.push(refusal(ErrorCode.PasswordRequired));
    const joining = room.join("standup", "Ana", fakeMedia());
    await run();
    await joining;
    expect(room.state.view.value).toBe("password");
    const retry = room.submitPassword("s3cret");
    await run();
    await retry;
    expect(room.state.view.value).toBe("conference");
    expect(server.joinFrames().at(-1)).toMatchObject({ password: "s3cret" });
  });
});

describe("Room: a lost connection", () => {
  it("comes back as the same participant: the resume token from joined, after the first delay", async () => {
    await inMeeting();
    server.last.drop(1006);
    await run();
    // The meeting stays on screen under the banner while it tries.
    expect(room.state.view.value).toBe("conference");
    expect(room.state.reconnecting.value).toBe(true);
    const first = reconnectDelays()[0] ?? 0;
    await run(first - 1);
    expect(server.sockets).toHaveLength(1);
    await run(1);
    expect(server.sockets).toHaveLength(2);
    expect(server.joinFrames()[1]).toMatchObject({ resume: "token-1" });
    expect(server.joinFrames()[1]).not.toHaveProperty("password");
    expect(room.state.reconnecting.value).toBe(false);
    expect(room.state.rejoined.value).toEqual({ count: 1, resumed: true });
    // The next drop presents the newest token.
    server.last.drop(CloseCode.ServiceRestart);
    await run(first);
    expect(server.joinFrames()[2]).toMatchObject({ resume: "token-2" });
  });

  it("comes in as a new participant when the server no longer honours the token", async () => {
    await inMeeting();
    server.answers.push(refusal(ErrorCode.ResumeExpired));
    server.last.drop(1006);
    await run(reconnectDelays()[0]);
    const frames = server.joinFrames();
    expect(frames).toHaveLength(3);
    expect(frames[1]).toMatchObject({ resume: "token-1" });
    expect(frames[2]).not.toHaveProperty("resume");
    expect(room.state.rejoined.value).toEqual({ count: 1, resumed: false });
    expect(room.state.view.value).toBe("conference");
  });

  it("keeps trying on the schedule while the server cannot be reached, then says the connection is lost", async () => {
    await inMeeting();
    const delays = reconnectDelays();
    server.answers.push(...delays.map(() => "unreachable" as const));
    server.last.drop(1006);
    let elapsed = 0;
    for (const [i, delay] of delays.slice(0, 4).entries()) {
      await run(delay);
      elapsed += delay;
      expect(server.sockets, `after ${elapsed} ms`).toHaveLength(2 + i);
    }
    expect(room.state.view.value).toBe("conference");
    await run(70_000);
    expect(server.sockets).toHaveLength(1 + delays.length);
    expect(room.state.view.value).toBe("error");
    expect(room.state.error.value?.key).toBe("error.connectionLost");
  });

  it("does not retry a refusal: a room locked meanwhile asks for the password", async () => {
    await inMeeting();
    server.answers.push(refusal(ErrorCode.ResumeExpired), refusal(ErrorCode.PasswordRequired));
    server.last.drop(1006);
    await run(reconnectDelays()[0]);
    expect(room.state.view.value).toBe("password");
    const sockets = server.sockets.length;
    await run(30_000);
    expect(server.sockets).toHaveLength(sockets);
  });

  it("stops trying when the person hangs up meanwhile", async () => {
    await inMeeting();
    server.last.drop(1006);
    await run(100);
    const leaving = room.leave();
    await run();
    await leaving;
    await run(30_000);
    expect(server.sockets).toHaveLength(1);
    expect(room.state.view.value).toBe("left");
  });
});

describe("Room: endings that must not reconnect", () => {
  for (const [code, view] of [
    [CloseCode.Removed, "removed"],
    [CloseCode.Denied, "denied"],
    [CloseCode.MeetingEnded, "ended"],
    [CloseCode.Left, "left"],
  ] as const) {
    it(`close ${code} ends in "${view}" and opens no other socket`, async () => {
      await inMeeting();
      server.last.drop(code);
      await run(30_000);
      expect(room.state.view.value).toBe(view);
      expect(server.sockets).toHaveLength(1);
      expect(room.state.reconnecting.value).toBe(false);
    });
  }
});

describe("Room: a feature module's request", () => {
  it("goes straight to the socket in the meeting, and its reply comes back", async () => {
    await inMeeting();
    const raising = room.request({ type: "hand.raise" });
    const frame = server.last.sent.at(-1);
    expect(frame).toMatchObject({ type: "hand.raise" });
    server.last.say({ type: "ok", id: frame?.id } as ServerMessage);
    await run();
    await expect(raising).resolves.toMatchObject({ type: "ok" });
  });

  it("is refused, and nothing sent, before the meeting, while joining again, and after hanging up", async () => {
    const refused = async () => {
      const sent = server.sockets.reduce((n, s) => n + s.sent.length, 0);
      await expect(room.request({ type: "hand.raise" })).rejects.toSatisfy(
        (e) => e instanceof SignalError && e.code === "closed",
      );
      expect(server.sockets.reduce((n, s) => n + s.sent.length, 0)).toBe(sent);
    };
    await refused();
    await inMeeting();
    // The connection drops; the new socket opens, but its join is not answered yet.
    server.answers.push("silent");
    server.last.drop(1006);
    await run(reconnectDelays()[0]);
    expect(server.sockets).toHaveLength(2);
    expect(server.last.readyState).toBe(1);
    await refused();
    room.leaveNow();
    await refused();
  });
});

describe("Room: moving to a breakout room and back", () => {
  it("joins the other room on a new connection with the grant, then lets the old one go", async () => {
    await inMeeting();
    const first = server.last;
    first.say({ type: "breakout.move", breakout: "b2", grant: "g".repeat(32) });
    await run();
    expect(server.sockets).toHaveLength(2);
    expect(server.joinFrames()[1]).toMatchObject({ room: "standup", breakout: "b2", grant: "g".repeat(32) });
    expect(server.joinFrames()[1]).not.toHaveProperty("resume");
    expect(first.readyState).toBe(3); // closed once the new one is in
    expect(room.state.view.value).toBe("conference");
    expect(room.state.breakout.value).toBe("b2");
    // The server's 4006 on the old socket starts nothing; a drop of the new one resumes into the breakout room.
    first.drop(CloseCode.Moved);
    server.last.drop(1006);
    await run(reconnectDelays()[0]);
    expect(server.joinFrames()[2]).toMatchObject({ breakout: "b2", resume: "token-2" });
    // Sent back: the meeting itself, no breakout named.
    server.last.say({ type: "breakout.move", breakout: null, grant: "h".repeat(32) });
    await run();
    expect(server.joinFrames()[3]).toMatchObject({ grant: "h".repeat(32) });
    expect(server.joinFrames()[3]).not.toHaveProperty("breakout");
    expect(room.state.breakout.value).toBeNull();
  });

  it("after a reload, comes back to the breakout room it was in, or to the meeting if that room is gone", async () => {
    const kept = new Map<string, string>();
    vi.stubGlobal("sessionStorage", {
      get length() {
        return kept.size;
      },
      key: (i: number) => [...kept.keys()][i] ?? null,
      getItem: (k: string) => kept.get(k) ?? null,
      setItem: (k: string, v: string) => kept.set(k, v),
      removeItem: (k: string) => kept.delete(k),
    });
    onTestFinished(() => {
      vi.unstubAllGlobals();
    });
    await inMeeting();
    server.last.say({ type: "breakout.move", breakout: "b1", grant: "g".repeat(32) });
    await run();
    room.suspendNow(); // the page goes away; the tab keeps its token
    room = new Room(parts);
    server.answers.push(refusal(ErrorCode.NotFound));
    await inMeeting();
    const frames = server.joinFrames();
    expect(frames.at(-2)).toMatchObject({ breakout: "b1", resume: "token-2" });
    expect(frames.at(-1)).not.toHaveProperty("breakout");
    expect(frames.at(-1)).not.toHaveProperty("resume");
    expect(room.state.breakout.value).toBeNull();
  });
});
