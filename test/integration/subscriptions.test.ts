/**
 * What a subscription carries, and what a subscriber can ask of it (real server, real Janus, bots with real
 * WebRTC connections):
 * - a microphone never turned on is left out of the others' subscriptions, and joins them the first time it
 *   turns on;
 * - a subscriber whose picture is stuck asks for a key frame (`subscribe.configure` with `keyframe: true`):
 *   the publisher's camera gets a key frame request, only for an m-line of the asker's own subscription.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Bot } from "../../bots/bot.js";
import { describeServerLog } from "../helpers/log-health.js";
import { uniqueRoom } from "../helpers/room-clients.js";
import { type ServerHandle, startServer, tail } from "../helpers/server.js";
import { sleep, waitFor } from "../helpers/wait.js";

let server: ServerHandle;

/** How long the key frame test waits after a request for an unknown m-line before it counts. */
const UNKNOWN_WINDOW_MS = 1200;

beforeAll(async () => {
  server = await startServer({ name: "subscriptions" });
});

afterAll(async () => {
  await server?.stop();
});

/** Starts the bots in order, runs `body`, prints the server's last lines if it throws, and lets them leave. */
async function withBots(bots: Bot[], body: () => Promise<void>): Promise<void> {
  try {
    for (const b of bots) await b.start();
    await body();
    for (const b of bots) expect(b.failures, b.opts.name).toEqual([]);
  } catch (err) {
    console.error(tail(server.lines, 30));
    throw err;
  } finally {
    for (const b of bots) await b.leave();
  }
}

function streamsOf(bot: Bot, participantId: string | undefined): string[] {
  return [...bot.streams.values()].filter((s) => s.participantId === participantId).map((s) => s.kind);
}

/** The participants whose streams a subscribe.offer carries. */
function offerParticipants(offer: Record<string, unknown>): string[] {
  const streams = (offer.streams as { participantId: string }[] | undefined) ?? [];
  return [...new Set(streams.map((s) => s.participantId))];
}

/** The key frame requests `bot`'s camera has received so far. */
async function keyFrameRequests(bot: Bot): Promise<number> {
  return (await bot.report()).out.keyFrameRequests;
}

/**
 * Waits until `bot`'s count of key frame requests has not moved for `quietMs`, and returns it: Janus asks for
 * key frames by itself while a subscription starts, and only one a second per stream.
 */
async function steadyKeyFrameRequests(bot: Bot, quietMs: number): Promise<number> {
  let last = await keyFrameRequests(bot);
  let since = Date.now();
  const steady = await waitFor(
    async () => {
      const now = await keyFrameRequests(bot);
      if (now !== last) {
        last = now;
        since = Date.now();
      }
      return Date.now() - since >= quietMs ? { count: now } : undefined;
    },
    {
      timeoutMs: 20_000,
      intervalMs: 100,
      what: `${bot.opts.name}'s key frame requests to stay still for ${quietMs} ms`,
    },
  );
  return steady.count;
}

describe("streams of devices never turned on", () => {
  it("a muted microphone reaches no subscription until it is first turned on, then stays", async () => {
    const room = uniqueRoom("quiet");
    const url = server.wsUrl;
    // Ann: camera on, microphone muted from the start. Ben: microphone on, no camera. Cat receives.
    const ann = new Bot({ url, room, name: "ann", audio: "muted", video: true, subscribe: false });
    const ben = new Bot({ url, room, name: "ben", audio: "on", video: false, subscribe: false });
    const cat = new Bot({ url, room, name: "cat", audio: "off", video: false, subscribe: true });
    await withBots([ann, ben, cat], async () => {
      await waitFor(
        async () => streamsOf(cat, ann.id).includes("video") && streamsOf(cat, ben.id).includes("audio"),
        {
          timeoutMs: 15_000,
          what: "Cat to subscribe to Ann's camera and Ben's microphone",
        },
      );
      await cat.settled();
      // Ann's muted microphone is not in Cat's subscription: only her camera is.
      expect(streamsOf(cat, ann.id)).toEqual(["video"]);
      expect(streamsOf(cat, ben.id)).toEqual(["audio"]);
      const offersBefore = cat.offers;

      const t0 = performance.now();
      await ann.setAudio(true);
      await waitFor(async () => ((await cat.report()).inByParticipant.get(ann.id ?? "")?.audio ?? 0) > 10, {
        timeoutMs: 10_000,
        what: "Cat to receive Ann's sound once she unmutes",
      });
      console.log(
        `[quiet-streams] first unmute → 10 audio packets at the subscriber: ${Math.round(performance.now() - t0)} ms`,
      );
      expect(streamsOf(cat, ann.id).sort()).toEqual(["audio", "video"]);
      expect(cat.offers).toBe(offersBefore + 1);

      // Muting again keeps the m-line: no renegotiation for a mute, and the next unmute is instant.
      const offersSince: Record<string, unknown>[] = [];
      cat.onMessage((m) => {
        if (m.type === "subscribe.offer") offersSince.push(m);
      });
      await ann.setAudio(false);
      await ann.setAudio(true);
      // The marker: Dan comes in with his microphone on, which does renegotiate Cat's subscription. An offer
      // that the mute and unmute had caused would have been made before his (one subscription's offers are
      // made in turn): his must be the first offer Cat gets after them.
      const dan = new Bot({ url, room, name: "dan", audio: "on", video: false, subscribe: false });
      try {
        await dan.start();
        await waitFor(() => streamsOf(cat, dan.id).includes("audio"), {
          timeoutMs: 15_000,
          what: "Cat to subscribe to Dan's microphone",
        });
        await cat.settled();
        expect(
          offersSince.map((o) => offerParticipants(o).includes(dan.id ?? "")),
          "subscribe.offers to Cat since the mute: does each carry Dan's stream?",
        ).toEqual([true]);
        expect(streamsOf(cat, ann.id).sort()).toEqual(["audio", "video"]);
        expect(dan.failures, "dan").toEqual([]);
      } finally {
        await dan.leave();
      }
    });
  }, 60_000);
});

describe("key frame requests", () => {
  it("reach the publisher's camera for an m-line of one's own subscription, and only then", async () => {
    const room = uniqueRoom("keyframe");
    const url = server.wsUrl;
    const ann = new Bot({ url, room, name: "ann", audio: "muted", video: true, subscribe: false });
    const cat = new Bot({ url, room, name: "cat", audio: "off", video: false, subscribe: true });
    await withBots([ann, cat], async () => {
      await waitFor(async () => ((await cat.report()).inByParticipant.get(ann.id ?? "")?.frames ?? 0) > 10, {
        timeoutMs: 15_000,
        what: "Cat to decode Ann's video",
      });
      const mid = [...cat.streams.values()].find(
        (s) => s.participantId === ann.id && s.kind === "video",
      )?.mid;
      expect(mid, "Ann's video m-line in Cat's subscription").toBeDefined();
      // Janus asks for key frames itself when a subscription starts: wait until that is over, then count.
      const before = await steadyKeyFrameRequests(ann, 1500);

      // An m-line that is not in Cat's subscription: accepted (it may just have gone), nothing asked.
      const unknownAt = Date.now();
      expect(
        (await cat.request({ type: "subscribe.configure", streams: [{ mid: "99", keyframe: true }] })).type,
      ).toBe("ok");
      // Janus forwards at most one key frame request a second per stream: the marker below goes more than a
      // second after this one, so a request this one had caused could not swallow it.
      await sleep(UNKNOWN_WINDOW_MS);
      const windowMs = Date.now() - unknownAt;
      expect(await keyFrameRequests(ann), "requests after an unknown m-line").toBe(before);

      // The marker: the same request for Cat's real m-line reaches Ann's camera, and faster than the window
      // the unknown m-line was given, so a request of the unknown one would have been counted above.
      const knownAt = Date.now();
      expect(
        (await cat.request({ type: "subscribe.configure", streams: [{ mid, keyframe: true }] })).type,
      ).toBe("ok");
      await waitFor(async () => (await keyFrameRequests(ann)) > before, {
        timeoutMs: 3000,
        intervalMs: 50,
        what: "Ann's camera to get a key frame request",
      });
      const latencyMs = Date.now() - knownAt;
      console.log(
        `[keyframe] request → Ann's camera: ${latencyMs} ms (the unknown m-line had ${windowMs} ms)`,
      );
      expect(latencyMs, "a real request's way to the camera, within the unknown one's window").toBeLessThan(
        windowMs,
      );
      // Exactly one: the unknown m-line's request asked nothing, not even late.
      expect(await steadyKeyFrameRequests(ann, 1000), "requests once all is quiet").toBe(before + 1);
    });
  }, 60_000);
});

// Last: judges every line the server printed during the file's tests.
describeServerLog(() => server);
