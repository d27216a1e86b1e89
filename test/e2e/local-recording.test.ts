/**
 * Local recording through the real UI (PROTOCOL.md "Local recording", README "Moderators' tools"): three
 * Chromium participants, one of them in French. Ben records 10 s from the ⋯ menu: every page says Ben records
 * while he does, and no request leaves his page meanwhile (nothing is uploaded); the file his browser saves
 * is a WebM with a video and an audio track of about 10 s that plays back with a picture that is not empty and
 * with sound. Then the moderator forbids recording while Chloé records: her file is saved all the same, she is
 * told why, nobody's page shows a recording any more, and nobody can start one. Hanging up while recording
 * saves the file too. Someone alone with nothing to hear (no microphone) nor see (camera off) who stops at once
 * still gets a file with both tracks.
 */
import fs from "node:fs";
import type { Browser, Download, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { type ServerHandle, startServer, tail } from "../helpers/server.js";
import { waitFor } from "../helpers/wait.js";
import {
  launchChromium,
  newParticipant,
  type Participant,
  saveEvidence,
  savingData,
} from "./helpers/browser.js";
import { openParticipants } from "./helpers/moderation-ui.js";
import { joinViaUi, waitForRemoteSet } from "./helpers/ui.js";
import { decodeInPage, inspectWebm } from "./helpers/webm.js";
import { type FrameLog, recordFrames } from "./helpers/ws-frames.js";

let server: ServerHandle;
let browser: Browser;
const people: Participant[] = [];
let mod: { p: Participant; id: string };
let ben: { p: Participant; id: string };
let chloe: { p: Participant; id: string };
const frames = new Map<Participant, FrameLog>();
const room = `recording-e2e-${Date.now().toString(36)}`;

async function enter(label: string, name: string, locale = "en-US") {
  const p = await newParticipant(browser, label, { locale });
  // What is recorded is what the page shows; the lowest layers keep three pages from saturating 2 cores.
  await savingData(p);
  people.push(p);
  frames.set(p, recordFrames(p.page));
  const id = await joinViaUi(p.page, server.origin, room, name);
  return { p, id };
}

function evidenceOnFailure(tag: string): void {
  onTestFailed(async () => {
    const dir = await saveEvidence(`recording-${tag}`, people);
    console.error(`evidence in ${dir}\nserver log ${server.logFile} (tail):\n${tail(server.lines, 40)}`);
  });
}

/** ⋯ menu → the recording item; returns the item's state before the click. */
async function pressRecord(page: Page): Promise<string | null> {
  await page.locator("[data-testid=more-menu]").click();
  const item = page.locator("[data-testid=recording-toggle]");
  await item.waitFor({ state: "visible", timeout: 5000 });
  const state = await item.getAttribute("data-recording");
  await item.click();
  return state;
}

/** Every page's recording mark reads `names` (empty: no mark on any page). */
async function everyoneSees(names: string[]): Promise<void> {
  for (const { p } of [mod, ben, chloe]) {
    const mark = p.page.locator("[data-testid=recording-indicator]");
    if (names.length === 0) {
      await mark.waitFor({ state: "detached", timeout: 10_000 });
      continue;
    }
    await mark.waitFor({ state: "visible", timeout: 10_000 });
    await waitFor(
      async () => {
        const text = (await mark.textContent()) ?? "";
        return names.every((n) => text.includes(n));
      },
      {
        timeoutMs: 10_000,
        what: `${p.label}'s page names ${names.join(", ")} as recording`,
      },
    );
  }
}

async function bytesOf(download: Download): Promise<Uint8Array> {
  const file = await download.path();
  return new Uint8Array(fs.readFileSync(file));
}

/** The kinds of the WebM file's tracks, sorted. */
function trackTypes(bytes: Uint8Array): string[] {
  return inspectWebm(bytes)
    .tracks.map((t) => t.type)
    .sort();
}

beforeAll(async () => {
  server = await startServer({ name: "e2e-recording" });
  browser = await launchChromium();
  mod = await enter("mod", "Mona");
  ben = await enter("ben", "Ben");
  chloe = await enter("chloe", "Chloé", "fr-FR");
  await waitForRemoteSet(mod.p.page, [ben.id, chloe.id]);
  await waitForRemoteSet(ben.p.page, [mod.id, chloe.id]);
  await waitForRemoteSet(chloe.p.page, [mod.id, ben.id]);
});

afterAll(async () => {
  for (const p of people) await p.close();
  await browser?.close();
  if (server) await server.stop();
});

describe("local recording", () => {
  it("records 10 s into a WebM that plays back, shown on every page, with nothing leaving the page", async () => {
    evidenceOnFailure("ten-seconds");
    const page = ben.p.page;
    const requestsBefore = ben.p.requests.length;
    const sentBefore = frames.get(ben.p)?.sent.length ?? 0;
    const started = Date.now();
    expect(await pressRecord(page)).toBe("off");
    await everyoneSees(["Ben"]);
    const seen = Date.now();
    // The recorder's code is fetched at the first start, from our own origin; nothing else was asked for.
    const fetched = ben.p.requests.slice(requestsBefore);
    expect(fetched.filter((url) => !url.startsWith(`${server.origin}/assets/`))).toEqual([]);
    const requestsRecording = ben.p.requests.length;
    // The French page says it in French.
    expect(await chloe.p.page.locator("[data-testid=recording-indicator]").textContent()).toContain(
      "Enregistrement : Ben",
    );
    // Ten seconds from when everyone sees it (the recorder starts a moment after the others are told).
    await page.waitForTimeout(10_000);
    const saved = page.waitForEvent("download", { timeout: 30_000 });
    const stopping = Date.now();
    expect(await pressRecord(page)).toBe("on");
    const stopped = Date.now();
    const download = await saved;
    console.log(
      `recording: seen by all ${seen - started} ms after the click, stop pressed at ${stopping - started} ms, ` +
        `clicked at ${stopped - started} ms`,
    );
    expect(download.suggestedFilename()).toMatch(
      new RegExp(`^palabre-${room}-\\d{4}-\\d\\d-\\d\\d-\\d{4}\\.webm$`),
    );
    await everyoneSees([]);

    // Nothing left the page while it recorded and saved: no request but the file's own link, and only small
    // signaling on the socket.
    const requests = ben.p.requests.slice(requestsRecording);
    expect(requests.filter((url) => !url.startsWith("blob:"))).toEqual([]);
    const sent = (frames.get(ben.p)?.sent ?? []).slice(sentBefore);
    const sizes = sent.map((f) => JSON.stringify(f).length);
    expect(Math.max(0, ...sizes)).toBeLessThan(4096);
    expect(sent.filter((f) => f.type === "recording.state").map((f) => f.on)).toEqual([true, false]);

    console.log(ben.p.console.filter((l) => l.includes("recording stopped")).join("\n"));
    const bytes = await bytesOf(download);
    const summary = inspectWebm(bytes);
    const video = summary.tracks.find((t) => t.type === "video");
    const audio = summary.tracks.find((t) => t.type === "audio");
    expect(video).toMatchObject({ width: 1280, height: 720 });
    expect(audio?.codec).toBe("A_OPUS");
    // From about when the start was pressed to when the stop was: the recording starts once everyone is told.
    expect(summary.durationMs).toBeGreaterThan(9_000);
    expect(summary.durationMs).toBeLessThan(stopped - started + 500);
    // Chromium's recorder writes Opus in 60 ms frames (~166 in 10 s). Pictures: 24 a second at most; the
    // recorder draws fewer rather than take more than half of a starved page's main thread (README).
    expect(summary.blocks.get(audio?.number ?? -1)).toBeGreaterThan(120);
    expect(summary.blocks.get(video?.number ?? -1)).toBeGreaterThan(20);

    const played = await decodeInPage(mod.p.page, bytes, 3);
    console.log(`recording: ${bytes.length} bytes, ${summary.durationMs} ms, ${JSON.stringify(played)}`);
    expect(played.width).toBe(1280);
    expect(played.videoFrames).toBeGreaterThan(5);
    // The fake microphones beep: the mix has sound. The tiles show the fake cameras: the picture is not flat.
    expect(played.audioRms).toBeGreaterThan(0.01);
    expect(played.lumaSpread).toBeGreaterThan(15);
  });

  it("a moderator forbids it: the recording stops and is saved, nobody can start; hanging up saves too", async () => {
    evidenceOnFailure("forbidden");
    const page = chloe.p.page;
    expect(await pressRecord(page)).toBe("off");
    await everyoneSees(["Chloé"]);
    const saved = page.waitForEvent("download", { timeout: 30_000 });
    await openParticipants(mod.p.page);
    const toggle = mod.p.page.locator("[data-testid=recording-allowed-toggle]");
    expect(await toggle.isChecked()).toBe(true);
    await toggle.click();
    const download = await saved;
    expect(trackTypes(await bytesOf(download))).toEqual(["audio", "video"]);
    await page.locator("[data-testid=recording-problem]").waitFor({ state: "visible", timeout: 10_000 });
    await everyoneSees([]);
    expect(await toggle.isChecked()).toBe(false);

    // Nobody can start: the item says why and does nothing.
    for (const { p } of [ben, chloe]) {
      await p.page.locator("[data-testid=more-menu]").click();
      const item = p.page.locator("[data-testid=recording-toggle]");
      expect(await item.getAttribute("aria-disabled")).toBe("true");
      await item.click({ force: true });
      await p.page.keyboard.press("Escape");
    }
    await ben.p.page.waitForTimeout(1000);
    expect(await ben.p.page.locator("[data-testid=recording-indicator]").count()).toBe(0);
    expect(frames.get(ben.p)?.sent.filter((f) => f.type === "recording.state")).toHaveLength(2);

    // Allowed again; Ben records and hangs up: his file is saved, and the others see nobody recording.
    await toggle.click();
    await waitFor(async () => await toggle.isChecked(), {
      timeoutMs: 10_000,
      what: "recording allowed again",
    });
    expect(await pressRecord(ben.p.page)).toBe("off");
    await everyoneSees(["Ben"]);
    const hungUp = ben.p.page.waitForEvent("download", { timeout: 30_000 });
    await ben.p.page.locator("[data-testid=hangup]").click();
    expect(trackTypes(await bytesOf(await hungUp))).toEqual(["audio", "video"]);
    for (const { p } of [mod, chloe])
      await p.page
        .locator("[data-testid=recording-indicator]")
        .waitFor({ state: "detached", timeout: 10_000 });
  });

  it("alone, without a microphone, camera off, stopped at once: the file still has a picture and a sound track", async () => {
    evidenceOnFailure("alone");
    // Nothing to mix and no camera: Chromium's recorder writes nothing until it has sound (nor before its
    // first encoded picture), so an unguarded recorder saved an empty file here.
    const dora = await newParticipant(browser, "dora");
    people.push(dora);
    // A computer without a microphone: every request for one finds none.
    await dora.context.addInitScript(() => {
      const devices = navigator.mediaDevices;
      const open = devices.getUserMedia.bind(devices);
      devices.getUserMedia = (constraints) =>
        constraints?.audio
          ? Promise.reject(new DOMException("no microphone", "NotFoundError"))
          : open(constraints);
    });
    await joinViaUi(dora.page, server.origin, `${room}-alone`, "Dora");
    const camera = dora.page.locator("[data-testid=toggle-camera]");
    await camera.click();
    await waitFor(async () => (await camera.getAttribute("aria-pressed")) === "false", {
      timeoutMs: 5000,
      what: "Dora's camera off",
    });
    expect(await pressRecord(dora.page)).toBe("off");
    await dora.page
      .locator("[data-testid=recording-indicator]")
      .waitFor({ state: "visible", timeout: 10_000 });
    const saved = dora.page.waitForEvent("download", { timeout: 30_000 });
    expect(await pressRecord(dora.page)).toBe("on");
    const bytes = await bytesOf(await saved);
    console.log(`recording stopped at once: ${bytes.length} bytes`);
    expect(trackTypes(bytes)).toEqual(["audio", "video"]);
    expect(await dora.page.locator("[data-testid=recording-problem]").count()).toBe(0);
  });
});
