/** Headless Chromium with fake media devices, one BrowserContext per participant. */
import fs from "node:fs";
import path from "node:path";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { checkServerFrame } from "../../helpers/contract.js";
import { resultsDir } from "../../helpers/paths.js";
import { RTC_RECORDER_SCRIPT } from "./rtc.js";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--use-fake-device-for-media-stream",
  "--use-fake-ui-for-media-stream",
  "--allow-loopback-in-peer-connection",
  "--autoplay-policy=no-user-gesture-required",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-gpu",
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    timeout: 60_000,
  });
}

export interface Participant {
  label: string;
  context: BrowserContext;
  page: Page;
  /** Every HTTP(S)/data/blob request URL any page of this context made. */
  requests: string[];
  /** WebSocket URLs opened by the page. */
  websockets: string[];
  /** Headers of every top-level document response. */
  documents: { url: string; status: number; headers: Record<string, string> }[];
  /** console.error / console.warning lines and uncaught page errors, for diagnosis. */
  console: string[];
  close(): Promise<void>;
}

export interface ParticipantOptions {
  locale?: string;
  /** A device to emulate (a phone: viewport, touch, mobile user agent); a 1024×700 desktop window otherwise. */
  device?: {
    viewport: { width: number; height: number };
    deviceScaleFactor?: number;
    isMobile?: boolean;
    hasTouch?: boolean;
    userAgent?: string;
  };
}

/** A fresh context + page with the RTCPeerConnection recorder installed and request logging on. */
export async function newParticipant(
  browser: Browser,
  label: string,
  { locale = "en-US", device }: ParticipantOptions = {},
): Promise<Participant> {
  const context = await browser.newContext({
    locale,
    viewport: { width: 1024, height: 700 },
    ...device,
    permissions: ["camera", "microphone"],
  });
  await context.addInitScript(RTC_RECORDER_SCRIPT);
  const requests: string[] = [];
  const websockets: string[] = [];
  const documents: Participant["documents"] = [];
  const consoleLines: string[] = [];
  context.on("request", (req) => {
    requests.push(req.url());
  });
  context.on("response", (res) => {
    if (res.request().resourceType() === "document") {
      documents.push({ url: res.url(), status: res.status(), headers: res.headers() });
    }
  });
  const page = await context.newPage();
  page.on("websocket", (ws) => {
    websockets.push(ws.url());
    // Every message the server sends a page is held to the contract (contract.ts; a violation fails the test).
    ws.on("framereceived", ({ payload }) => {
      checkServerFrame(`${label}'s page`, typeof payload === "string" ? payload : payload.toString("utf8"));
    });
  });
  page.on("console", (msg) => {
    // The client's own debug lines ("palabre: …", e.g. the downlink estimate) are evidence too, timed.
    if (msg.type() === "error" || msg.type() === "warning" || msg.text().startsWith("palabre:"))
      consoleLines.push(`${Math.round(performance.now())} [${msg.type()}] ${msg.text()}`);
  });
  page.on("pageerror", (err) => consoleLines.push(`[pageerror] ${err.message}`));
  return {
    label,
    context,
    page,
    requests,
    websockets,
    documents,
    console: consoleLines,
    close: async () => {
      await context.close().catch(() => {});
    },
  };
}

/** Saves a screenshot and the console lines of each participant under test-results/e2e/<tag>/. */
export async function saveEvidence(tag: string, participants: Participant[]): Promise<string> {
  const dir = resultsDir("e2e", tag.replace(/[^\w.-]+/g, "_").slice(0, 80));
  for (const p of participants) {
    if (p.page.isClosed()) continue;
    await p.page.screenshot({ path: path.join(dir, `${p.label}.png`), timeout: 5000 }).catch(() => {});
    fs.writeFileSync(path.join(dir, `${p.label}.console.txt`), `${p.console.join("\n")}\n`);
  }
  return dir;
}

/**
 * Turns "Save mobile data" on for `p`'s pages, as if chosen on an earlier visit (features/data-saver): each
 * page then sends and receives the lowest layer only. For tests about something other than picture quality
 * with several pages: five pages each encoding 720p simulcast saturate a 2-core machine, and everything in
 * them (joins, clicks, a recorder's drawing) then takes seconds.
 */
export async function savingData(p: Participant): Promise<void> {
  await p.context.addInitScript(
    `localStorage.setItem("palabre.dataSaver", JSON.stringify({ on: true, audioOnly: false }))`,
  );
}
