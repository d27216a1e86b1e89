/**
 * Phones in e2e tests: the emulated device (touch.ts's), and the screen wake lock as the page
 * gets it. WAKE_LOCK_RECORDER_SCRIPT keeps every WakeLockSentinel the page's requests resolve with, in
 * `window.__wakeSentinels`: the very sentinels Chromium hands out (the request is the browser's own, passed
 * through), so their `released` is Chromium's word, not the app's.
 *
 * Headless Chromium refuses the lock by default ("NotAllowedError: Wake Lock permission request denied",
 * Chromium 156); the context's `grantPermissions(["screen-wake-lock"])` allows it.
 */
import type { Page } from "playwright-core";
import { isGrave, runAxe } from "./a11y.js";

export { PHONE } from "./touch.js";

export const WAKE_LOCK_RECORDER_SCRIPT = `(() => {
  const lock = navigator.wakeLock;
  if (!lock || window.__wakeSentinels) return;
  window.__wakeSentinels = [];
  const request = lock.request.bind(lock);
  lock.request = async (type) => {
    const sentinel = await request(type);
    window.__wakeSentinels.push(sentinel);
    return sentinel;
  };
})()`;

export interface WakeLockSeen {
  /** Sentinels the page was given so far. */
  given: number;
  /** Of those, not released. */
  held: number;
  /** The app's own account: <html data-wake-lock>. */
  status: string | null;
}

export async function wakeLockSeen(page: Page): Promise<WakeLockSeen> {
  return page.evaluate(`(() => {
    const all = window.__wakeSentinels || [];
    return { given: all.length, held: all.filter((s) => !s.released).length,
      status: document.documentElement.getAttribute("data-wake-lock") };
  })()`) as Promise<WakeLockSeen>;
}

/** Waits until the page's wake lock looks like `want` (fields given only), in the page. */
export async function waitForWakeLock(
  page: Page,
  want: Partial<WakeLockSeen>,
  timeoutMs = 10_000,
): Promise<WakeLockSeen> {
  try {
    await page.waitForFunction(
      (w) => {
        const all = ((window as unknown as { __wakeSentinels?: { released: boolean }[] }).__wakeSentinels ??
          []) as { released: boolean }[];
        const seen = {
          given: all.length,
          held: all.filter((s) => !s.released).length,
          status: document.documentElement.getAttribute("data-wake-lock"),
        };
        return (Object.keys(w) as (keyof typeof seen)[]).every((k) => seen[k] === w[k]);
      },
      want,
      { timeout: timeoutMs, polling: 50 },
    );
  } catch (error) {
    throw new Error(
      `wake lock never ${JSON.stringify(want)}; last seen ${JSON.stringify(await wakeLockSeen(page))}: ${(error as Error).message.split("\n")[0]}`,
    );
  }
  return wakeLockSeen(page);
}

/**
 * axe's serious or critical findings on the page's elements whose markup carries `marker` (a test id or a
 * class of the new controls): they are held to what the accessibility test holds the rest of the app to,
 * without this file judging the whole page at a phone's size. Also gives how many grave findings the whole
 * page has, for the record.
 */
export async function graveFindingsOn(page: Page, marker: string): Promise<{ ours: string[]; page: number }> {
  if (!(await page.evaluate((m) => document.body.innerHTML.includes(m), marker)))
    throw new Error(`nothing on the page carries "${marker}": nothing to check`);
  const grave = (await runAxe(page)).violations.filter(isGrave);
  const ours = grave.flatMap((v) =>
    v.nodes.filter((n) => n.html.includes(marker)).map((n) => `${v.id}: ${n.target} — ${n.summary}`),
  );
  return { ours, page: grave.reduce((sum, v) => sum + v.nodes.length, 0) };
}
