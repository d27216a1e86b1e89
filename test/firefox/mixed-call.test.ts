/**
 * Firefox and Chromium in one meeting, through the real UI, in French (the seed's users were told Firefox "may
 * cause problems"): Debian's Firefox ESR (puppeteer-core over WebDriver BiDi) and headless Chromium join,
 * see and hear each other (getStats on both sides), each sees the other's microphone go off and on, a late
 * Chromium joiner gets both, Firefox's simulcast layers follow the tile size on a Chromium page and the other
 * way round, and Firefox hangs up. The tests run in order and share one meeting.
 */
import type { Page as ChromiumPage } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Participant } from "../e2e/helpers/browser.js";
import { atAdaptedTop, atLowest, atTop, type Received, timeUntil } from "../e2e/helpers/received.js";
import {
  flowing,
  type Growth,
  type StatsPage,
  sampleGrowth,
  sampleUntilSteady,
  selectedCandidatePairs,
} from "../e2e/helpers/rtc.js";
import { joinViaUi, sel, tileOf, waitForMediaFrom, waitForRemoteSet } from "../e2e/helpers/ui.js";
import { describeServerLog } from "../helpers/log-health.js";
import { VETH_ADDRESS } from "../helpers/veth.js";
import { waitFor } from "../helpers/wait.js";
import { Cast } from "./helpers/cast.js";
import { type FirefoxParticipant, inPage, joinInFirefox } from "./helpers/firefox.js";

let cast: Cast;
let fiona: FirefoxParticipant;
let fionaId: string;
let chloe: Participant;
let chloeId: string;
const room = `firefox-mixed-${Date.now().toString(36)}`;

/** The few UI actions the layer tests take, in either browser. */
interface Ui {
  click(selector: string): Promise<void>;
  attribute(selector: string, name: string): Promise<string | null>;
}
const uiOf = (page: ChromiumPage): Ui => ({
  click: (selector) => page.locator(selector).first().click(),
  attribute: (selector, name) => page.locator(selector).first().getAttribute(name),
});
const firefoxUi = (page: FirefoxParticipant["page"]): Ui => ({
  click: (selector) => page.click(selector),
  attribute: (selector, name) =>
    inPage<string | null>(
      page,
      `(() => { const el = document.querySelector(${JSON.stringify(selector)}); return el ? el.getAttribute(${JSON.stringify(name)}) : null; })()`,
    ),
});

async function setLayout(ui: Ui, want: "tile" | "speaker"): Promise<void> {
  if ((await ui.attribute(sel.conference, "data-layout")) !== want)
    await ui.click("button[data-testid=toggle-layout]");
  await waitFor(async () => (await ui.attribute(sel.conference, "data-layout")) === want, {
    timeoutMs: 5000,
    what: `${want} view`,
  });
}

/**
 * The remote camera `from` on stage: the receiver gets its top layer (`isTop`: 1280 wide, unless its sender
 * adapts it); the receiver's own tile pinned, `from` goes to the strip: its lowest; unpinned again after.
 * Returns the ms each took.
 */
async function layersFollowTheTile(
  ui: Ui,
  page: StatsPage,
  selfId: string,
  from: string,
  isTop: (r: Received) => boolean = atTop,
) {
  let last: Received | undefined;
  const seen = (r: Received) => {
    last = r;
  };
  const top = await timeUntil(page, from, isTop, 30_000, seen);
  expect(top, `ms until the top layer on stage (last seen ${JSON.stringify(last)})`).not.toBeNull();
  const pin = `${tileOf(selfId)}[data-local=true] [data-testid=pin]`;
  await ui.click(pin);
  const low = await timeUntil(page, from, atLowest, 30_000, seen);
  expect(low, `ms until the lowest layer in the strip (last seen ${JSON.stringify(last)})`).not.toBeNull();
  await ui.click(pin);
  return { top, low };
}

/** Whether `selector` is in the Firefox page's document. */
const inFirefox = (selector: string) =>
  inPage<boolean>(fiona.page, `!!document.querySelector(${JSON.stringify(selector)})`);

beforeAll(async () => {
  cast = await Cast.start("firefox-mixed", { language: "fr-FR, fr" });
});

afterAll(async () => {
  await cast?.close();
});

describe.sequential("Firefox and Chromium in one meeting", () => {
  it("join through the French UI; each decodes the other's video and hears its audio, through Janus on pal0", async () => {
    cast.evidenceOnFailure("join");
    fiona = await cast.firefox("fiona");
    chloe = await cast.chromium("chloe", { locale: "fr-FR" });
    fionaId = await joinInFirefox(fiona.page, cast.server.origin, room, "Fiona");
    chloeId = await joinViaUi(chloe.page, cast.server.origin, room, "Chloé");
    expect(await inPage<string>(fiona.page, "document.documentElement.lang")).toBe("fr");
    expect(await chloe.page.evaluate("document.documentElement.lang")).toBe("fr");

    await waitForRemoteSet(fiona.page, [chloeId], 30_000);
    await waitForRemoteSet(chloe.page, [fionaId], 30_000);
    await waitForMediaFrom(fiona.page, [chloeId], 40_000);
    await waitForMediaFrom(chloe.page, [fionaId], 40_000);
    // Steady flow both ways, not the first seconds after the media started (sampleUntilSteady).
    const [inFiona, inChloe] = (await sampleUntilSteady(
      [fiona.page, chloe.page],
      ([x, y]) => flowing(x?.get(chloeId)) && flowing(y?.get(fionaId)),
    )) as [Map<string, Growth>, Map<string, Growth>];
    const fromChloe = inFiona.get(chloeId);
    const fromFiona = inChloe.get(fionaId);
    console.log(
      `[firefox] in 3 s: Firefox decoded ${fromChloe?.videoFramesDelta} frames and ${fromChloe?.audioPacketsDelta} audio packets of Chromium; Chromium ${fromFiona?.videoFramesDelta} and ${fromFiona?.audioPacketsDelta} of Firefox`,
    );
    expect(fromChloe?.videoFramesDelta, "Firefox decodes Chromium's video").toBeGreaterThan(15);
    expect(fromChloe?.audioPacketsDelta, "Firefox receives Chromium's audio").toBeGreaterThan(30);
    expect(fromFiona?.videoFramesDelta, "Chromium decodes Firefox's video").toBeGreaterThan(15);
    expect(fromFiona?.audioPacketsDelta, "Chromium receives Firefox's audio").toBeGreaterThan(30);
    // Media goes to Janus on pal0's address, from both browsers.
    const janus = VETH_ADDRESS.replace(/\/32$/, "");
    for (const [who, page] of [
      ["Firefox", fiona.page],
      ["Chromium", chloe.page],
    ] as const) {
      const pairs = await selectedCandidatePairs(page);
      expect(pairs.length, `${who}: connected peer connections`).toBeGreaterThanOrEqual(2);
      for (const pair of pairs) expect(pair.remote, `${who}: Janus's side of the ICE pair`).toBe(janus);
    }
  });

  it("each sees the other's microphone go off and on", async () => {
    cast.evidenceOnFailure("mute");
    await fiona.page.click(sel.toggleMic);
    await chloe.page
      .locator(`${tileOf(fionaId)} ${sel.micMuted}`)
      .waitFor({ state: "visible", timeout: 10_000 });
    await fiona.page.click(sel.toggleMic);
    await chloe.page
      .locator(`${tileOf(fionaId)} ${sel.micMuted}`)
      .waitFor({ state: "detached", timeout: 10_000 });

    const chloeMuted = `${tileOf(chloeId)} ${sel.micMuted}`;
    await chloe.page.locator(sel.toggleMic).click();
    await waitFor(() => inFirefox(chloeMuted), { timeoutMs: 10_000, what: "Chloé muted on Firefox's page" });
    await chloe.page.locator(sel.toggleMic).click();
    await waitFor(async () => !(await inFirefox(chloeMuted)), {
      timeoutMs: 10_000,
      what: "Chloé unmuted on Firefox's page",
    });
    // Sound flows again both ways.
    const [inFiona, inChloe] = await Promise.all([
      sampleGrowth(fiona.page, 2000),
      sampleGrowth(chloe.page, 2000),
    ]);
    expect(inFiona.get(chloeId)?.audioPacketsDelta).toBeGreaterThan(20);
    expect(inChloe.get(fionaId)?.audioPacketsDelta).toBeGreaterThan(20);
  });

  it("a late Chromium joiner sees and hears both, and both see it", async () => {
    cast.evidenceOnFailure("late");
    const leo = await cast.chromium("leo", { locale: "fr-FR" });
    const leoId = await joinViaUi(leo.page, cast.server.origin, room, "Léo");
    await waitForMediaFrom(leo.page, [fionaId, chloeId], 40_000);
    await waitForMediaFrom(fiona.page, [chloeId, leoId], 40_000);
    await waitForMediaFrom(chloe.page, [fionaId, leoId], 40_000);
    const inLeo = await sampleGrowth(leo.page, 2000);
    expect(inLeo.get(fionaId)?.videoFramesDelta, "Léo decodes Firefox's video").toBeGreaterThan(10);
    expect(inLeo.get(fionaId)?.audioPacketsDelta, "Léo receives Firefox's audio").toBeGreaterThan(20);
    await leo.page.locator(sel.hangup).click();
    await leo.page.locator(sel.leftScreen).waitFor({ state: "visible", timeout: 10_000 });
    await waitForRemoteSet(fiona.page, [chloeId], 10_000);
  });

  it("Firefox's simulcast: on a Chromium page, on stage it gets Firefox's top layer, in the strip its lowest", async () => {
    cast.evidenceOnFailure("simulcast-from-firefox");
    const page = chloe.page;
    await page.setViewportSize({ width: 1280, height: 760 }); // a stage over 800 px wide calls for the top layer
    await setLayout(uiOf(page), "speaker");
    // Firefox lowers its own top layer's resolution when its CPU is short: what is checked is the layer.
    const { top, low } = await layersFollowTheTile(uiOf(page), page, chloeId, fionaId, atAdaptedTop);
    console.log(`[firefox] Firefox's layers on a Chromium page: top after ${top} ms, lowest after ${low} ms`);
    await setLayout(uiOf(page), "tile");
    await page.setViewportSize({ width: 1024, height: 700 });
  });

  it("Chromium's simulcast on a Firefox page: on stage the top layer, in the strip the lowest", async () => {
    cast.evidenceOnFailure("simulcast-to-firefox");
    const page = fiona.page;
    await page.setViewport({ width: 1280, height: 760 });
    await setLayout(firefoxUi(page), "speaker");
    const { top, low } = await layersFollowTheTile(firefoxUi(page), page, fionaId, chloeId);
    console.log(`[firefox] Chromium's layers on a Firefox page: top after ${top} ms, lowest after ${low} ms`);
    await setLayout(firefoxUi(page), "tile");
    await page.setViewport({ width: 1024, height: 700 });
  });

  it("Firefox hangs up: its page says so, and its tile leaves the Chromium page within 2 s", async () => {
    cast.evidenceOnFailure("hangup");
    const t0 = Date.now();
    await fiona.page.click(sel.hangup);
    await fiona.page.waitForSelector(sel.leftScreen, { visible: true, timeout: 10_000 });
    await chloe.page.locator(tileOf(fionaId)).waitFor({ state: "detached", timeout: 10_000 });
    expect(Date.now() - t0, "ms until Chromium removed Firefox's tile").toBeLessThan(2000);
  });
});

describe("the pages", () => {
  it("logged no uncaught error", () => {
    const errors = [
      ...fiona.console.filter((l) => l.startsWith("[pageerror]")).map((l) => `fiona ${l}`),
      ...cast.chromiumPages.flatMap((p) =>
        p.console.filter((l) => l.startsWith("[pageerror]")).map((l) => `${p.label} ${l}`),
      ),
    ];
    expect(errors).toEqual([]);
  });
});

describeServerLog(() => cast?.server);
