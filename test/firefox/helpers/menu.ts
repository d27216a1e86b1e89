/**
 * For the Firefox ⋯ menu and language test: opening the menu, reading controls' accessible names, a select's
 * options, the browser's own devices, and what the page's connections send and receive per kind. Page-side
 * code is a string (see e2e/helpers/rtc.ts for why).
 */
import type { Page } from "puppeteer-core";
import { mv } from "../../e2e/helpers/media-views.js";
import type { StatsPage } from "../../e2e/helpers/rtc.js";
import { inPage } from "./firefox.js";

const js = JSON.stringify;

/** Opens the ⋯ menu (if it is not open) and waits for its panel. */
export async function openMoreMenuInFirefox(page: Page): Promise<void> {
  if (!(await inPage<boolean>(page, `!!document.querySelector(${js(mv.moreMenuPanel)})`)))
    await page.click(mv.moreMenu);
  await page.waitForSelector(mv.moreMenuPanel, { visible: true, timeout: 10_000 });
}

/**
 * testid → accessible name of each element found (aria-label; else the text of its aria-labelledby
 * elements; else title; else its text), trimmed.
 */
export function namesOf(page: Page, testIds: string[]): Promise<Record<string, string>> {
  return inPage(
    page,
    `((ids) => {
      const out = {};
      for (const id of ids) {
        const el = document.querySelector('[data-testid="' + id + '"]');
        if (!el) continue;
        const by = (el.getAttribute("aria-labelledby") || "").split(" ").filter(Boolean)
          .map((x) => (document.getElementById(x) || {}).textContent || "").join(" ");
        out[id] = (el.getAttribute("aria-label") || by || el.getAttribute("title") || el.textContent || "").trim();
      }
      return out;
    })(${js(testIds)})`,
  );
}

export interface SelectState {
  value: string;
  options: { value: string; label: string }[];
}

/** The options of the first `select` matching `selector`, and its value (null: no such select). */
export function selectState(page: Page, selector: string): Promise<SelectState | null> {
  return inPage(
    page,
    `(() => {
      const s = document.querySelector(${js(selector)});
      return s ? { value: s.value, options: Array.from(s.options).map((o) => ({ value: o.value, label: (o.textContent || "").trim() })) } : null;
    })()`,
  );
}

export interface Device {
  id: string;
  label: string;
}

/** The browser's cameras and microphones (enumerateDevices), and the devices of the tracks the page sends. */
export function devicesInFirefox(
  page: Page,
): Promise<{ cameras: Device[]; microphones: Device[]; sending: Record<string, string> }> {
  return inPage(
    page,
    `(async () => {
      const all = await navigator.mediaDevices.enumerateDevices();
      const pick = (kind) => all.filter((d) => d.kind === kind).map((d) => ({ id: d.deviceId, label: d.label }));
      const sending = {};
      for (const pc of (window.__pcs || [])) {
        if (pc.connectionState === "closed") continue;
        for (const s of pc.getSenders()) if (s.track) sending[s.track.kind] = s.track.getSettings().deviceId || "";
      }
      return { cameras: pick("videoinput"), microphones: pick("audioinput"), sending };
    })()`,
  );
}

export interface Totals {
  inVideoBytes: number;
  inVideoFrames: number;
  inAudioPackets: number;
  outVideoPackets: number;
  outAudioPackets: number;
}

/** Sums over the open connections' inbound-rtp and outbound-rtp statistics, per kind. */
export function totals(page: StatsPage): Promise<Totals> {
  return page.evaluate(`(async () => {
    const t = { inVideoBytes: 0, inVideoFrames: 0, inAudioPackets: 0, outVideoPackets: 0, outAudioPackets: 0 };
    for (const pc of (window.__pcs || [])) {
      if (pc.connectionState === "closed") continue;
      let r; try { r = await pc.getStats(); } catch (e) { continue; }
      r.forEach((s) => {
        if (s.type === "inbound-rtp" && s.kind === "video") { t.inVideoBytes += s.bytesReceived || 0; t.inVideoFrames += s.framesDecoded || 0; }
        if (s.type === "inbound-rtp" && s.kind === "audio") t.inAudioPackets += s.packetsReceived || 0;
        if (s.type === "outbound-rtp" && s.kind === "video") t.outVideoPackets += s.packetsSent || 0;
        if (s.type === "outbound-rtp" && s.kind === "audio") t.outAudioPackets += s.packetsSent || 0;
      });
    }
    return t;
  })()`) as Promise<Totals>;
}

/** How much each of `totals` grew over `ms` (a fixed measuring window). */
export async function totalsGrowth(page: StatsPage, ms: number): Promise<Totals> {
  const a = await totals(page);
  await new Promise((r) => setTimeout(r, ms));
  const b = await totals(page);
  const keys = Object.keys(a) as (keyof Totals)[];
  return Object.fromEntries(keys.map((k) => [k, b[k] - a[k]])) as unknown as Totals;
}
