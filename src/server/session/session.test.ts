import { describe, expect, it } from "vitest";
import { ErrorCode } from "../../protocol/errors.js";
import type { ClientMessage, ServerMessage } from "../../protocol/messages.js";
import { Conference } from "../conference/conference.js";
import { FakeMedia, ROOM_DEFAULTS } from "../conference/test-fakes.js";
import { WindowLimiter } from "../conference/window-limiter.js";
import { type MediaEngine, MediaError } from "../media/media-room.js";
import { LocalRouter } from "../routing/local-router.js";
import { Session } from "./session.js";

/** Media whose subscriber answer fails the way it is told to. */
class FailingMedia extends FakeMedia {
  failure: Error | null = null;
  override async answer(): Promise<void> {
    if (this.failure) throw this.failure;
  }
}

function setUp() {
  const media = new FailingMedia();
  const engine: MediaEngine = { createRoom: async () => media, close: async () => {} };
  const router = new LocalRouter();
  const conference = new Conference(engine, router, ROOM_DEFAULTS);
  const sent: ServerMessage[] = [];
  const session = new Session(
    { conference, router },
    { send: (m) => sent.push(m), close: () => {} },
    { address: "192.0.2.1", passwordFailures: new WindowLimiter(30, 60_000) },
  );
  const reply = async (message: ClientMessage): Promise<ServerMessage> => {
    const before = sent.length;
    session.handle(message);
    for (let i = 0; i < 100 && !sent.slice(before).some((m) => "id" in m && m.id === message.id); i++)
      await new Promise((r) => setTimeout(r, 1));
    const answer = sent.slice(before).find((m) => "id" in m && m.id === message.id);
    if (!answer) throw new Error(`no reply to ${message.type}`);
    return answer;
  };
  return { media, reply, close: () => conference.close() };
}

const ANSWER = {
  type: "subscribe.answer",
  id: 2,
  jsep: { type: "answer", sdp: "v=0" },
} as ClientMessage;

describe("a media failure, as the requester hears of it", () => {
  it("is the client's mistake (bad_state) only when its request came out of order", async () => {
    const { media, reply, close } = setUp();
    expect((await reply({ type: "join", id: 1, v: 1, room: "r", name: "Ana" } as ClientMessage)).type).toBe(
      "joined",
    );
    media.failure = new MediaError("no subscriber offer is pending", "out_of_order");
    expect(await reply(ANSWER)).toMatchObject({ type: "error", code: ErrorCode.BadState });
    // The media server failing the same request is not the client's fault (it was bad_state for any
    // failure of subscribe.answer before media errors were typed).
    media.failure = new MediaError("janus error 433: unknown", "failed", 433);
    expect(await reply({ ...ANSWER, id: 3 } as ClientMessage)).toMatchObject({
      type: "error",
      code: ErrorCode.MediaFailed,
    });
    await close();
  });
});
