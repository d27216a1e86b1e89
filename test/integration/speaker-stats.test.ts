/**
 * PROTOCOL.md "Speaker statistics", with real sound into Janus: Ben publishes a tone with libwebrtc
 * (tone-speaker.ts), loud enough for Janus's VideoRoom to say he is talking; Ann (moderator) and Cat are
 * silent. Ann's figures count Ben's talking time, stop it when he mutes, and keep it when he leaves; Cat, a
 * participant, is refused.
 */
import { describe, expect, it } from "vitest";
import { enter, isType, type Peer, uniqueRoom } from "../helpers/room-clients.js";
import { describeServerHealth, suiteServer } from "../helpers/suite-server.js";
import { joinAsToneSpeaker, type ToneSpeaker } from "../helpers/tone-speaker.js";
import type { AnyMessage } from "../helpers/ws-client.js";

const opened: { close(): void }[] = [];
const server = suiteServer({ name: "speaker-stats" }, () => {
  for (const o of opened) o.close();
});

const statsOf = async (peer: { client: Peer["client"] }): Promise<AnyMessage[]> => {
  const reply = await peer.client.request({ type: "speakers.stats" }, 10_000);
  expect(reply.type).toBe("speaker.stats");
  return reply.entries as AnyMessage[];
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("speaker statistics", () => {
  it("count who talks, stop at a mute, keep the time of who left; moderators only", async () => {
    const room = uniqueRoom("speaker-stats");
    const ann: Peer = await enter(server.wsUrl, room, "Ann", { audio: false, video: false });
    opened.push({ close: () => ann.client.terminate() });
    const cat: Peer = await enter(server.wsUrl, room, "Cat", { audio: false, video: false });
    opened.push({ close: () => cat.client.terminate() });
    const ben: ToneSpeaker = await joinAsToneSpeaker(server.wsUrl, room, "Ben");
    opened.push(ben);

    const before = await statsOf(ann);
    expect(before.map((e) => [e.name, e.ms, e.present]).sort()).toEqual([
      ["Ann", 0, true],
      ["Ben", 0, true],
      ["Cat", 0, true],
    ]);
    expect(await cat.client.request({ type: "speakers.stats" }, 10_000)).toMatchObject({
      type: "error",
      code: "forbidden",
    });

    await ben.talk();
    await ann.client.next(
      isType("speaking", (m) => m.participantId === ben.id && m.speaking === true),
      20_000,
      "Ben heard talking",
    );
    const seen = Date.now();
    await sleep(3000);
    const asked = Date.now();
    const talking = await statsOf(ann);
    expect(talking[0]).toMatchObject({ participantId: ben.id, name: "Ben", present: true });
    // Counted from when the server showed him speaking: just before Ann heard of it, up to the reply.
    expect(talking[0]?.ms).toBeGreaterThanOrEqual(asked - seen - 100);
    expect(talking[0]?.ms).toBeLessThanOrEqual(Date.now() - seen + 1000);
    expect(talking.slice(1).map((e) => e.ms)).toEqual([0, 0]);

    expect(await ben.client.request({ type: "media.state", audio: false, video: false })).toMatchObject({
      type: "ok",
    });
    await ann.client.next(
      isType("speaking", (m) => m.participantId === ben.id && m.speaking === false),
      5000,
      "Ben muted: not speaking",
    );
    const muted = (await statsOf(ann))[0]?.ms;
    await sleep(1000);
    expect((await statsOf(ann))[0]?.ms).toBe(muted);

    ben.close();
    await ann.client.next(
      isType("participant.left", (m) => m.participantId === ben.id),
      8000,
      "Ben left",
    );
    const after = await statsOf(ann);
    expect(after[0]).toEqual({ participantId: ben.id, name: "Ben", ms: muted, present: false });
  });
});

describeServerHealth(server);
