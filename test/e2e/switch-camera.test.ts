/**
 * "Switch camera" on a phone (issue 26), in French, through the UI of headless Chromium pages with the real
 * server and Janus.
 *
 * Alice is on an emulated phone (390×844, touch, mobile user agent, fr-FR) whose browser has Chromium's three
 * fake cameras (`--use-fake-device-for-media-stream=device-count=3`). Of those, fake_device_1 is a depth
 * format WebRTC does not encode (settings.test.ts), so she starts on fake_device_2, chosen on the pre-join
 * screen, and the button's next camera is fake_device_0 (no fake camera reports a facing mode: the button
 * cycles in the browser's order). Fake cameras are told apart by the pixels Bob decodes
 * (helpers/prejoin-devices.ts).
 *
 * - The pre-join screen and the toolbar show the button ("Changer de caméra") with several cameras.
 * - One tap: what Alice sends becomes fake_device_0, Bob decodes fake_device_0's picture where he decoded
 *   fake_device_2's, she is the same participant (no rejoin), her microphone stays on and its sender keeps
 *   the same track, and Bob keeps receiving her sound all along (read in his page every 100 ms: never a
 *   second without a new packet, from before the tap to 2 s after he sees the new camera).
 * - Her self view is mirrored (a camera that reports no facing mode is taken as facing her) before and
 *   after; the back-camera case (facingMode "environment", not mirrored) cannot be made with Chromium's fake
 *   cameras, which report `facingMode: []`: it is unit-tested (src/client/ui/mirror.test.ts).
 * - Bob's browser has one camera: no button, neither before joining nor in the meeting.
 * - axe finds no serious or critical issue on the button, on the phone page.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { describeServerLog } from "../helpers/log-health.js";
import { type ServerHandle, startServer, tail } from "../helpers/server.js";
import { sleep, waitFor } from "../helpers/wait.js";
import { launchChromium, newParticipant, type Participant, saveEvidence } from "./helpers/browser.js";
import { launchChromiumWith, sourceTile } from "./helpers/media-views.js";
import { graveFindingsOn, PHONE } from "./helpers/phone.js";
import {
  cameraLook,
  pj,
  previewTrack,
  samplePicture,
  selectState,
  sentTracks,
} from "./helpers/prejoin-devices.js";
import {
  fillName,
  joinFromPrejoin,
  openPrejoin,
  sel,
  waitForMediaFrom,
  waitForRemoteSet,
} from "./helpers/ui.js";

let server: ServerHandle;
let phoneBrowser: Browser;
let browser: Browser;
const people: Participant[] = [];
let alice: Participant;
let bob: Participant;
let aliceId = "";
let bobId = "";
const room = `e2e-switch-camera-${Date.now().toString(36)}`;
const SWITCH = "button[data-testid=switch-camera]";
const PREJOIN_SWITCH = "button[data-testid=prejoin-switch-camera]";

function evidenceOnFailure(tag: string): void {
  onTestFailed(async () => {
    const dir = await saveEvidence(`switch-camera-${tag}`, people);
    console.error(`evidence in ${dir}\nserver log ${server.logFile} (tail):\n${tail(server.lines, 40)}`);
  });
}

/** Which fake camera the <video> at `selector` shows, waiting until it is `want`. */
async function waitForLook(p: Participant, selector: string, want: string): Promise<void> {
  let samples: Awaited<ReturnType<typeof samplePicture>> = [];
  try {
    await waitFor(
      async () => {
        samples = await samplePicture(p.page, selector);
        return cameraLook(samples) === want ? true : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 200, what: `${selector} showing ${want}` },
    );
  } catch (error) {
    throw new Error(`${(error as Error).message}; samples ${JSON.stringify(samples)}`);
  }
}

/** The CSS transform of the <video> at `selector` ("none", or a matrix). */
const transformOf = (page: Page, selector: string) =>
  page.locator(selector).evaluate((v) => getComputedStyle(v).transform);
const MIRRORED = "matrix(-1, 0, 0, 1, 0, 0)";

const cameraCount = (page: Page) =>
  page.evaluate(
    async () =>
      (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === "videoinput").length,
  );

/**
 * Starts watching, in Bob's page every 100 ms, the audio packets he has received from `id`; the function
 * returned stops and gives the longest time (ms, in-page clock) between two readings that saw new packets,
 * and the packets received meanwhile. Read in the page, so the test's own round trips add no gap.
 */
async function watchSound(
  page: Page,
  id: string,
): Promise<() => Promise<{ longestGapMs: number; packets: number }>> {
  await page.evaluate(`(() => {
    const w = { stop: false, rises: [], first: null, last: null };
    window.__soundWatch = w;
    const read = async () => {
      const audio = document.querySelector('[data-testid=tile][data-participant-id="${id}"][data-source=camera] audio');
      const track = audio && audio.srcObject && audio.srcObject.getAudioTracks()[0];
      let n = null;
      for (const pc of (window.__pcs || [])) {
        if (pc.connectionState === "closed") continue;
        (await pc.getStats()).forEach((r) => {
          if (r.type === "inbound-rtp" && track && r.trackIdentifier === track.id) n = r.packetsReceived;
        });
      }
      return n;
    };
    (async () => {
      let prev = null;
      w.rises.push(performance.now());
      while (!w.stop) {
        const n = await read();
        if (n !== null) {
          if (w.first === null) w.first = n;
          if (prev !== null && n > prev) w.rises.push(performance.now());
          prev = n;
          w.last = n;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      w.rises.push(performance.now());
      w.done = true;
    })();
  })()`);
  return async () => {
    await page.evaluate("window.__soundWatch.stop = true");
    await page.waitForFunction(
      () => (window as unknown as { __soundWatch: { done?: boolean } }).__soundWatch.done === true,
      undefined,
      { timeout: 5000 },
    );
    return (await page.evaluate(`(() => {
      const w = window.__soundWatch;
      let longestGapMs = 0;
      for (let i = 1; i < w.rises.length; i++) longestGapMs = Math.max(longestGapMs, w.rises[i] - w.rises[i - 1]);
      return { longestGapMs: Math.round(longestGapMs), packets: (w.last || 0) - (w.first || 0) };
    })()`)) as { longestGapMs: number; packets: number };
  };
}

beforeAll(async () => {
  server = await startServer({ name: "e2e-switch-camera" });
  phoneBrowser = await launchChromiumWith({ replace: ["--use-fake-device-for-media-stream=device-count=3"] });
  browser = await launchChromium();
  alice = await newParticipant(phoneBrowser, "alice", { locale: "fr-FR", device: PHONE });
  bob = await newParticipant(browser, "bob", { locale: "fr-FR" });
  people.push(alice, bob);
}, 120_000);

afterAll(async () => {
  for (const p of people) await p.close();
  await browser?.close();
  await phoneBrowser?.close();
  if (server) await server.stop();
});

describe.sequential("switch camera on a phone", () => {
  it("is offered before joining with several cameras, not with one", async () => {
    evidenceOnFailure("prejoin");
    await openPrejoin(alice.page, server.origin, room);
    await openPrejoin(bob.page, server.origin, room);
    await alice.page.locator(PREJOIN_SWITCH).waitFor({ state: "visible", timeout: 20_000 });
    expect(await alice.page.locator(PREJOIN_SWITCH).getAttribute("aria-label")).toBe("Changer de caméra");
    // Bob's camera list is known once his preview runs: only then does "no button" mean something.
    await waitFor(async () => ((await previewTrack(bob.page)).live ? true : undefined), {
      timeoutMs: 20_000,
      what: "Bob's preview",
    });
    await waitFor(
      async () => ((await selectState(bob.page, pj.camera)).options.length > 0 ? true : undefined),
      {
        timeoutMs: 20_000,
        what: "Bob's camera list",
      },
    );
    expect(await cameraCount(bob.page), "cameras in Bob's browser").toBe(1);
    expect(await bob.page.locator(PREJOIN_SWITCH).count(), "switch buttons on Bob's pre-join screen").toBe(0);

    // Alice starts on fake_device_2 (see the top for why), chosen the usual way.
    const cameras = await selectState(alice.page, pj.camera);
    const two = cameras.options.find((o) => o.label === "fake_device_2");
    expect(two, `fake_device_2 in ${JSON.stringify(cameras.options)}`).toBeDefined();
    await alice.page.locator(pj.camera).selectOption(two?.value ?? "");
    await waitForLook(alice, sel.preview, "fake_device_2");
    expect(await transformOf(alice.page, sel.preview), "Alice's preview, a camera with no facing mode").toBe(
      MIRRORED,
    );

    aliceId = await joinFromPrejoin(alice.page, "Alice");
    await fillName(bob.page, "Bob");
    bobId = await joinFromPrejoin(bob.page, "Bob");
    await waitForRemoteSet(alice.page, [bobId]);
    await waitForMediaFrom(bob.page, [aliceId], 45_000);
    await waitForLook(bob, `${sourceTile(aliceId, "camera")} video`, "fake_device_2");
    await sleep(1000);
    expect(await bob.page.locator(SWITCH).count(), "switch buttons in Bob's toolbar").toBe(0);
  }, 180_000);

  it("moves Alice to her next camera with one tap: Bob sees it, her sound goes on, her microphone stays on", async () => {
    evidenceOnFailure("switch");
    const button = alice.page.locator(SWITCH);
    await button.waitFor({ state: "visible", timeout: 10_000 });
    expect(await button.getAttribute("aria-label")).toBe("Changer de caméra");
    const localVideo = `${sel.localTile} video`;
    expect(await transformOf(alice.page, localVideo), "Alice's self view before").toBe(MIRRORED);
    const sentBefore = await sentTracks(alice.page);
    const micBefore = sentBefore.find((t) => t.kind === "audio");
    expect(sentBefore.find((t) => t.kind === "video")?.label, "what Alice sends before").toBe(
      "fake_device_2",
    );
    const sound = await watchSound(bob.page, aliceId);
    await sleep(500);

    await button.tap();
    await waitFor(
      async () =>
        (await sentTracks(alice.page)).some(
          (t) => t.kind === "video" && t.label === "fake_device_0" && t.readyState === "live",
        )
          ? true
          : undefined,
      { timeoutMs: 15_000, what: "Alice sending fake_device_0" },
    );
    await waitForLook(bob, `${sourceTile(aliceId, "camera")} video`, "fake_device_0");

    const sentAfter = await sentTracks(alice.page);
    const micAfter = sentAfter.find((t) => t.kind === "audio");
    expect(micAfter, "Alice's microphone sender after the switch").toMatchObject({
      label: micBefore?.label,
      deviceId: micBefore?.deviceId,
      readyState: "live",
      enabled: true,
    });
    expect(await alice.page.locator(sel.toggleMic).getAttribute("aria-pressed"), "Alice's mic toggle").toBe(
      "true",
    );
    expect(
      await alice.page.locator(sel.toggleCamera).getAttribute("aria-pressed"),
      "Alice's camera toggle",
    ).toBe("true");
    // The same participant on both sides: no rejoin, the call went on.
    expect(await alice.page.locator(sel.localTile).getAttribute("data-participant-id")).toBe(aliceId);
    await waitForRemoteSet(bob.page, [aliceId]);
    await sleep(2000);
    // Her sound never stopped: from before the tap to 2 s after Bob saw the new camera, no second (a bound
    // far above the 20 ms between packets and the 100 ms between readings) passed without new packets.
    const heard = await sound();
    console.log(`[switch-camera] Alice's sound at Bob across the switch: ${JSON.stringify(heard)}`);
    expect(heard.packets, "Alice's audio packets reaching Bob across the switch").toBeGreaterThan(100);
    expect(
      heard.longestGapMs,
      "longest time Bob's page saw no new audio packet from Alice (ms)",
    ).toBeLessThan(1000);
    expect(await transformOf(alice.page, localVideo), "Alice's self view after").toBe(MIRRORED);
    const axe = await graveFindingsOn(alice.page, "switch-camera");
    console.log(
      `[switch-camera] axe: ${axe.page} serious/critical finding(s) on Alice's page, ${axe.ours.length} on the button`,
    );
    expect(axe.ours, "serious or critical axe findings on the switch-camera button").toEqual([]);
  }, 120_000);
});

describeServerLog(() => server);
