/**
 * A moderator's camera mute and screen stop are enforced by the media server, not by the muted client's good
 * will (moderation.test.ts and mute-by-kind.test.ts show it for the microphone). A raw in-page client publishes
 * a microphone, a camera and a screen share and IGNORES moderation.muted: it keeps all three tracks enabled
 * and keeps encoding. Through the real UI the moderator stops its video ("action-stop-video"): an observer
 * page stops decoding the camera while the client keeps encoding it, and still receives and plays its sound
 * and its screen. Then the moderator stops its screen ("action-stop-screen"): a raw watcher stops receiving the
 * screen too, and the sound still flows.
 *
 * The screen's stop is observed by a raw watcher (raw-peer.ts: no app code, it answers every subscribe.offer and
 * never unsubscribes or drops a stream), not by the app: the app stops receiving a screen by itself once told
 * the share ended (participant.updated), so through it a server that kept forwarding the screen would look the
 * same as one that enforced the stop. The camera's stop is observed by the app observer, which keeps
 * receiving a camera the moderator turned off (it does not drop it), so that proof holds there.
 *
 * "Stopped" is measured on the viewer's own receiving m-lines (inbound-rtp per mid, the same receiving track
 * throughout), right beside a proof that the same channel carried frames before, and that the sender kept
 * encoding during the very same window.
 *
 * The tests run in order and share one room (later steps build on earlier ones).
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { describeServerLog } from "../helpers/log-health.js";
import { type ServerHandle, startServer, tail } from "../helpers/server.js";
import { sampleUntil, sleep, waitFor } from "../helpers/wait.js";
import { launchChromium, newParticipant, type Participant, saveEvidence } from "./helpers/browser.js";
import { msel, openParticipants, participantAction, rowOf } from "./helpers/moderation-ui.js";
import { rawPeerState, startRawPeer } from "./helpers/raw-peer.js";
import { inboundByMid, type MidInbound } from "./helpers/raw-peer-labels.js";
import { sharerState, startRawSharer } from "./helpers/raw-sharer.js";
import { joinViaUi, waitForMediaFrom } from "./helpers/ui.js";
import { type FrameLog, recordFrames } from "./helpers/ws-frames.js";

let server: ServerHandle | undefined;
let browser: Browser;
const everyone: Participant[] = [];
const room = `e2e-enforce-${Date.now().toString(36)}`;
let mod: Participant;
let raw: Participant;
let modId = "";
let rawId = "";

/** A page that receives the raw participant's media: its socket frames, and the raw participant's m-lines. */
interface Viewer {
  who: Participant;
  frames: FrameLog;
  mids: { audio: string; camera: string; screen: string };
}
/** The app (through the real UI). */
let obs: Viewer;
/** A raw client (raw-peer.ts) that keeps every stream it is offered: what the media server forwards, unfiltered. */
let watch: Viewer;

function viewer(who: Participant): Viewer {
  // Recording starts before the page opens its socket.
  return { who, frames: recordFrames(who.page), mids: { audio: "", camera: "", screen: "" } };
}

function onFailureSaveEvidence(tag: string): void {
  onTestFailed(async () => {
    const dir = await saveEvidence(tag, everyone);
    let rawState = "";
    if (raw && !raw.page.isClosed()) rawState = JSON.stringify(await sharerState(raw.page).catch(String));
    let watchState = "";
    if (watch && !watch.who.page.isClosed())
      watchState = JSON.stringify(await rawPeerState(watch.who.page).catch(String));
    console.error(
      `evidence in ${dir}\nraw sharer: ${rawState}\nraw watcher: ${watchState}\n` +
        `server log ${server?.logFile} (tail):\n${tail(server?.lines ?? [], 60)}`,
    );
  });
}

type StreamEntry = { mid: string; participantId: string; kind: string; source: string };

/** The raw participant's streams in the latest subscribe.offer `v` received. */
function rawStreams(v: Viewer): StreamEntry[] {
  const last = v.frames.received.filter((f) => f.type === "subscribe.offer").at(-1);
  return ((last?.streams ?? []) as StreamEntry[]).filter((s) => s.participantId === rawId);
}

/** Finds the raw participant's three m-lines in `v`'s subscribe connection, and waits until all carry media. */
async function findMids(v: Viewer): Promise<void> {
  const streams = await waitFor(() => (rawStreams(v).length === 3 ? rawStreams(v) : undefined), {
    timeoutMs: 20_000,
    what: `the raw participant's three streams in the ${v.who.label}'s subscribe.offer`,
  });
  v.mids.audio = streams.find((s) => s.kind === "audio")?.mid ?? "";
  v.mids.camera = streams.find((s) => s.kind === "video" && s.source === "camera")?.mid ?? "";
  v.mids.screen = streams.find((s) => s.kind === "video" && s.source === "screen")?.mid ?? "";
  expect(v.mids, `the ${v.who.label}'s offer: ${JSON.stringify(streams)}`).toEqual({
    audio: expect.stringMatching(/./),
    camera: expect.stringMatching(/./),
    screen: expect.stringMatching(/./),
  });
  // Positive marker: every channel carries media before any mute, so a zero later means something.
  await waitFor(
    async () => {
      const got = await inboundByMid(v.who.page, Object.values(v.mids));
      return Object.values(got).every((m) => m && m.framesDecoded + m.packetsReceived > 0) || undefined;
    },
    {
      timeoutMs: 40_000,
      what: `the ${v.who.label} receiving the raw participant's audio, camera and screen`,
    },
  );
}

interface Sample {
  audioPackets: number;
  audioEnergy: number;
  cameraFrames: number;
  screenFrames: number;
  screenPackets: number;
  /** What the raw client encoded meanwhile. */
  sentAudio: number;
  sentCamera: number;
  sentScreen: number;
  after: Record<string, MidInbound | null>;
}

/** What `v` received from the raw participant in `ms`, and what the raw participant sent meanwhile. */
async function sample(v: Viewer, ms: number): Promise<Sample> {
  const list = [v.mids.audio, v.mids.camera, v.mids.screen];
  const [before, sentBefore] = await Promise.all([inboundByMid(v.who.page, list), sharerState(raw.page)]);
  await sleep(ms);
  const [after, sentAfter] = await Promise.all([inboundByMid(v.who.page, list), sharerState(raw.page)]);
  for (const mid of list) {
    // The viewer still has each m-line, with the same receiving track: a zero then means the server stopped
    // forwarding, not that the viewer dropped or renegotiated the stream.
    expect(after[mid], `the ${v.who.label} still receives m-line ${mid}`).not.toBeNull();
    expect(after[mid]?.trackId, `m-line ${mid} keeps its receiving track`).toBe(before[mid]?.trackId);
  }
  const delta = (mid: string, key: keyof Omit<MidInbound, "trackId">) =>
    (after[mid]?.[key] ?? 0) - (before[mid]?.[key] ?? 0);
  return {
    audioPackets: delta(v.mids.audio, "packetsReceived"),
    audioEnergy: delta(v.mids.audio, "totalAudioEnergy"),
    cameraFrames: delta(v.mids.camera, "framesDecoded"),
    screenFrames: delta(v.mids.screen, "framesDecoded"),
    screenPackets: delta(v.mids.screen, "packetsReceived"),
    sentAudio: sentAfter.sentAudio - sentBefore.sentAudio,
    sentCamera: sentAfter.cameraFrames - sentBefore.cameraFrames,
    sentScreen: sentAfter.screenFrames - sentBefore.screenFrames,
    after,
  };
}

/** Waits until `v` decodes no new frame on `mid` for half a second (what was in flight has drained). */
async function waitUntilStill(v: Viewer, mid: string, what: string): Promise<void> {
  await waitFor(
    async () => {
      const a = (await inboundByMid(v.who.page, [mid]))[mid]?.framesDecoded;
      await sleep(500);
      const b = (await inboundByMid(v.who.page, [mid]))[mid]?.framesDecoded;
      if (a === undefined || b === undefined) throw new Error(`the ${v.who.label} has no m-line ${mid}`);
      // Thrown, so that a timeout says how much was still decoded.
      if (a !== b) throw new Error(`${b - a} frames decoded on m-line ${mid} in 0.5 s`);
      return true;
    },
    { timeoutMs: 15_000, intervalMs: 100, what },
  );
}

beforeAll(async () => {
  server = await startServer({ name: "e2e-enforcement" });
  browser = await launchChromium();
});

afterAll(async () => {
  for (const p of everyone) await p.close();
  await browser?.close();
  if (server) await server.stop();
});

describe.sequential("a moderator's camera and screen mutes against a client that ignores them", () => {
  it("a raw client publishes microphone, camera and screen; the observer and the watcher receive all three", async () => {
    onFailureSaveEvidence("enforce-setup");
    const origin = server?.origin ?? "";
    mod = await newParticipant(browser, "moderator");
    raw = await newParticipant(browser, "raw");
    const obsPage = await newParticipant(browser, "observer");
    const watchPage = await newParticipant(browser, "watcher");
    everyone.push(mod, raw, obsPage, watchPage);
    obs = viewer(obsPage);
    watch = viewer(watchPage);
    modId = await joinViaUi(mod.page, origin, room, "Mo Moderator");
    rawId = await startRawSharer(raw.page, origin, room, "Stubborn Sharer");
    await joinViaUi(obs.who.page, origin, room, "Olive Observer");
    await startRawPeer(watch.who.page, origin, room, "Walt Watcher");
    // (Not waitForRemoteSet: the raw participant has two tiles here, its camera and its screen.)
    await waitForMediaFrom(obs.who.page, [modId], 40_000);
    await findMids(obs);
    await findMids(watch);

    // Media has just started: the first seconds may still be ramping up (a lower layer, a key frame awaited).
    // Steady flow is what the later zeros are compared with: sample until it is there, up to five times.
    const [s, w] = await sampleUntil(
      () => Promise.all([sample(obs, 2000), sample(watch, 2000)]),
      ([o, x]) =>
        o.audioPackets > 20 &&
        o.cameraFrames > 10 &&
        o.screenFrames > 10 &&
        x.audioPackets > 20 &&
        x.screenFrames > 10,
      5,
    );
    console.log(`[before] raw → observer in 2 s: ${JSON.stringify({ ...s, after: undefined })}`);
    console.log(`[before] raw → watcher in 2 s: ${JSON.stringify({ ...w, after: undefined })}`);
    expect(s.audioPackets, "audio packets reach the observer").toBeGreaterThan(20);
    expect(s.audioEnergy, "and the observer plays them").toBeGreaterThan(0);
    expect(s.cameraFrames, "camera frames decoded by the observer").toBeGreaterThan(10);
    expect(s.screenFrames, "screen frames decoded by the observer").toBeGreaterThan(10);
    expect(w.audioPackets, "audio packets reach the watcher").toBeGreaterThan(20);
    expect(w.screenFrames, "screen frames decoded by the watcher").toBeGreaterThan(10);
  });

  it("the moderator stops its camera: the observer stops decoding it, its sound and screen keep coming", async () => {
    onFailureSaveEvidence("enforce-camera");
    await participantAction(mod.page, rawId, "stop-video");
    await waitFor(async () => (await sharerState(raw.page)).mutedKinds.includes("video"), {
      timeoutMs: 10_000,
      what: "moderation.muted {kind: video} on the raw client",
    });
    // It was told, and ignored it: every track still enabled.
    expect((await sharerState(raw.page)).enabled).toEqual([true, true, true]);
    await waitUntilStill(obs, obs.mids.camera, "the observer's decoding of the raw camera to stop");

    const s = await sample(obs, 2500);
    console.log(`[camera stopped] raw → observer in 2.5 s: ${JSON.stringify({ ...s, after: undefined })}`);
    expect(s.sentCamera, "the raw client kept encoding its camera").toBeGreaterThan(10);
    expect(s.cameraFrames, "camera frames the observer decoded after the mute").toBe(0);
    expect(s.audioPackets, "its sound keeps reaching the observer").toBeGreaterThan(20);
    expect(s.audioEnergy, "and is played").toBeGreaterThan(0);
    expect(s.screenFrames, "its screen (not a camera) keeps decoding").toBeGreaterThan(10);
  });

  it("the moderator stops its screen: the raw watcher stops receiving it, its sound keeps coming", async () => {
    onFailureSaveEvidence("enforce-screen");
    // Still flowing to the watcher right before the stop (a zero below then is the stop's doing).
    const flowing = await sample(watch, 1500);
    expect(flowing.screenFrames, "screen frames the watcher decoded just before the stop").toBeGreaterThan(5);

    // participantAction's menu actions do not list the screen's (the item shows only for a sharer).
    await openParticipants(mod.page);
    const row = mod.page.locator(rowOf(rawId));
    await row.waitFor({ state: "visible", timeout: 10_000 });
    await row.locator(msel.menu).click();
    const item = mod.page.locator("[data-testid=action-stop-screen]");
    await item.first().waitFor({ state: "visible", timeout: 5000 });
    await item.first().click();
    await waitFor(async () => (await sharerState(raw.page)).mutedKinds.includes("screen"), {
      timeoutMs: 10_000,
      what: "moderation.muted {kind: screen} on the raw client",
    });
    expect((await sharerState(raw.page)).enabled).toEqual([true, true, true]);
    // The watcher never unsubscribes: whether it still gets the screen is up to the media server alone.
    expect((await rawPeerState(watch.who.page)).errors, "the watcher answered every offer").toEqual([]);
    await waitUntilStill(watch, watch.mids.screen, "the watcher's decoding of the raw screen to stop");

    const [w, s] = await Promise.all([sample(watch, 2500), sample(obs, 2500)]);
    console.log(`[screen stopped] raw → watcher in 2.5 s: ${JSON.stringify({ ...w, after: undefined })}`);
    console.log(`[screen stopped] raw → observer in 2.5 s: ${JSON.stringify({ ...s, after: undefined })}`);
    expect(w.sentScreen, "the raw client kept encoding its screen").toBeGreaterThan(10);
    expect(w.screenFrames, "screen frames the watcher decoded after the stop").toBe(0);
    expect(w.screenPackets, "screen packets the watcher received after the stop").toBe(0);
    expect(w.cameraFrames, "its camera stays stopped").toBe(0);
    expect(w.audioPackets, "its sound keeps reaching the watcher").toBeGreaterThan(20);
    expect(s.audioPackets, "and the observer").toBeGreaterThan(20);
    expect(s.audioEnergy, "which plays it").toBeGreaterThan(0);
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

describeServerLog(() => server);
