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
      await ann.setAudio(false);
      await ann.setAudio(true);
      await new Promise((r) => setTimeout(r, 1000));
      expect(cat.offers).toBe(offersBefore + 1);
      expect(streamsOf(cat, ann.id).sort()).toEqual(["audio", "video"]);
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
      // Janus asks for key frames itself when a subscription starts: let that pass, then count.
      await sleep(1500);
      const before = (await ann.report()).out.keyFrameRequests;

      // An m-line that is not in Cat's subscription: accepted (it may just have gone), nothing asked.
      expect(
        (await cat.request({ type: "subscribe.configure", streams: [{ mid: "99", keyframe: true }] })).type,
      ).toBe("ok");
      await sleep(1200);
      expect((await ann.report()).out.keyFrameRequests, "requests after an unknown m-line").toBe(before);

      expect(
        (await cat.request({ type: "subscribe.configure", streams: [{ mid, keyframe: true }] })).type,
      ).toBe("ok");
      await waitFor(async () => (await ann.report()).out.keyFrameRequests > before, {
        timeoutMs: 3000,
        what: "Ann's camera to get a key frame request",
      });
    });
  }, 60_000);
});

// Last: judges every line the server printed during the file's tests.
describeServerLog(() => server);
