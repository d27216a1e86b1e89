/**
 * A moderator's audio mute goes by what the media is, not by the label the client gave it, through the real UI
 * (headless Chromium): a raw in-page client publishes its microphone declared as a shared tab's sound
 * (`sources: [{mid, source: "screen_audio"}]`) and ignores moderation. Once the moderator mutes it from the
 * participants pane, an observer page stops receiving that audio (no packets, no energy), while its video keeps
 * decoding; when it turns its microphone back on itself (media.state), the sound comes back. (Before, the mute
 * covered only m-lines labelled "microphone", and this client was still heard.) Then the offer shapes: a
 * second audio m-line without a screen video is refused with bad_message, a screen with its sound is not.
 *
 * The tests run in order and share one room (later steps build on earlier ones).
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { describeServerLog } from "../helpers/log-health.js";
import { type ServerHandle, startServer, tail } from "../helpers/server.js";
import { sleep, waitFor } from "../helpers/wait.js";
import { launchChromium, newParticipant, type Participant, saveEvidence } from "./helpers/browser.js";
import { participantAction } from "./helpers/moderation-ui.js";
import {
  inboundByMid,
  labelledPeerState,
  labelledRequest,
  type MidInbound,
  publishShape,
  startLabelledPeer,
} from "./helpers/raw-peer-labels.js";
import { joinViaUi, sel, tileOf, waitForMediaFrom, waitForRemoteSet } from "./helpers/ui.js";
import { type FrameLog, recordFrames } from "./helpers/ws-frames.js";

let server: ServerHandle;
let browser: Browser;
const everyone: Participant[] = [];
const room = `e2e-mute-kind-${Date.now().toString(36)}`;
let mod: Participant;
let raw: Participant;
let obs: Participant;
let obsFrames: FrameLog;
let modId = "";
let rawId = "";
/** The raw participant's m-lines in the observer's subscribe connection. */
let audioMid = "";
let videoMid = "";

function onFailureSaveEvidence(tag: string): void {
  onTestFailed(async () => {
    const dir = await saveEvidence(tag, everyone);
    let rawState = "";
    if (raw && !raw.page.isClosed())
      rawState = JSON.stringify(await labelledPeerState(raw.page).catch(String));
    console.error(
      `evidence in ${dir}\nraw peer: ${rawState}\nserver log ${server.logFile} (tail):\n${tail(server.lines, 60)}`,
    );
  });
}

/** The streams of the latest subscribe.offer the observer received. */
function observerStreams(): { mid: string; participantId: string; kind: string; source: string }[] {
  return obsFrames.received.filter((f) => f.type === "subscribe.offer").at(-1)?.streams ?? [];
}

interface Sample {
  audio: number;
  energy: number;
  video: number;
  sentAudio: number;
  before: Record<string, MidInbound | null>;
  after: Record<string, MidInbound | null>;
}

/** The raw participant's audio and video as the observer receives them, `ms` apart, and what it sent. */
async function sample(ms: number): Promise<Sample> {
  const mids = [audioMid, videoMid];
  const [before, sentBefore] = await Promise.all([inboundByMid(obs.page, mids), labelledPeerState(raw.page)]);
  await sleep(ms);
  const [after, sentAfter] = await Promise.all([inboundByMid(obs.page, mids), labelledPeerState(raw.page)]);
  expect(after[audioMid], "the observer receives the raw participant's audio m-line").not.toBeNull();
  expect(after[videoMid], "the observer receives the raw participant's video m-line").not.toBeNull();
  // The same receiving tracks throughout, so the differences mean something.
  expect(after[audioMid]?.trackId).toBe(before[audioMid]?.trackId);
  expect(after[videoMid]?.trackId).toBe(before[videoMid]?.trackId);
  return {
    audio: (after[audioMid]?.packetsReceived ?? 0) - (before[audioMid]?.packetsReceived ?? 0),
    energy: (after[audioMid]?.totalAudioEnergy ?? 0) - (before[audioMid]?.totalAudioEnergy ?? 0),
    video: (after[videoMid]?.framesDecoded ?? 0) - (before[videoMid]?.framesDecoded ?? 0),
    sentAudio: sentAfter.sentAudio - sentBefore.sentAudio,
    before,
    after,
  };
}

beforeAll(async () => {
  server = await startServer({ name: "e2e-mute-by-kind" });
  browser = await launchChromium();
});

afterAll(async () => {
  for (const p of everyone) await p.close();
  await browser?.close();
  if (server) await server.stop();
});

describe.sequential("a moderator's audio mute covers every sound, whatever its label", () => {
  it("a raw client publishes its microphone labelled screen_audio; the observer receives and plays it", async () => {
    onFailureSaveEvidence("mute-kind-setup");
    mod = await newParticipant(browser, "moderator");
    raw = await newParticipant(browser, "raw");
    obs = await newParticipant(browser, "observer");
    everyone.push(mod, raw, obs);
    obsFrames = recordFrames(obs.page);
    modId = await joinViaUi(mod.page, server.origin, room, "Mo Moderator");
    rawId = await startLabelledPeer(raw.page, server.origin, room, "Sly Labeller", { audio: "screen_audio" });
    await joinViaUi(obs.page, server.origin, room, "Olive Observer");
    await waitForRemoteSet(obs.page, [modId, rawId], 30_000);
    await waitForMediaFrom(obs.page, [modId, rawId], 40_000, [modId]);

    // The label reached the others: the observer's subscription says the sound is a screen's.
    const streams = await waitFor(
      () => {
        const mine = observerStreams().filter((s) => s.participantId === rawId);
        return mine.length === 2 ? mine : undefined;
      },
      { timeoutMs: 20_000, what: "the raw participant's two streams in the observer's subscribe.offer" },
    );
    const audio = streams.find((s) => s.kind === "audio");
    const video = streams.find((s) => s.kind === "video");
    expect(audio?.source, "the raw participant's audio as the observer's offer labels it").toBe(
      "screen_audio",
    );
    expect(video?.source).toBe("camera");
    audioMid = audio?.mid ?? "";
    videoMid = video?.mid ?? "";

    const s = await sample(2000);
    console.log(`[before the mute] raw → observer in 2 s: ${JSON.stringify(s)}`);
    expect(s.audio, "raw audio packets reach the observer before the mute").toBeGreaterThan(20);
    expect(s.energy, "and the observer plays them (audio energy)").toBeGreaterThan(0);
    expect(s.video, "raw video decodes on the observer before the mute").toBeGreaterThan(10);
  });

  it("the moderator mutes it from the participants pane: its sound stops reaching the observer, its video does not", async () => {
    onFailureSaveEvidence("mute-kind-mute");
    await participantAction(mod.page, rawId, "mute");
    await Promise.all(
      [mod, obs].map((p) =>
        p.page.locator(`${tileOf(rawId)} ${sel.micMuted}`).waitFor({ state: "attached", timeout: 10_000 }),
      ),
    );
    // The raw client was told, and ignored it: its microphone is still on and it keeps sending.
    await waitFor(async () => (await labelledPeerState(raw.page)).types.includes("moderation.muted"), {
      timeoutMs: 5000,
      what: "moderation.muted on the raw client",
    });
    expect((await labelledPeerState(raw.page)).audioEnabled).toBe(true);

    await sleep(1000); // packets already in flight, and the sound the observer's jitter buffer still held
    const s = await sample(2000);
    console.log(`[muted] raw → observer in 2 s: ${JSON.stringify(s)}`);
    expect(s.sentAudio, "the raw client kept sending audio").toBeGreaterThan(20);
    expect(s.audio, "audio packets from the muted participant reaching the observer").toBe(0);
    expect(s.energy, "audio energy the observer played from the muted participant").toBeLessThan(1e-6);
    expect(s.video, "the muted participant's video keeps decoding").toBeGreaterThan(10);
  });

  it("the participant turns its microphone back on itself (media.state): the sound comes back", async () => {
    onFailureSaveEvidence("mute-kind-unmute");
    expect(await labelledRequest(raw.page, { type: "media.state", audio: true, video: true })).toMatchObject({
      type: "ok",
    });
    await obs.page
      .locator(`${tileOf(rawId)} ${sel.micMuted}`)
      .waitFor({ state: "detached", timeout: 10_000 });
    await sleep(1000);
    const s = await sample(2000);
    console.log(`[unmuted] raw → observer in 2 s: ${JSON.stringify(s)}`);
    expect(s.audio, "audio packets reach the observer again").toBeGreaterThan(20);
    expect(s.energy).toBeGreaterThan(0);
    expect(s.video).toBeGreaterThan(10);
  });
});

describe.sequential("what one publish offer may carry", () => {
  it("a second audio m-line without a screen video is refused with bad_message, and nobody receives it", async () => {
    onFailureSaveEvidence("mute-kind-shape");
    const refused = [
      // Two sounds and a camera, labels left to the server (the second sound reads as a screen's).
      [{ kind: "audio" }, { kind: "audio" }, { kind: "video" }],
      // The same with the second sound declared a screen's outright.
      [{ kind: "audio" }, { kind: "audio", source: "screen_audio" }, { kind: "video" }],
      // Two sounds and two videos, both declared cameras: still no screen for the second sound to belong to.
      [
        { kind: "audio" },
        { kind: "audio" },
        { kind: "video", source: "camera" },
        { kind: "video", source: "camera" },
      ],
    ] as const;
    const refusedIds: string[] = [];
    for (const [i, lines] of refused.entries()) {
      const { id, reply } = await publishShape(raw.page, server.origin, room, `Shape ${i}`, [...lines]);
      refusedIds.push(id);
      expect(reply, `offer ${JSON.stringify(lines)}`).toMatchObject({ type: "error", code: "bad_message" });
    }
    // A screen share with its sound beside a microphone and a camera is a shape a client may send.
    const { reply } = await publishShape(raw.page, server.origin, room, "Screen sharer", [
      { kind: "audio" },
      { kind: "video" },
      { kind: "video", source: "screen" },
      { kind: "audio", source: "screen_audio" },
    ]);
    expect(reply.type, `a microphone, a camera, a screen and its sound: ${JSON.stringify(reply)}`).toBe(
      "publish.answer",
    );
    // The refused offers reached no one: no subscription ever carried a stream of theirs.
    const offered = obsFrames.received
      .filter((f) => f.type === "subscribe.offer")
      .flatMap((f) => f.streams as { participantId: string }[]);
    for (const id of refusedIds) expect(offered.filter((s) => s.participantId === id)).toEqual([]);
    // The call goes on: the observer still decodes the raw participant's video.
    await waitForRemoteSet(obs.page, [modId, rawId], 20_000);
    const s = await sample(2000);
    expect(s.video).toBeGreaterThan(10);
  });
});

describe("the pages", () => {
  it("logged no uncaught error", () => {
    const errors = everyone.flatMap((p) =>
      p.console.filter((l) => l.startsWith("[pageerror]")).map((l) => `${p.label} ${l}`),
    );
    expect(errors).toEqual([]);
  });
});

// Last: judges every line the server printed during the file's tests.
describeServerLog(() => server);
