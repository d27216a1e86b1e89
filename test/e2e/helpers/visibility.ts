/**
 * A page's tab hidden or shown, as the page sees it. Headless Chromium keeps every page "visible": bringing
 * another tab of the same window to the front (Page.bringToFront, Target.activateTarget) or minimising the
 * window (Browser.setWindowBounds) leaves document.visibilityState "visible" and fires no visibilitychange
 * (tried with Chromium 156, with and without Playwright's --disable-renderer-backgrounding and
 * --disable-backgrounding-occluded-windows). So the page is told what a browser tells a tab sent to the
 * background: document.visibilityState and document.hidden change, then a visibilitychange event is fired on
 * the document. The app reads exactly these (features/adaptation listens to visibilitychange and reads
 * visibilityState); everything else about the page (rendering, timers, media) goes on as in a real hidden tab
 * that Chromium does not throttle.
 */
import type { Page } from "playwright-core";

/** Hides (`hidden` true) or shows the page's tab; returns the visibilityState the page then reads. */
export async function setTabHidden(page: Page, hidden: boolean): Promise<string> {
  return (await page.evaluate(`((hidden) => {
    const state = hidden ? "hidden" : "visible";
    Object.defineProperty(document, "visibilityState", { configurable: true, get: () => state });
    Object.defineProperty(document, "hidden", { configurable: true, get: () => hidden });
    document.dispatchEvent(new Event("visibilitychange"));
    return document.visibilityState;
  })(${hidden ? "true" : "false"})`)) as string;
}
