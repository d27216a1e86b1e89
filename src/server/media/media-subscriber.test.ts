/**
 * MediaSubscriber's offer/answer bookkeeping against a stand-in Janus handle: what it asks Janus, in which
 * order, and what it hands the client; in seconds, where the e2e suite needs real Janus and Chromium.
 */
import { EventEmitter } from "node:events";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { StreamChoice } from "../../protocol/messages.js";
import { type JanusClient, JanusError, type PluginMessage } from "./janus-client.js";
import { MediaError } from "./media-room.js";
import { type FeedStreams, FIRST_FEEDS, MediaSubscriber } from "./media-subscriber.js";

/** Answers each request with an offer listing the streams asked for so far (as Janus's VideoRoom does). */
class FakeHandle extends EventEmitter {
  readonly requests: Record<string, unknown>[] = [];
  readonly streams: { mid: string; type: string; feed_id: number; feed_mid: string }[] = [];
  fail: JanusError | null = null;
  detached = false;

  async request(body: Record<string, unknown>): Promise<PluginMessage> {
    this.requests.push(body);
    if (this.fail) {
      const err = this.fail;
      this.fail = null;
      throw err;
    }
    if (body.request === "join" || body.request === "subscribe") {
      for (const s of body.streams as { feed: number; mid: string }[])
        this.streams.push({
          mid: String(this.streams.length),
          type: "video",
          feed_id: s.feed,
          feed_mid: s.mid,
        });
      return {
        data: { streams: [...this.streams] },
        jsep: { type: "offer", sdp: `v=0 ${this.streams.length}` },
      };
    }
    return { data: {} };
  }

  async trickle(): Promise<void> {}

  async detach(): Promise<void> {
    this.detached = true;
  }
}

function setUp(wanted: FeedStreams[]) {
  const handle = new FakeHandle();
  const client = { attach: vi.fn(async () => handle) } as unknown as JanusClient;
  const offers: string[] = [];
  const subscriber = new MediaSubscriber(client, 1234, {
    wantedStreams: () => wanted,
    rank: (feeds) => [...feeds].sort((a, b) => b - a),
    offer: (jsep) => offers.push(jsep.sdp),
    slow: () => {},
  });
  const settled = () => new Promise((resolve) => setTimeout(resolve, 0));
  return { handle, subscriber, offers, settled };
}

/** The feeds a join or subscribe request asked for. */
const feedsAsked = (request: Record<string, unknown> | undefined) =>
  ((request?.streams ?? []) as { feed: number }[]).map((s) => s.feed);

const feeds = (n: number): FeedStreams[] =>
  Array.from({ length: n }, (_, i) => ({ feed: i + 1, mids: ["v"] }));

afterEach(() => {
  vi.useRealTimers();
});

describe("MediaSubscriber", () => {
  it("joins with the wanted streams, hands the offer on, and starts with the client's answer", async () => {
    const { handle, subscriber, offers, settled } = setUp(feeds(2));
    subscriber.sync();
    await settled();
    expect(handle.requests[0]).toMatchObject({ request: "join", ptype: "subscriber", room: 1234 });
    expect(handle.requests[0]?.streams).toEqual([
      { feed: 1, mid: "v" },
      { feed: 2, mid: "v" },
    ]);
    expect(offers).toEqual(["v=0 2"]);
    await subscriber.answer({ type: "answer", sdp: "a" });
    expect(handle.requests[1]).toEqual({ request: "start" });
    // Nothing more is wanted: a sync asks Janus for nothing.
    subscriber.sync();
    await settled();
    expect(handle.requests).toHaveLength(2);
  });

  it("refuses an answer with no offer pending as out of order (the client's mistake)", async () => {
    const { subscriber, settled } = setUp(feeds(1));
    await expect(subscriber.answer({ type: "answer", sdp: "a" })).rejects.toMatchObject({
      failure: "out_of_order",
    });
    subscriber.sync();
    await settled();
    await subscriber.answer({ type: "answer", sdp: "a" });
    const again = await subscriber.answer({ type: "answer", sdp: "a" }).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(MediaError);
  });

  it(`subscribes a big room's ${FIRST_FEEDS} most relevant feeds first, the rest once the media is up`, async () => {
    const { handle, subscriber, offers, settled } = setUp(feeds(20));
    subscriber.sync();
    await settled();
    // The rank said: highest feed numbers first.
    const first = feedsAsked(handle.requests[0]);
    expect(first).toEqual([5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
    await subscriber.answer({ type: "answer", sdp: "a" });
    await settled();
    expect(handle.requests.map((r) => r.request)).toEqual(["join", "start"]);
    handle.emit("webrtcup");
    await settled();
    expect(handle.requests[2]).toMatchObject({ request: "subscribe" });
    expect(feedsAsked(handle.requests[2])).toEqual([1, 2, 3, 4]);
    expect(offers).toHaveLength(2);
  });

  it("answers only Janus's latest offer when a newer one came before the client's answer", async () => {
    const { handle, subscriber, offers, settled } = setUp(feeds(1));
    subscriber.sync();
    await settled();
    // Janus renegotiates by itself (a publisher left): a second offer before the first answer.
    handle.emit("event", { data: {}, jsep: { type: "offer", sdp: "v=0 renegotiated" } });
    expect(offers).toEqual(["v=0 1", "v=0 renegotiated"]);
    await subscriber.answer({ type: "answer", sdp: "to the first" });
    expect(handle.requests.map((r) => r.request)).toEqual(["join"]);
    await subscriber.answer({ type: "answer", sdp: "to the latest" });
    expect(handle.requests.map((r) => r.request)).toEqual(["join", "start"]);
  });

  it("tries again, shortly, when a feed vanished between the decision and Janus (428)", async () => {
    vi.useFakeTimers();
    const wanted = feeds(2);
    const { handle, subscriber, offers } = setUp(wanted);
    handle.fail = new JanusError(428, "no such feed");
    subscriber.sync();
    await vi.advanceTimersByTimeAsync(0);
    expect(offers).toEqual([]);
    wanted.pop(); // feed 2 is gone by the retry
    await vi.advanceTimersByTimeAsync(300);
    expect(handle.requests[1]?.streams).toEqual([{ feed: 1, mid: "v" }]);
    expect(offers).toEqual(["v=0 1"]);
  });

  it("configures layers only once subscribed, and passes Janus's own names", async () => {
    const { handle, subscriber, settled } = setUp(feeds(1));
    const choices: StreamChoice[] = [{ mid: "0", layer: 1, temporal: 2 }, { mid: "1" }];
    await expect(subscriber.configure(choices)).rejects.toBeInstanceOf(MediaError);
    subscriber.sync();
    await settled();
    await subscriber.configure(choices);
    expect(handle.requests.at(-1)).toEqual({
      request: "configure",
      streams: [{ mid: "0", substream: 1, temporal: 2 }],
    });
    await subscriber.close();
    expect(handle.detached).toBe(true);
  });
});
