/**
 * README "Configuration": HAND_AUTO_LOWER_SECONDS lowers a raised hand once its owner has talked that long.
 * Real sound into Janus: Ben publishes a tone with libwebrtc (tone-speaker.ts), loud enough for Janus's
 * VideoRoom to say he is talking; Ann, silent, raised her hand too and keeps it.
 */
import { describe, expect, it } from "vitest";
import { enter, isType, type Peer, uniqueRoom } from "../helpers/room-clients.js";
import { describeServerHealth, suiteServer } from "../helpers/suite-server.js";
import { joinAsToneSpeaker, type ToneSpeaker } from "../helpers/tone-speaker.js";
import type { AnyMessage } from "../helpers/ws-client.js";

const SECONDS = 2;
const opened: { close(): void }[] = [];
const server = suiteServer(
  { name: "hand-auto-lower", env: { HAND_AUTO_LOWER_SECONDS: String(SECONDS) } },
  () => {
    for (const o of opened) o.close();
  },
);

const queueOf = (m: AnyMessage) => (m.queue as { participantId: string }[]).map((h) => h.participantId);

describe(`HAND_AUTO_LOWER_SECONDS=${SECONDS}`, () => {
  it("lowers the hand of someone who talked that long, and only theirs", async () => {
    const room = uniqueRoom("auto-lower");
    const ann: Peer = await enter(server.wsUrl, room, "Ann", { audio: false, video: false });
    opened.push({ close: () => ann.client.terminate() });
    const ben: ToneSpeaker = await joinAsToneSpeaker(server.wsUrl, room, "Ben");
    opened.push(ben);
    const annId = ann.id as string;

    expect(await ben.client.request({ type: "hand.raise" })).toMatchObject({ type: "ok" });
    expect(await ann.client.request({ type: "hand.raise" })).toMatchObject({ type: "ok" });
    const both = await ann.client.next(
      isType("hands", (m) => queueOf(m).length === 2),
      5000,
      "both hands raised",
    );
    expect(queueOf(both)).toEqual([ben.id, annId]);

    await ben.talk();
    await ann.client.next(
      isType("speaking", (m) => m.participantId === ben.id && m.speaking === true),
      20_000,
      "Ben heard talking",
    );
    const talkingSince = Date.now();
    const lowered = await ann.client.next(
      isType("hands", (m) => !queueOf(m).includes(ben.id)),
      (SECONDS + 5) * 1000,
      "Ben's hand lowered",
    );
    const after = Date.now() - talkingSince;
    // Both messages come over the same socket from the same server: the gap is the server's timer (less a
    // moment this busy process may have taken to read the first).
    expect(after).toBeGreaterThanOrEqual(SECONDS * 1000 - 250);
    expect(after).toBeLessThan((SECONDS + 2) * 1000);
    expect(queueOf(lowered), "Ann, who did not talk, keeps her hand").toEqual([annId]);
    // Ben was still talking when it happened: it was the time talked, not a pause, that lowered it.
    expect(
      ann.client.received.some(isType("speaking", (m) => m.participantId === ben.id && m.speaking === false)),
    ).toBe(false);
  });
});

describeServerHealth(server);
