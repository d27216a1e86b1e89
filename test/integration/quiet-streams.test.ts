/**
 * A microphone never turned on is left out of the others' subscriptions, and joins them the first time it
 * turns on (real server, real Janus, bots with real WebRTC connections).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Bot } from "../../bots/bot.js";
import { uniqueRoom } from "../helpers/room-clients.js";
import { type ServerHandle, startServer, tail } from "../helpers/server.js";
import { waitFor } from "../helpers/wait.js";

let server: ServerHandle;

beforeAll(async () => {
  server = await startServer({ name: "quiet-streams" });
});

afterAll(async () => {
  await server?.stop();
});

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
    const bots = [ann, ben, cat];
    try {
      for (const b of bots) await b.start();
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
      for (const b of bots) expect(b.failures, b.opts.name).toEqual([]);
    } catch (err) {
      console.error(tail(server.lines, 30));
      throw err;
    } finally {
      for (const b of bots) await b.leave();
    }
  }, 60_000);
});
