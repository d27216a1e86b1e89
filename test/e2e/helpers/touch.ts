/**
 * Phones and tablets in Chromium's device emulation, and fingers: swipes and long presses sent as real touch
 * events through the DevTools protocol (Playwright's `tap()` covers the plain tap), so the page gets the same
 * touch → pointer events a phone gives it.
 */
import path from "node:path";
import type { Locator, Page } from "playwright-core";
import { resultsDir } from "../../helpers/paths.js";
import { sleep } from "../../helpers/wait.js";

export interface Device {
  viewport: { width: number; height: number };
  deviceScaleFactor: number;
  isMobile: boolean;
  hasTouch: boolean;
  userAgent: string;
}

/** An Android phone (a Pixel 7's CSS size and density). */
export const PHONE: Device = {
  viewport: { width: 412, height: 915 },
  deviceScaleFactor: 2.625,
  isMobile: true,
  hasTouch: true,
  userAgent:
    "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36",
};

/** A small Android tablet (a Nexus 7's CSS size and density); a tablet's user agent has no "Mobile". */
export const TABLET: Device = {
  viewport: { width: 600, height: 960 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
  userAgent:
    "Mozilla/5.0 (Linux; Android 14; Nexus 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36",
};

interface Point {
  x: number;
  y: number;
}

/** A finger from `from` to `to` in `steps` moves, ~16 ms apart (a 60 Hz touch screen). */
export async function swipe(page: Page, from: Point, to: Point, steps = 10): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send("Input.dispatchTouchEvent", { type: "touchStart", touchPoints: [from] });
    for (let i = 1; i <= steps; i++) {
      const x = from.x + ((to.x - from.x) * i) / steps;
      const y = from.y + ((to.y - from.y) * i) / steps;
      await cdp.send("Input.dispatchTouchEvent", { type: "touchMove", touchPoints: [{ x, y }] });
      await sleep(16);
    }
    await cdp.send("Input.dispatchTouchEvent", { type: "touchEnd", touchPoints: [] });
  } finally {
    await cdp.detach().catch(() => {});
  }
}

/** A finger held still on the middle of `target` for `ms`, then lifted. */
export async function longPress(page: Page, target: Locator, ms = 800): Promise<void> {
  const box = await target.boundingBox();
  if (!box) throw new Error("long press: the target has no box");
  const at = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send("Input.dispatchTouchEvent", { type: "touchStart", touchPoints: [at] });
    await sleep(ms);
    await cdp.send("Input.dispatchTouchEvent", { type: "touchEnd", touchPoints: [] });
  } finally {
    await cdp.detach().catch(() => {});
  }
}

/** The smallest comfortable touch target (WCAG 2.5.5, Apple's and Google's guidelines: 44-48 px). */
export const TOUCH_PX = 44;

/**
 * The page held upright, then turned: a screenshot of each under test-results/e2e/<dir>/, and what is wrong
 * with it (a control off screen or smaller than a finger, a sideways scroll). Leaves the page upright.
 */
export async function screensOf(page: Page, device: Device, dir: string): Promise<string[]> {
  const problems: string[] = [];
  const { width, height } = device.viewport;
  const out = resultsDir("e2e", dir);
  for (const [name, size] of [
    ["portrait", { width, height }],
    ["landscape", { width: height, height: width }],
  ] as const) {
    await page.setViewportSize(size);
    // Two frames: the resize is laid out and painted.
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    await page.screenshot({ path: path.join(out, `${name}.png`) });
    const found = await page.evaluate((min) => {
      const bad: string[] = [];
      if (document.documentElement.scrollWidth > innerWidth) bad.push("the page scrolls sideways");
      for (const b of Array.from(
        document.querySelectorAll<HTMLElement>(".toolbar button, [data-testid=more-menu]"),
      )) {
        const r = b.getBoundingClientRect();
        if (r.width === 0 && r.height === 0) continue;
        const id = b.dataset.testid ?? b.getAttribute("aria-label") ?? b.className;
        if (r.left < 0 || r.top < 0 || r.right > innerWidth || r.bottom > innerHeight)
          bad.push(`${id} off screen`);
        if (r.width < min || r.height < min)
          bad.push(`${id} is ${Math.round(r.width)}×${Math.round(r.height)}`);
      }
      const tiles = document.querySelector(".tile-area")?.getBoundingClientRect();
      if (!tiles || tiles.height < innerHeight * 0.4)
        bad.push(`the tiles get ${Math.round(tiles?.height ?? 0)} px high`);
      return bad;
    }, TOUCH_PX);
    problems.push(...found.map((p) => `${name}: ${p}`));
  }
  await page.setViewportSize(device.viewport);
  return problems;
}
