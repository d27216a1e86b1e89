/**
 * E2E helpers for screen sharing, the tile/speaker layouts, the ⋯ menu (settings, quality) and the prejoin
 * help: selectors by the UI contract, Chromium launched with extra flags, a tile reader that knows each
 * tile's source/stage/speaking marks, per-kind inbound totals, the publish connection's state, and a way to
 * end a screen capture as the browser would (the user pressing "Stop sharing").
 *
 * Screen capture in headless Chromium: the flags already in CHROMIUM_ARGS are enough.
 * `--use-fake-device-for-media-stream` + `--use-fake-ui-for-media-stream` make getDisplayMedia() (called from
 * a click, i.e. with user activation) resolve at once with a fake 1280×720 "monitor" surface (track label
 * "screen:-3:0", plus a fake audio track when audio is asked). Probed on Chromium 156: without the fake-UI
 * flag the call waits forever for a picker; `--auto-select-desktop-capture-source=Entire screen` or
 * `--auto-accept-this-tab-capture` alone (without the fake-UI flag) do not help; without the fake-device flag
 * it fails with NotReadableError. Without user activation it never settles.
 *
 * Page-side code is plain JavaScript strings (see rtc.ts for why).
 */
import fs from "node:fs";
import { type Browser, chromium, type Page } from "playwright-core";
import { waitFor } from "../../helpers/wait.js";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "./browser.js";
import type { StatsPage } from "./rtc.js";
import { fillName, openPrejoin, sel, stampWhen } from "./ui.js";

export const mv = {
  conference: "[data-testid=conference]",
  toggleScreen: "button[data-testid=toggle-screen]",
  toggleLayout: "button[data-testid=toggle-layout]",
  toggleMic: "button[data-testid=toggle-mic]",
  prejoinMic: "[data-testid=prejoin-mic]",
  pin: "[data-testid=pin]",
  shareError: "[data-testid=share-error]",
  errorScreen: "[data-testid=error-screen]",
  moreMenu: "button[data-testid=more-menu]",
  moreMenuPanel: "[data-testid=more-menu-panel]",
  openSettings: "[data-testid=open-settings]",
  quality: (q: "high" | "standard" | "low" | "audio-only") => `[data-testid=quality-${q}]`,
  fullscreen: "[data-testid=fullscreen]",
  openShortcuts: "[data-testid=open-shortcuts]",
  language: "select[data-testid=language]",
  settingsDialog: "[data-testid=settings-dialog]",
  selectMicrophone: "select[data-testid=select-microphone]",
  selectCamera: "select[data-testid=select-camera]",
  selectSpeaker: "select[data-testid=select-speaker]",
  micMeter: "[data-testid=mic-meter]",
} as const;

/** A participant's tile of one source (`camera` or `screen`). */
export const sourceTile = (participantId: string, source: "camera" | "screen") =>
  `[data-testid=tile][data-source=${source}][data-participant-id="${participantId}"]`;

/**
 * Chromium with CHROMIUM_ARGS, each flag in `replace` (matched by its name before "=") swapped for the given
 * one, and `extra` appended.
 */
export function launchChromiumWith({
  replace = [],
  extra = [],
}: {
  replace?: string[];
  extra?: string[];
}): Promise<Browser> {
  const nameOf = (flag: string) => flag.split("=")[0];
  const replaced = new Set(replace.map(nameOf));
  const args = [...CHROMIUM_ARGS.filter((f) => !replaced.has(nameOf(f))), ...replace, ...extra];
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args, timeout: 60_000 });
}

/**
 * Init script: keeps every stream getDisplayMedia() resolves with in `window.__displayStreams` (the app is
 * untouched: the wrapper returns the very same stream).
 */
export const DISPLAY_RECORDER_SCRIPT = `(() => {
  const md = navigator.mediaDevices;
  if (!md || !md.getDisplayMedia || window.__displayStreams) return;
  const streams = [];
  Object.defineProperty(window, "__displayStreams", { value: streams, enumerable: false });
  const original = md.getDisplayMedia.bind(md);
  md.getDisplayMedia = async (...args) => {
    const stream = await original(...args);
    streams.push(stream);
    return stream;
  };
})();`;

/**
 * Ends the page's screen capture the way the browser does when the user presses its "Stop sharing" button:
 * every video track of a recorded display stream, and every publish sender's track that is a display track
 * (a clone the app might send instead), is stopped and gets an `ended` event. Returns how many tracks ended.
 */
export async function endScreenCapture(page: Page): Promise<{ ended: number; labels: string[] }> {
  return page.evaluate(`(() => {
    const tracks = new Set();
    for (const s of (window.__displayStreams || [])) for (const t of s.getTracks()) tracks.add(t);
    for (const pc of (window.__pcs || [])) {
      if (pc.signalingState === "closed") continue;
      for (const sender of pc.getSenders()) {
        const t = sender.track;
        if (!t || t.kind !== "video" || t.readyState !== "live") continue;
        const settings = t.getSettings ? t.getSettings() : {};
        if (settings.displaySurface || /^screen:/.test(t.label)) tracks.add(t);
      }
    }
    const live = Array.from(tracks).filter((t) => t.readyState === "live");
    for (const t of live) t.stop();
    for (const t of live) t.dispatchEvent(new Event("ended"));
    return { ended: live.length, labels: live.map((t) => t.label) };
  })()`) as Promise<{ ended: number; labels: string[] }>;
}

export interface MediaTile {
  participantId: string | null;
  local: boolean;
  source: string | null;
  stage: boolean;
  speaking: boolean;
  videoTrackId: string | null;
  framesDecoded: number | null;
  videoBytes: number | null;
  frameWidth: number | null;
  /** Diagnosis: packets received, key frames decoded, PLIs/NACKs sent for the tile's video. */
  videoPackets: number | null;
  keyFrames: number | null;
  plis: number | null;
  nacks: number | null;
}

const READ_MEDIA_TILES = `async () => {
  const inbound = [];
  for (const pc of (window.__pcs || [])) {
    if (pc.connectionState === "closed" || pc.signalingState === "closed") continue;
    let report;
    try { report = await pc.getStats(); } catch (e) { continue; }
    report.forEach((s) => { if (s.type === "inbound-rtp" && s.kind === "video") inbound.push(s); });
  }
  const pick = (id) => {
    let best = null;
    for (const s of inbound) if (s.trackIdentifier === id && (!best || (s.packetsReceived || 0) > (best.packetsReceived || 0))) best = s;
    return best;
  };
  return Array.from(document.querySelectorAll("[data-testid=tile]")).map((tile) => {
    const v = tile.querySelector("video");
    const so = v && v.srcObject;
    const vt = so && typeof so.getVideoTracks === "function" ? (so.getVideoTracks()[0] || null) : null;
    const s = vt ? pick(vt.id) : null;
    return {
      participantId: tile.getAttribute("data-participant-id"),
      local: tile.getAttribute("data-local") === "true",
      source: tile.getAttribute("data-source"),
      stage: tile.getAttribute("data-stage") === "true",
      speaking: tile.getAttribute("data-speaking") === "true",
      videoTrackId: vt ? vt.id : null,
      framesDecoded: s ? (s.framesDecoded || 0) : null,
      videoBytes: s ? (s.bytesReceived || 0) : null,
      frameWidth: s ? (s.frameWidth || 0) : null,
      videoPackets: s ? (s.packetsReceived || 0) : null,
      keyFrames: s ? (s.keyFramesDecoded || 0) : null,
      plis: s ? (s.pliCount || 0) : null,
      nacks: s ? (s.nackCount || 0) : null,
    };
  });
}`;

export async function readMediaTiles(page: StatsPage): Promise<MediaTile[]> {
  return page.evaluate(`(${READ_MEDIA_TILES})()`) as Promise<MediaTile[]>;
}

export function describeMediaTiles(tiles: MediaTile[]): string {
  return JSON.stringify(
    tiles.map((t) => ({
      id: t.participantId,
      local: t.local,
      src: t.source,
      stage: t.stage || undefined,
      speaking: t.speaking || undefined,
      frames: t.framesDecoded,
      packets: t.videoPackets,
      keyFrames: t.keyFrames,
      plis: t.plis,
      w: t.frameWidth,
    })),
  );
}

/** The tile of `participantId` with `source`, as read now (undefined when absent). */
export async function findTile(
  page: Page,
  participantId: string,
  source: "camera" | "screen",
): Promise<MediaTile | undefined> {
  return (await readMediaTiles(page)).find((t) => t.participantId === participantId && t.source === source);
}

/**
 * Waits until the tile (participant, source) decodes video and its framesDecoded grows by more than
 * `minFrames` over `windowMs`; returns the growth.
 */
export async function waitForDecodingTile(
  page: StatsPage,
  participantId: string,
  source: "camera" | "screen",
  { timeoutMs = 30_000, windowMs = 2000, minFrames = 5 } = {},
): Promise<{ before: number; after: number; width: number }> {
  let last: MediaTile[] = [];
  try {
    return await waitFor(
      async () => {
        last = await readMediaTiles(page);
        const a = last.find((t) => t.participantId === participantId && t.source === source);
        if (!a || a.framesDecoded === null || a.framesDecoded === 0) return undefined;
        await new Promise((r) => setTimeout(r, windowMs));
        last = await readMediaTiles(page);
        const b = last.find((t) => t.participantId === participantId && t.source === source);
        if (!b || b.framesDecoded === null || b.videoTrackId !== a.videoTrackId) return undefined;
        return b.framesDecoded - a.framesDecoded > minFrames
          ? { before: a.framesDecoded, after: b.framesDecoded, width: b.frameWidth ?? 0 }
          : undefined;
      },
      { timeoutMs, intervalMs: 300, what: `${source} video of ${participantId} decoding` },
    );
  } catch (error) {
    throw new Error(`${(error as Error).message}; tiles last seen: ${describeMediaTiles(last)}`);
  }
}

export interface InboundTotals {
  videoBytes: number;
  videoFrames: number;
  videoPackets: number;
  audioPackets: number;
  audioBytes: number;
}

/** Sums of every inbound-rtp of the page's open peer connections, per kind. */
export async function inboundTotals(page: Page): Promise<InboundTotals> {
  return page.evaluate(`(async () => {
    const t = { videoBytes: 0, videoFrames: 0, videoPackets: 0, audioPackets: 0, audioBytes: 0 };
    for (const pc of (window.__pcs || [])) {
      if (pc.connectionState === "closed" || pc.signalingState === "closed") continue;
      let r; try { r = await pc.getStats(); } catch (e) { continue; }
      r.forEach((s) => {
        if (s.type !== "inbound-rtp") return;
        if (s.kind === "video") {
          t.videoBytes += s.bytesReceived || 0; t.videoFrames += s.framesDecoded || 0;
          t.videoPackets += s.packetsReceived || 0;
        } else if (s.kind === "audio") {
          t.audioPackets += s.packetsReceived || 0; t.audioBytes += s.bytesReceived || 0;
        }
      });
    }
    return t;
  })()`) as Promise<InboundTotals>;
}

/** Inbound totals growth over `windowMs`. */
export async function inboundGrowth(page: Page, windowMs = 2000): Promise<InboundTotals> {
  const a = await inboundTotals(page);
  await new Promise((r) => setTimeout(r, windowMs));
  const b = await inboundTotals(page);
  return {
    videoBytes: b.videoBytes - a.videoBytes,
    videoFrames: b.videoFrames - a.videoFrames,
    videoPackets: b.videoPackets - a.videoPackets,
    audioPackets: b.audioPackets - a.audioPackets,
    audioBytes: b.audioBytes - a.audioBytes,
  };
}

export interface PcState {
  connectionState: string;
  signalingState: string;
  /** Has a sendonly/sendrecv transceiver: the publish connection. */
  publishes: boolean;
  /** Labels of the tracks its senders send. */
  senderTracks: string[];
}

/** The state of every recorded peer connection that is not closed. */
export async function pcStates(page: Page): Promise<PcState[]> {
  return page.evaluate(`(() => (window.__pcs || []).filter((pc) => pc.signalingState !== "closed").map((pc) => ({
    connectionState: pc.connectionState,
    signalingState: pc.signalingState,
    publishes: pc.getTransceivers().some((t) => t.direction === "sendonly" || t.direction === "sendrecv"),
    senderTracks: pc.getSenders().filter((s) => s.track).map((s) => s.track.kind + ":" + s.track.label),
  })))()`) as Promise<PcState[]>;
}

/** Own sending per kind: packets of every outbound-rtp (all pcs), and the frames encoded. */
export async function outboundTotals(
  page: Page,
): Promise<{ audioPackets: number; videoPackets: number; videoFrames: number }> {
  return page.evaluate(`(async () => {
    const t = { audioPackets: 0, videoPackets: 0, videoFrames: 0 };
    for (const pc of (window.__pcs || [])) {
      if (pc.connectionState === "closed") continue;
      let r; try { r = await pc.getStats(); } catch (e) { continue; }
      r.forEach((s) => {
        if (s.type !== "outbound-rtp") return;
        if (s.kind === "audio") t.audioPackets += s.packetsSent || 0;
        if (s.kind === "video") { t.videoPackets += s.packetsSent || 0; t.videoFrames += s.framesEncoded || 0; }
      });
    }
    return t;
  })()`) as Promise<{ audioPackets: number; videoPackets: number; videoFrames: number }>;
}

/** Waits until the toggle's aria-pressed is `pressed` ("true"/"false"). */
export async function waitPressed(page: Page, selector: string, pressed: boolean, timeoutMs = 10_000) {
  const want = pressed ? "true" : "false";
  let last: string | null = null;
  try {
    await waitFor(
      async () => {
        last = await page.locator(selector).first().getAttribute("aria-pressed", { timeout: 1000 });
        return last === want;
      },
      { timeoutMs, intervalMs: 100, what: `${selector} aria-pressed=${want}` },
    );
  } catch (error) {
    throw new Error(`${(error as Error).message} (last: ${last})`);
  }
}

/** On the prejoin screen: waits for the microphone to be open, then turns it off. */
export async function prejoinMicOff(page: Page): Promise<void> {
  await waitPressed(page, mv.prejoinMic, true, 20_000);
  await page.locator(mv.prejoinMic).click();
  await waitPressed(page, mv.prejoinMic, false, 10_000);
}

/** Opens the ⋯ menu (if not open) and waits for its panel. */
export async function openMoreMenu(page: Page): Promise<void> {
  if ((await page.locator(mv.moreMenuPanel).count()) === 0) await page.locator(mv.moreMenu).click();
  await page.locator(mv.moreMenuPanel).waitFor({ state: "visible", timeout: 10_000 });
}

/** Closes the ⋯ menu (Escape) if it is open, and waits until it is gone. */
export async function closeMoreMenu(page: Page): Promise<void> {
  if ((await page.locator(mv.moreMenuPanel).count()) === 0) return;
  await page.keyboard.press("Escape");
  await page.locator(mv.moreMenuPanel).waitFor({ state: "detached", timeout: 5000 });
}

/** The conference's layout attribute ("tile" | "speaker" | …). */
export async function layoutOf(page: Page): Promise<string | null> {
  return page.locator(mv.conference).getAttribute("data-layout", { timeout: 5000 });
}

export async function waitForLayout(page: Page, layout: string, timeoutMs = 5000): Promise<void> {
  let last: string | null = null;
  try {
    await waitFor(
      async () => {
        last = await layoutOf(page);
        return last === layout;
      },
      { timeoutMs, intervalMs: 100, what: `data-layout=${layout}` },
    );
  } catch (error) {
    throw new Error(`${(error as Error).message} (last: ${last})`);
  }
}

/** The tiles marked data-stage="true" as "participantId/source". */
export async function stageTiles(page: Page): Promise<string[]> {
  return (await readMediaTiles(page)).filter((t) => t.stage).map((t) => `${t.participantId}/${t.source}`);
}

/**
 * Joins through the UI like joinViaUi, with the microphone turned off on the prejoin screen first when
 * `micOff`. Returns the local participant id.
 */
export async function joinWithMic(
  page: Page,
  origin: string,
  room: string,
  name: string,
  { micOff = false } = {},
): Promise<string> {
  await openPrejoin(page, origin, room);
  await fillName(page, name);
  if (micOff) await prejoinMicOff(page);
  await page.locator(sel.join).click();
  await page.locator(sel.conference).waitFor({ state: "visible", timeout: 30_000 });
  await page.locator(sel.localTile).first().waitFor({ state: "attached", timeout: 30_000 });
  const id = await page.locator(sel.localTile).first().getAttribute("data-participant-id");
  if (!id) throw new Error("local tile has no data-participant-id");
  return id;
}

/** Moves the focus out of any control, so a key press goes to the page's shortcuts. */
export async function blurFocus(page: Page): Promise<void> {
  await page.evaluate(
    "document.activeElement && document.activeElement.blur && document.activeElement.blur()",
  );
}

/**
 * Clicks `selector` and returns when (Date.now(), same clock as the test's) the page received the click: on a
 * loaded machine Playwright's actionability checks can take a second before the click lands, which a "within
 * 2 s" measurement must not count.
 */
export async function clickStamped(page: Page, selector: string): Promise<number> {
  await page.evaluate(`(() => {
    window.__clickedAt = null;
    document.addEventListener("click", () => { window.__clickedAt = Date.now(); }, { capture: true, once: true });
  })()`);
  await page.locator(selector).first().click();
  const at = (await page.evaluate("window.__clickedAt")) as number | null;
  if (typeof at !== "number") throw new Error(`the click on ${selector} did not reach the page`);
  return at;
}

/** stampWhen (ui.ts) for the first moment `selector` matches on `page`. */
export const stampWhenAttached = (page: Page, selector: string) => stampWhen(page, selector);

/**
 * Writes a 16-bit mono 48 kHz WAV of `periods` × (`onMs` of a loud 440 Hz tone, then `offMs` of silence), for
 * Chromium's `--use-file-for-fake-audio-capture` (which loops it): something the media server's talk
 * detection hears as speech that starts and stops. Chromium's default fake microphone (a short beep about
 * twice a second) is never "talking" for Janus (audio_active_packets 50, audio_level_average 40): probed, no
 * `speaking` message in 30 s. Returns `file`.
 */
export function writeSpeechLikeWav(file: string, { onMs = 2500, offMs = 1500, periods = 2 } = {}): string {
  const rate = 48_000;
  const on = Math.round((rate * onMs) / 1000);
  const off = Math.round((rate * offMs) / 1000);
  const samples = (on + off) * periods;
  const data = Buffer.alloc(samples * 2);
  let i = 0;
  for (let p = 0; p < periods; p++) {
    for (let n = 0; n < on; n++, i++) {
      data.writeInt16LE(Math.round(16_000 * Math.sin((2 * Math.PI * 440 * n) / rate)), i * 2);
    }
    i += off; // silence: zeros
  }
  const header = Buffer.alloc(44);
  header.write("RIFF", 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write("WAVE", 8);
  header.write("fmt ", 12);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write("data", 36);
  header.writeUInt32LE(data.length, 40);
  fs.writeFileSync(file, Buffer.concat([header, data]));
  return file;
}

/** Diagnosis: the page's outbound video per encoding (rid: frames encoded / packets sent / limitation / width). */
export async function outboundVideoDetail(page: Page): Promise<string> {
  return page.evaluate(`(async () => {
    const out = [];
    for (const pc of (window.__pcs || [])) {
      if (pc.connectionState === "closed") continue;
      let r; try { r = await pc.getStats(); } catch (e) { continue; }
      r.forEach((s) => {
        if (s.type !== "outbound-rtp" || s.kind !== "video") return;
        out.push((s.mid || "?") + "/" + (s.rid || "-") + ":" + (s.framesEncoded || 0) + "f/" + (s.packetsSent || 0) + "p/" +
          (s.qualityLimitationReason || "") + "/" + (s.frameWidth || 0) + "w/active=" + s.active);
      });
      for (const t of pc.getTransceivers()) {
        if (!t.sender.track || t.sender.track.kind !== "video") continue;
        const enc = (t.sender.getParameters().encodings || []).map((e) => (e.rid || "-") + (e.active ? "+" : "-")).join(",");
        out.push("sender " + t.mid + " " + t.sender.track.label + " " + t.sender.track.readyState + " enabled=" + t.sender.track.enabled + " enc=" + enc);
      }
    }
    return out.join(" | ");
  })()`) as Promise<string>;
}
