/**
 * Choosing the microphone, camera and speakers on the pre-join screen, through the UI of headless Chromium
 * pages with the real server and Janus.
 *
 * Alice's browser has three fake cameras, two fake microphones (plus the default one) and two fake outputs
 * (plus the default one): `--use-fake-device-for-media-stream=device-count=3`. Before joining she picks
 * fake_device_2 (the other camera WebRTC can encode; fake_device_1 is a depth format, see settings.test.ts)
 * and "Fake Audio Input 2"; the preview and the mic meter follow. She picks "Fake Audio Output 2" and presses
 * "Test speakers": the test sound's <audio> plays on that output (its sinkId), its currentTime advances, and an
 * analyser hears the chime's notes. She joins: her publish connection sends the chosen camera and microphone
 * from the start, and Bob (one default camera, fake_device_0) sees fake_device_2's picture while Alice sees
 * his fake_device_0 (the same classifier tells the two apart both ways: see helpers/prejoin-devices.ts), and
 * hears her. She reloads: the pre-join screen opens the same devices and shows them chosen; a fresh browser
 * profile does not (the choice stays in her browser). Then the layout: with a dark camera (a Y4M file) the
 * lighting tip shows, and Join is fully on screen, uncovered, without scrolling at 1280×720, and can be
 * scrolled to at 390×844.
 */
import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { describeServerLog } from "../helpers/log-health.js";
import { resultsDir } from "../helpers/paths.js";
import { type ServerHandle, startServer, tail } from "../helpers/server.js";
import { waitFor } from "../helpers/wait.js";
import { launchChromium, newParticipant, type Participant, saveEvidence } from "./helpers/browser.js";
import { launchChromiumWith, sourceTile, waitForDecodingTile } from "./helpers/media-views.js";
import {
  armChimeObserver,
  cameraLook,
  chimeObserved,
  fullyInViewport,
  pj,
  placeOf,
  previewTrack,
  samplePicture,
  selectState,
  sentTracks,
  writeDarkY4m,
} from "./helpers/prejoin-devices.js";
import { sampleGrowth } from "./helpers/rtc.js";
import { fillName, joinViaUi, openPrejoin, sel, waitForMediaFrom } from "./helpers/ui.js";

let server: ServerHandle;
let devicesBrowser: Browser;
let browser: Browser;
let darkBrowser: Browser | undefined;
const people: Participant[] = [];
const room = `e2e-prejoin-devices-${Date.now().toString(36)}`;
const screenshots = resultsDir();
let alice: Participant;
let bob: Participant;
let aliceId = "";
let bobId = "";
/** What Alice chose: deviceIds and labels. */
const chosen = { camera: { id: "", label: "" }, mic: { id: "", label: "" }, speaker: { id: "", label: "" } };

function evidenceOnFailure(tag: string): void {
  onTestFailed(async () => {
    const dir = await saveEvidence(tag, people);
    console.error(`evidence in ${dir}\nserver log ${server.logFile} (tail):\n${tail(server.lines, 40)}`);
  });
}

/** Picks, in `select`, the option labelled `label` (waiting for the list), and returns its value. */
async function pick(p: Participant, select: string, label: string): Promise<{ id: string; label: string }> {
  const state = await waitFor(
    async () => {
      const s = await selectState(p.page, select);
      return s.options.some((o) => o.label === label) ? s : undefined;
    },
    { timeoutMs: 20_000, what: `${select} listing "${label}"` },
  );
  const option = state.options.find((o) => o.label === label);
  if (!option) throw new Error(`${select}: no "${label}" in ${JSON.stringify(state.options)}`);
  await p.page.locator(select).selectOption(option.value);
  return { id: option.value, label };
}

/** Which fake camera the <video> at `selector` shows, waiting until it is one of them. */
async function lookOf(p: Participant, selector: string, want: string): Promise<string> {
  let samples: Awaited<ReturnType<typeof samplePicture>> = [];
  try {
    return await waitFor(
      async () => {
        samples = await samplePicture(p.page, selector);
        const look = cameraLook(samples);
        return look === want ? look : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 200, what: `${selector} showing ${want}` },
    );
  } catch (error) {
    throw new Error(`${(error as Error).message}; samples ${JSON.stringify(samples)}`);
  }
}

beforeAll(async () => {
  server = await startServer({ name: "e2e-prejoin-devices" });
  devicesBrowser = await launchChromiumWith({
    replace: ["--use-fake-device-for-media-stream=device-count=3"],
  });
  browser = await launchChromium();
  alice = await newParticipant(devicesBrowser, "alice");
  bob = await newParticipant(browser, "bob");
  people.push(alice, bob);
  await alice.page.setViewportSize({ width: 1280, height: 720 });
});

afterAll(async () => {
  for (const p of people) await p.close();
  await devicesBrowser?.close();
  await browser?.close();
  await darkBrowser?.close();
  if (server) await server.stop();
});

describe.sequential("choosing devices before joining", () => {
  it("the pickers list the devices; another camera and microphone switch the preview and the meter", async () => {
    evidenceOnFailure("prejoin-devices-pick");
    await openPrejoin(alice.page, server.origin, room);
    await fillName(alice.page, "Alice");
    // The system's default first: fake_device_0 and the default microphone.
    await waitFor(async () => (await previewTrack(alice.page)).label === "fake_device_0", {
      timeoutMs: 20_000,
      what: "the preview on the default camera",
    });
    await lookOf(alice, sel.preview, "fake_device_0");
    const cameras = await selectState(alice.page, pj.camera);
    const mics = await selectState(alice.page, pj.microphone);
    console.log(`[prejoin-devices] cameras ${JSON.stringify(cameras)}; microphones ${JSON.stringify(mics)}`);
    expect(cameras.options.map((o) => o.label)).toEqual(["fake_device_0", "fake_device_1", "fake_device_2"]);
    expect(cameras.value, "the camera in use is shown chosen").toBe(cameras.options[0]?.value);
    expect(mics.options.map((o) => o.label)).toContain("Fake Audio Input 2");
    expect(mics.value).toBe("default");

    chosen.camera = await pick(alice, pj.camera, "fake_device_2");
    await waitFor(async () => (await previewTrack(alice.page)).label === "fake_device_2", {
      timeoutMs: 15_000,
      what: "the preview on fake_device_2",
    });
    await lookOf(alice, sel.preview, "fake_device_2");
    const preview = await previewTrack(alice.page);
    expect(preview).toEqual({ label: "fake_device_2", deviceId: chosen.camera.id, live: true });

    chosen.mic = await pick(alice, pj.microphone, "Fake Audio Input 2");
    await waitFor(async () => (await selectState(alice.page, pj.microphone)).value === chosen.mic.id, {
      timeoutMs: 15_000,
      what: "the microphone select on the chosen one",
    });
    // The old microphone is stopped by the switch: a meter still reading it would fall to 0 and stay there.
    await waitFor(
      async () => Number(await alice.page.locator(pj.micMeter).getAttribute("aria-valuenow")) > 0,
      {
        timeoutMs: 10_000,
        what: "the mic meter moving on the new microphone",
      },
    );
    expect((await selectState(alice.page, pj.camera)).value).toBe(chosen.camera.id);
  });

  it("Test speakers plays a chime on the chosen output", async () => {
    evidenceOnFailure("prejoin-devices-speaker");
    chosen.speaker = await pick(alice, pj.speaker, "Fake Audio Output 2");
    await armChimeObserver(alice.page);
    await alice.page.locator(pj.testSpeaker).click();
    const heard = await chimeObserved(alice.page);
    console.log(`[prejoin-devices] test sound: ${JSON.stringify(heard)}`);
    expect(heard.sinkId, "played on the chosen output").toBe(chosen.speaker.id);
    expect(heard.paused).toBe(false);
    expect(heard.currentTimeAfter - heard.currentTimeBefore, "currentTime advances").toBeGreaterThan(0.3);
    expect(heard.peak, "an analyser hears the sound").toBeGreaterThan(0.05);
    // The loudest tone is one of the chime's notes (880, 1109, 1319 Hz; bins are ~11 Hz wide).
    expect(
      [880, 1108.73, 1318.51].some((f) => Math.abs(heard.dominantHz - f) < 25),
      `dominant ${heard.dominantHz} Hz`,
    ).toBe(true);
    expect(await alice.page.locator(pj.testSpeaker).getAttribute("data-playing")).toBe("true");
    // It is short, and lets the element go afterwards.
    await waitFor(
      async () =>
        (await alice.page.locator(pj.testSpeaker).getAttribute("data-playing")) === "false" &&
        (await alice.page.locator(pj.testSound).evaluate((el: HTMLAudioElement) => el.srcObject === null)),
      { timeoutMs: 5000, what: "the test sound over" },
    );
    await alice.page.screenshot({ path: path.join(screenshots, "prejoin-devices-1280x720.png") });
  });

  it("after Join the meeting sends the chosen camera and microphone, and Bob receives them", async () => {
    evidenceOnFailure("prejoin-devices-join");
    await alice.page.locator(sel.join).click();
    await alice.page.locator(sel.localTile).waitFor({ state: "attached", timeout: 30_000 });
    aliceId = (await alice.page.locator(sel.localTile).getAttribute("data-participant-id")) ?? "";
    const sent = await sentTracks(alice.page);
    console.log(`[prejoin-devices] Alice sends ${JSON.stringify(sent)}`);
    expect(sent.filter((s) => s.kind === "video").map((s) => [s.label, s.deviceId, s.readyState])).toEqual([
      ["fake_device_2", chosen.camera.id, "live"],
    ]);
    expect(sent.filter((s) => s.kind === "audio").map((s) => [s.label, s.deviceId, s.readyState])).toEqual([
      ["Fake Audio Input 2", chosen.mic.id, "live"],
    ]);

    bobId = await joinViaUi(bob.page, server.origin, room, "Bob");
    await waitForMediaFrom(bob.page, [aliceId], 45_000);
    await waitForMediaFrom(alice.page, [bobId], 45_000);
    // Bob decodes fake_device_2's picture from Alice; Alice decodes Bob's default camera, fake_device_0.
    await lookOf(bob, `${sourceTile(aliceId, "camera")} video`, "fake_device_2");
    await lookOf(alice, `${sourceTile(bobId, "camera")} video`, "fake_device_0");
    // And hears her: the fake microphones all beep alike, so what is heard is checked flowing, and which
    // device it comes from on Alice's side (above).
    const growth = (await sampleGrowth(bob.page, 2000)).get(aliceId);
    expect(growth?.audioPacketsDelta, "Alice's audio packets at Bob in 2 s").toBeGreaterThan(40);
    expect(growth?.audioEnergyDelta, "Alice's sound energy at Bob in 2 s").toBeGreaterThan(0);
    await alice.page.screenshot({ path: path.join(screenshots, "prejoin-devices-meeting.png") });
  });

  it("the choice survives a reload, in this browser only", async () => {
    evidenceOnFailure("prejoin-devices-reload");
    await alice.page.reload({ waitUntil: "load" });
    await alice.page.locator(sel.displayName).waitFor({ state: "visible", timeout: 20_000 });
    await waitFor(async () => (await previewTrack(alice.page)).label === "fake_device_2", {
      timeoutMs: 20_000,
      what: "the preview opening the remembered camera",
    });
    await waitFor(
      async () =>
        (await selectState(alice.page, pj.camera)).value === chosen.camera.id &&
        (await selectState(alice.page, pj.microphone)).value === chosen.mic.id &&
        (await selectState(alice.page, pj.speaker)).value === chosen.speaker.id,
      { timeoutMs: 15_000, what: "the remembered camera, microphone and speakers chosen" },
    );
    await lookOf(alice, sel.preview, "fake_device_2");
    await alice.page.screenshot({ path: path.join(screenshots, "prejoin-devices-reloaded.png") });

    // Joining again sends them, from the start.
    await fillName(alice.page, "Alice");
    await alice.page.locator(sel.join).click();
    await alice.page.locator(sel.localTile).waitFor({ state: "attached", timeout: 30_000 });
    const sent = await waitFor(
      async () => {
        const s = await sentTracks(alice.page);
        return s.length === 2 ? s : undefined;
      },
      { timeoutMs: 20_000, what: "Alice publishing again" },
    );
    expect(sent.map((s) => [s.kind, s.label]).sort()).toEqual([
      ["audio", "Fake Audio Input 2"],
      ["video", "fake_device_2"],
    ]);
    const again = (await alice.page.locator(sel.localTile).getAttribute("data-participant-id")) ?? "";
    await waitForDecodingTile(bob.page, again, "camera", { timeoutMs: 30_000, minFrames: 3 });
    await lookOf(bob, `${sourceTile(again, "camera")} video`, "fake_device_2");

    // Another profile of the same browser program starts from the system's default.
    const other = await newParticipant(devicesBrowser, "other-profile");
    people.push(other);
    await openPrejoin(other.page, server.origin, room);
    await waitFor(async () => (await previewTrack(other.page)).label === "fake_device_0", {
      timeoutMs: 20_000,
      what: "a fresh profile on the default camera",
    });
    expect((await selectState(other.page, pj.microphone)).value).toBe("default");
    await other.close();
  });
});

describe("the Join button stays in reach whatever tips show", () => {
  it("with the lighting tip: fully on screen at 1280×720 without scrolling, reachable at 390×844", async () => {
    evidenceOnFailure("prejoin-devices-layout");
    const dark = writeDarkY4m(path.join(resultsDir("e2e", "prejoin-devices"), "dark-room.y4m"));
    darkBrowser = await launchChromiumWith({ extra: [`--use-file-for-fake-video-capture=${dark}`] });
    for (const { width, height, locale } of [
      { width: 1280, height: 720, locale: "en-US" },
      { width: 390, height: 844, locale: "fr-FR" },
    ]) {
      const p = await newParticipant(darkBrowser, `dark-${width}`, { locale });
      people.push(p);
      await p.page.setViewportSize({ width, height });
      await openPrejoin(p.page, server.origin, room);
      await fillName(p.page, "Dana");
      await p.page.locator(pj.lightingWarning).waitFor({ state: "visible", timeout: 20_000 });
      expect(await p.page.locator(pj.lightingWarning).getAttribute("data-lighting")).toBe("dark");
      await p.page.locator(pj.headsetHint).waitFor({ state: "visible", timeout: 10_000 });
      await p.page.locator(pj.devices).waitFor({ state: "visible", timeout: 10_000 });
      await p.page.locator(sel.displayName).blur();
      const shot = path.join(screenshots, `prejoin-lighting-${width}x${height}.png`);
      const place = await placeOf(p.page, sel.join);
      console.log(`[prejoin-devices] ${width}×${height}: Join ${JSON.stringify(place)}`);
      expect(place.pageWidth, "no sideways scrolling").toBeLessThanOrEqual(width);
      if (width === 1280) {
        expect(place.scrollY).toBe(0);
        expect(fullyInViewport(place), `Join on screen at ${width}×${height}: ${JSON.stringify(place)}`).toBe(
          true,
        );
        await p.page.screenshot({ path: shot });
      } else {
        // French labels.
        expect((await p.page.locator("label[for=prejoin-microphone]").textContent())?.trim()).toBe("Micro");
        expect((await p.page.locator("label[for=prejoin-camera-device]").textContent())?.trim()).toBe(
          "Caméra",
        );
        // Its accessible name is the text shown (the other one is hidden until the chime plays).
        expect(await p.page.getByRole("button", { name: "Tester le son", exact: true }).count()).toBe(1);
        await p.page.screenshot({ path: shot, fullPage: true });
        await p.page.locator(sel.join).scrollIntoViewIfNeeded();
        const scrolled = await placeOf(p.page, sel.join);
        expect(
          fullyInViewport(scrolled),
          `Join reachable at ${width}×${height}: ${JSON.stringify(scrolled)}`,
        ).toBe(true);
      }
      // And it works from there.
      await p.page.locator(sel.join).click({ trial: true, timeout: 5000 });
      await p.close();
    }
  });
});

// Last: judges every line the server printed during the file's tests.
describeServerLog(() => server);
