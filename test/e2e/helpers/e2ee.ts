/**
 * End-to-end encryption in the browser tests: an init script that keeps a handle on the page's E2EE worker (the
 * test's own instrumentation: the product exposes nothing), the worker's counts through it, the meeting's link
 * with a passphrase, and the safety code as the dialog shows it. Imports nothing from vitest.
 */
import type { Page } from "playwright-core";
import type { WorkerStats } from "../../../src/client/features/e2ee/e2ee-worker.js";
import type { StatsPage } from "./rtc.js";
import { sel } from "./ui.js";

/** Wraps Worker so that the E2EE worker the page makes is kept as window.__e2eeWorker. */
export const E2EE_WORKER_TAP = `(() => {
  const Original = window.Worker;
  window.Worker = class extends Original {
    constructor(url, options) {
      super(url, options);
      if (String(url).includes("e2ee-worker")) window.__e2eeWorker = this;
    }
  };
})()`;

/** What the worker counts (the product's own type: the tap asks the very worker the page runs). */
export type E2eeStats = WorkerStats;

/** Asks the tapped worker for its counts (a string: Firefox's pages take scripts, see rtc.ts). */
const STATS_SCRIPT = `new Promise((resolve) => {
  const w = window.__e2eeWorker;
  if (!w) return resolve(null);
  const on = (ev) => {
    if (!ev.data || ev.data.type !== "stats") return;
    w.removeEventListener("message", on);
    resolve(ev.data.stats);
  };
  w.addEventListener("message", on);
  w.postMessage({ type: "stats" });
})`;

/** The page's worker counts (null: the page made no E2EE worker), in Chromium or Firefox. */
export async function e2eeStats(page: StatsPage): Promise<E2eeStats | null> {
  return (await page.evaluate(STATS_SCRIPT)) as E2eeStats | null;
}

/** The meeting's link with `passphrase` in its fragment. */
export const linkWithKey = (origin: string, room: string, passphrase: string) =>
  `${origin}/${encodeURIComponent(room)}#e2ee=${encodeURIComponent(passphrase)}`;

/** Opens the meeting's link with `passphrase` in its fragment, up to the name field. */
export async function openWithKey(
  page: Page,
  origin: string,
  room: string,
  passphrase: string,
): Promise<void> {
  await page.goto(linkWithKey(origin, room, passphrase), { waitUntil: "load" });
  await page.locator(sel.displayName).waitFor({ state: "visible", timeout: 20_000 });
}

/** Waits for the E2EE badge to show `status` (on, starting, needs-passphrase). */
export async function waitForE2ee(page: Page, status: string, timeoutMs = 20_000): Promise<void> {
  await page
    .locator(`[data-testid=e2ee-badge][data-status=${status}]`)
    .waitFor({ state: "visible", timeout: timeoutMs });
}

/** Opens the badge's dialog, reads the safety code once it is there, closes the dialog. */
export async function safetyCode(page: Page): Promise<string> {
  await page.locator("[data-testid=e2ee-badge]").click();
  const code = page.locator("[data-testid=e2ee-safety-code]");
  await code.waitFor({ state: "visible", timeout: 5000 });
  const text = (await code.textContent())?.trim() ?? "";
  await page.locator("[data-testid=e2ee-dialog] [data-testid=dialog-close]").click();
  return text;
}
