/**
 * The ⋯ menu's settings and quality choices, through the UI of three headless Chromium pages.
 *
 * Device switch: Alice's browser is launched with `--use-fake-device-for-media-stream=device-count=3`, which
 * (probed on Chromium 156) gives three cameras (fake_device_0, _1, _2) and two microphones (plus the default
 * one), each a distinct deviceId: so the test switches to a REALLY different device (it checks
 * enumerateDevices first and fails if there are not two). It avoids fake_device_1: Chromium's fake capture
 * gives that one a depth pixel format (Y16) that WebRTC does not encode — probed outside the app, a
 * replaceTrack() to fake_device_1 on the publish sender leaves framesEncoded frozen (0 frames in 2 s) in any
 * order of stop/replace, while fake_device_0 and fake_device_2 (MJPEG) encode normally; with device-count=2
 * the only other camera would be that one. ⋯ → Settings → pick the other camera, then the other microphone →
 * what Alice's publish connection sends is the new device (the sender's track label changes), Bob and Carol
 * keep decoding her video and receiving her audio, her publish connection stays `connected`, and no error
 * screen appears.
 *
 * Audio-only: Bob picks ⋯ → Audio only → after ~1.5 s to settle, his inbound video bytes (all inbound-rtp of
 * kind video) stop growing over 2 s while audio packets keep coming; ⋯ → High brings video back within 10 s.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { describeServerLog } from "../helpers/log-health.js";
import { type ServerHandle, startServer, tail } from "../helpers/server.js";
import { sleep, waitFor } from "../helpers/wait.js";
import { launchChromium, newParticipant, type Participant, saveEvidence } from "./helpers/browser.js";
import {
  describeMediaTiles,
  findTile,
  inboundGrowth,
  launchChromiumWith,
  mv,
  openMoreMenu,
  outboundTotals,
  outboundVideoDetail,
  pcStates,
  readMediaTiles,
  waitForDecodingTile,
} from "./helpers/media-views.js";
import { sampleGrowth } from "./helpers/rtc.js";
import { joinViaUi, waitForMediaFrom } from "./helpers/ui.js";
import { type FrameLog, recordFrames } from "./helpers/ws-frames.js";

let server: ServerHandle;
let browser: Browser;
let twoDeviceBrowser: Browser;
const everyone: Participant[] = [];
const ids = new Map<Participant, string>();
const room = `e2e-settings-${Date.now().toString(36)}`;
let alice: Participant;
let bob: Participant;
let carol: Participant;
let bobFrames: FrameLog;
const frames = new Map<Participant, FrameLog>();

const idOf = (p: Participant): string => {
  const id = ids.get(p);
  if (!id) throw new Error(`${p.label} has not joined`);
  return id;
};

function onFailureSaveEvidence(tag: string): void {
  onTestFailed(async () => {
    const dir = await saveEvidence(tag, everyone);
    const tiles = await Promise.all(
      everyone.map(
        async (p) => `${p.label}: ${describeMediaTiles(await readMediaTiles(p.page).catch(() => []))}`,
      ),
    );
    const outbound = await Promise.all(
      everyone.map(async (p) => `${p.label}: ${await outboundVideoDetail(p.page).catch((e) => String(e))}`),
    );
    const configures = everyone.map(
      (p) =>
        `${p.label}: ${JSON.stringify((frames.get(p)?.sent ?? []).filter((f) => f.type === "subscribe.configure").map((f) => f.streams))}`,
    );
    console.error(
      `evidence in ${dir}\ntiles:\n${tiles.join("\n")}\noutbound video:\n${outbound.join("\n")}\nsubscribe.configure sent:\n${configures.join("\n")}\nserver log ${server.logFile} (tail):\n${tail(server.lines, 60)}`,
    );
  });
}

interface Devices {
  cameras: { id: string; label: string }[];
  microphones: { id: string; label: string }[];
}

async function devicesOf(p: Participant): Promise<Devices> {
  return p.page.evaluate(`(async () => {
    const all = await navigator.mediaDevices.enumerateDevices();
    const pick = (kind) => all.filter((d) => d.kind === kind).map((d) => ({ id: d.deviceId, label: d.label }));
    return { cameras: pick("videoinput"), microphones: pick("audioinput") };
  })()`) as Promise<Devices>;
}

/** Labels of the tracks Alice's publish connection sends, per kind (from the connection itself). */
async function sentLabels(p: Participant): Promise<{ audio: string[]; video: string[] }> {
  const pubs = (await pcStates(p.page)).filter((s) => s.publishes);
  const tracks = pubs.flatMap((s) => s.senderTracks);
  return {
    audio: tracks.filter((t) => t.startsWith("audio:")).map((t) => t.slice(6)),
    video: tracks.filter((t) => t.startsWith("video:")).map((t) => t.slice(6)),
  };
}

/** Every publish connection of the page is `connected` (and there is one). */
async function publishConnected(p: Participant): Promise<string[]> {
  return (await pcStates(p.page)).filter((s) => s.publishes).map((s) => s.connectionState);
}

/** Picks, in `select`, the last option that is not the current one and whose label differs from `avoid`. */
async function chooseOtherOption(
  p: Participant,
  select: string,
  avoidLabels: string[],
): Promise<{ value: string; label: string; before: string; options: { value: string; label: string }[] }> {
  const locator = p.page.locator(select);
  await locator.waitFor({ state: "visible", timeout: 10_000 });
  await waitFor(async () => (await locator.locator("option").count()) >= 2, {
    timeoutMs: 10_000,
    what: `${select} lists at least two devices`,
  });
  const { before, options } = await locator.evaluate((el: HTMLSelectElement) => ({
    before: el.value,
    options: Array.from(el.options).map((o) => ({ value: o.value, label: (o.textContent ?? "").trim() })),
  }));
  const candidates = options.filter(
    (o) => o.value !== before && o.value !== "" && o.value !== "default" && !avoidLabels.includes(o.label),
  );
  const chosen = candidates.at(-1);
  if (!chosen) throw new Error(`${select}: no other device to pick (options ${JSON.stringify(options)})`);
  await locator.selectOption(chosen.value);
  return { ...chosen, before, options };
}

/** On `viewer`: Alice's camera tile keeps decoding (frames grow) and her audio packets keep coming. */
async function stillReceiving(viewer: Participant, what: string): Promise<void> {
  await waitForDecodingTile(viewer.page, idOf(alice), "camera", { timeoutMs: 15_000, minFrames: 5 });
  const g = (await sampleGrowth(viewer.page, 2000)).get(idOf(alice));
  const layer = await viewer.page
    .locator(`[data-testid=tile][data-participant-id="${idOf(alice)}"]`)
    .first()
    .getAttribute("data-layer");
  console.log(
    `[settings] ${what}: ${viewer.label} got ${g?.videoFramesDelta} frames, ${g?.audioPacketsDelta} audio packets from Alice in 2 s`,
    // What arrived tells a stalled decoder (packets, no frames) from a stalled forward (nothing at all).
    `(video packets ${g?.before.video?.packetsReceived} → ${g?.after.video?.packetsReceived},`,
    `bytes ${g?.before.video?.bytesReceived} → ${g?.after.video?.bytesReceived},`,
    `width ${g?.before.video?.frameWidth} → ${g?.after.video?.frameWidth}, layer asked ${layer})`,
  );
  expect(g?.videoFramesDelta, `${viewer.label}: Alice's video frames in 2 s ${what}`).toBeGreaterThan(3);
  expect(g?.audioPacketsDelta, `${viewer.label}: Alice's audio packets in 2 s ${what}`).toBeGreaterThan(20);
}

beforeAll(async () => {
  server = await startServer({ name: "e2e-settings" });
  twoDeviceBrowser = await launchChromiumWith({
    replace: ["--use-fake-device-for-media-stream=device-count=3"],
  });
  browser = await launchChromium();
  alice = await newParticipant(twoDeviceBrowser, "alice");
  bob = await newParticipant(browser, "bob");
  carol = await newParticipant(browser, "carol");
  everyone.push(alice, bob, carol);
  for (const p of everyone) frames.set(p, recordFrames(p.page));
  bobFrames = frames.get(bob) as FrameLog;
  for (const [p, name] of [
    [alice, "Alice"],
    [bob, "Bob"],
    [carol, "Carol"],
  ] as const) {
    ids.set(p, await joinViaUi(p.page, server.origin, room, name));
  }
  for (const p of everyone) {
    await waitForMediaFrom(p.page, everyone.filter((o) => o !== p).map(idOf), 45_000);
  }
});

afterAll(async () => {
  for (const p of everyone) await p.close();
  await browser?.close();
  await twoDeviceBrowser?.close();
  if (server) await server.stop();
});

describe.sequential("switching devices in the settings during a call", () => {
  it("Alice's browser has several cameras and microphones", async () => {
    const d = await devicesOf(alice);
    console.log(`[settings] Alice's devices: ${JSON.stringify(d)}`);
    expect(new Set(d.cameras.map((c) => c.id)).size, "distinct cameras").toBeGreaterThanOrEqual(2);
    expect(
      new Set(d.microphones.filter((m) => m.id !== "default").map((m) => m.id)).size,
      "distinct microphones",
    ).toBeGreaterThanOrEqual(2);
  });

  it("⋯ → Settings → another camera: Alice sends the new camera, Bob and Carol keep decoding her", async () => {
    onFailureSaveEvidence("settings-camera");
    const sentBefore = await sentLabels(alice);
    expect(
      sentBefore.video.length,
      `Alice's publish connection sends video (${JSON.stringify(sentBefore)})`,
    ).toBe(1);
    await openMoreMenu(alice.page);
    await alice.page.locator(mv.openSettings).click();
    await alice.page.locator(mv.settingsDialog).waitFor({ state: "visible", timeout: 10_000 });

    // fake_device_1 is left out: a depth format WebRTC does not encode (see the top of this file).
    const chosen = await chooseOtherOption(alice, mv.selectCamera, [...sentBefore.video, "fake_device_1"]);
    console.log(
      `[settings] camera ${chosen.before} → ${chosen.label} (options ${JSON.stringify(chosen.options)})`,
    );
    // Watch the publish connection while the switch happens.
    const states = new Set<string>();
    let sentAfter = sentBefore;
    await waitFor(
      async () => {
        for (const s of await publishConnected(alice)) states.add(s);
        sentAfter = await sentLabels(alice);
        return sentAfter.video.length === 1 && sentAfter.video[0] === chosen.label;
      },
      { timeoutMs: 10_000, intervalMs: 100, what: `Alice sending ${chosen.label}` },
    ).catch((e) => {
      throw new Error(`${(e as Error).message}; sending ${JSON.stringify(sentAfter)}`);
    });
    for (const v of [bob, carol]) await stillReceiving(v, "after the camera switch");
    for (const s of await publishConnected(alice)) states.add(s);
    expect([...states], "Alice's publish connection states seen").toEqual(["connected"]);
    expect(await alice.page.locator(mv.errorScreen).count(), "no error screen").toBe(0);
    expect((await sentLabels(alice)).audio, "the microphone is unchanged").toEqual(sentBefore.audio);
  });

  it("… and another microphone: Alice sends the new microphone, Bob and Carol keep hearing her", async () => {
    onFailureSaveEvidence("settings-microphone");
    const sentBefore = await sentLabels(alice);
    expect(sentBefore.audio.length, `Alice sends audio (${JSON.stringify(sentBefore)})`).toBe(1);
    if ((await alice.page.locator(mv.settingsDialog).count()) === 0) {
      await openMoreMenu(alice.page);
      await alice.page.locator(mv.openSettings).click();
    }
    await alice.page.locator(mv.settingsDialog).waitFor({ state: "visible", timeout: 10_000 });
    const chosen = await chooseOtherOption(alice, mv.selectMicrophone, sentBefore.audio);
    console.log(
      `[settings] microphone ${chosen.before} → ${chosen.label} (options ${JSON.stringify(chosen.options)})`,
    );
    const states = new Set<string>();
    let sentAfter = sentBefore;
    await waitFor(
      async () => {
        for (const s of await publishConnected(alice)) states.add(s);
        sentAfter = await sentLabels(alice);
        return sentAfter.audio.length === 1 && sentAfter.audio[0] === chosen.label;
      },
      { timeoutMs: 10_000, intervalMs: 100, what: `Alice sending ${chosen.label}` },
    ).catch((e) => {
      throw new Error(`${(e as Error).message}; sending ${JSON.stringify(sentAfter)}`);
    });
    for (const v of [bob, carol]) await stillReceiving(v, "after the microphone switch");
    for (const s of await publishConnected(alice)) states.add(s);
    expect([...states], "Alice's publish connection states seen").toEqual(["connected"]);
    expect(await alice.page.locator(mv.errorScreen).count(), "no error screen").toBe(0);
    expect((await sentLabels(alice)).video, "the camera is unchanged").toEqual(sentBefore.video);
    // The dialog closes.
    await alice.page.keyboard.press("Escape");
    await alice.page.locator(mv.settingsDialog).waitFor({ state: "detached", timeout: 5000 });
  });
});

describe.sequential("audio-only mode", () => {
  it("Bob picks Audio only: his inbound video stops, audio keeps coming; High brings video back within 10 s", async () => {
    onFailureSaveEvidence("settings-audio-only");
    const baseline = await inboundGrowth(bob.page, 2000);
    console.log(`[audio-only] before: ${JSON.stringify(baseline)}`);
    expect(baseline.videoBytes, "Bob receives video before").toBeGreaterThan(20_000);

    const sentBefore = bobFrames.sent.length;
    await openMoreMenu(bob.page);
    await bob.page.locator(mv.quality("audio-only")).click();
    await sleep(1500);
    const outBefore = await outboundTotals(bob.page);
    const off = await inboundGrowth(bob.page, 2000);
    const outAfter = await outboundTotals(bob.page);
    console.log(`[audio-only] after Audio only: ${JSON.stringify(off)}`);
    const configures = bobFrames.sent.slice(sentBefore).filter((f) => f.type === "subscribe.configure");
    console.log(`[audio-only] Bob sent: ${JSON.stringify(configures)}`);
    expect(off.videoBytes, "video bytes in 2 s after Audio only").toBeLessThan(2000);
    expect(off.audioPackets, "audio packets in 2 s after Audio only").toBeGreaterThan(40);
    // The menu says "no video sent nor received": Bob's camera sends nothing either, his microphone still does.
    const sentVideo = outAfter.videoPackets - outBefore.videoPackets;
    const sentAudio = outAfter.audioPackets - outBefore.audioPackets;
    console.log(
      `[audio-only] Bob sent ${sentVideo} video and ${sentAudio} audio packets in ~2 s of audio-only`,
    );
    expect(sentVideo, "video packets Bob sent in audio-only mode").toBeLessThanOrEqual(5);
    expect(sentAudio, "audio packets Bob sent in audio-only mode").toBeGreaterThan(40);
    expect(await bob.page.locator(mv.errorScreen).count()).toBe(0);

    await openMoreMenu(bob.page);
    await bob.page.locator(mv.quality("high")).click();
    const back = await waitFor(
      async () => {
        const g = await inboundGrowth(bob.page, 1000);
        return g.videoBytes > 10_000 && g.videoFrames > 5 ? g : undefined;
      },
      { timeoutMs: 10_000, intervalMs: 0, what: "Bob's inbound video growing again after High" },
    );
    console.log(`[audio-only] after High (1 s): ${JSON.stringify(back)}`);
    for (const p of [alice, carol]) {
      await waitForDecodingTile(bob.page, idOf(p), "camera", { timeoutMs: 10_000, minFrames: 5 });
    }
    // And Bob's camera is sent again: Alice decodes him.
    await waitForDecodingTile(alice.page, idOf(bob), "camera", { timeoutMs: 20_000, minFrames: 3 });
    // Carol's view never changed.
    const carolGrowth = await inboundGrowth(carol.page, 2000);
    expect(carolGrowth.videoBytes, "Carol still receives video").toBeGreaterThan(20_000);
    const aliceOnBob = await findTile(bob.page, idOf(alice), "camera");
    expect(aliceOnBob?.framesDecoded ?? 0).toBeGreaterThan(0);
  });
});

// Last: judges every line the server printed during the file's tests.
describeServerLog(() => server);
