/**
 * A subscriber whose picture is stuck asks for a key frame (`subscribe.configure` with `keyframe: true`): the
 * publisher's camera gets a key frame request. Only m-lines of the asker's own subscription count (real
 * server, real Janus, bots with real WebRTC connections).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Bot } from "../../bots/bot.js";
import { uniqueRoom } from "../helpers/room-clients.js";
import { type ServerHandle, startServer, tail } from "../helpers/server.js";
import { sleep, waitFor } from "../helpers/wait.js";

let server: ServerHandle;

beforeAll(async () => {
  server = await startServer({ name: "keyframe" });
});

afterAll(async () => {
  await server?.stop();
});

describe("key frame requests", () => {
  it("reach the publisher's camera for an m-line of one's own subscription, and only then", async () => {
    const room = uniqueRoom("keyframe");
    const url = server.wsUrl;
    const ann = new Bot({ url, room, name: "ann", audio: "muted", video: true, subscribe: false });
    const cat = new Bot({ url, room, name: "cat", audio: "off", video: false, subscribe: true });
    const bots = [ann, cat];
    try {
      for (const b of bots) await b.start();
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
      for (const b of bots) expect(b.failures, b.opts.name).toEqual([]);
    } catch (err) {
      console.error(tail(server.lines, 30));
      throw err;
    } finally {
      for (const b of bots) await b.leave();
    }
  }, 60_000);
});
