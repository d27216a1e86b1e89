/**
 * The "you are talking while muted" notice covers no tile's name, on a laptop (1280×720) and on a phone
 * (390×844): its box intersects no tile name's box (nor any toolbar button), and it is on screen whole.
 *
 * The notice is raised for real: Chromium's fake microphone plays synthesised speech (helpers/speech.ts) and
 * the page's microphone is muted. Seven tiles (two pages and five raw protocol clients) fill a 3×3 grid, so
 * that there is a tile in the bottom left corner (where the notice used to sit) and a row of names near the
 * top (where it sat on a phone).
 */
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { describeServerLog } from "../helpers/log-health.js";
import { resultsDir } from "../helpers/paths.js";
import { enter, type Peer } from "../helpers/room-clients.js";
import { type ServerHandle, startServer, tail } from "../helpers/server.js";
import { safeJson, waitFor } from "../helpers/wait.js";
import { boxesOf, intersects } from "./helpers/a11y.js";
import { newParticipant, type Participant, saveEvidence } from "./helpers/browser.js";
import { launchTalkingChromium } from "./helpers/speech.js";
import { joinViaUi, sel } from "./helpers/ui.js";

const NOTICE = "[data-testid=talking-while-muted]";
const OTHERS = [
  "Dominique Martin-Lefèvre",
  "Élodie Nguyen",
  "Camille Bernard",
  "Yannick Le Goff",
  "Inès Haddad",
];
const VIEWPORTS = [
  { label: "1280x720", width: 1280, height: 720 },
  { label: "390x844", width: 390, height: 844 },
] as const;

let server: ServerHandle;
let browser: Browser;
let page: Page;
const people: Participant[] = [];
const raw: Peer[] = [];
const room = `talking-notice-${Date.now().toString(36)}`;

function evidenceOnFailure(tag: string): void {
  onTestFailed(async () => {
    const dir = await saveEvidence(tag, people);
    console.error(`evidence in ${dir}\nserver log ${server.logFile} (tail):\n${tail(server.lines, 40)}`);
  });
}

beforeAll(async () => {
  server = await startServer({ name: "e2e-talking-notice" });
  browser = await launchTalkingChromium();
  const me = await newParticipant(browser, "talker", { locale: "fr-FR" });
  const other = await newParticipant(browser, "other", { locale: "fr-FR" });
  people.push(me, other);
  page = me.page;
  await page.setViewportSize({ width: 1280, height: 720 });
  await joinViaUi(page, server.origin, room, "Maëlle Organisatrice");
  await joinViaUi(other.page, server.origin, room, "Bastien Rousseau");
  for (const name of OTHERS) raw.push(await enter(server.wsUrl, room, name, { audio: false, video: false }));
  await waitFor(async () => (await page.locator(sel.tile).count()) === 7, {
    timeoutMs: 30_000,
    what: "seven tiles on the talker's page",
  });
});

afterAll(async () => {
  for (const peer of raw) peer.client.terminate();
  for (const p of people) await p.close();
  await browser?.close();
  if (server) await server.stop();
});

describe("the talking-while-muted notice", () => {
  it("covers no tile name at 1280×720 nor at 390×844", async () => {
    evidenceOnFailure("talking-notice");
    await page.locator(sel.toggleMic).click();
    await waitFor(async () => (await page.locator(sel.toggleMic).getAttribute("aria-pressed")) === "false", {
      timeoutMs: 20_000,
      what: "the microphone muted",
    });
    for (const v of VIEWPORTS) {
      await page.setViewportSize({ width: v.width, height: v.height });
      // The fake microphone keeps talking: the notice stays up (or comes up) at this size.
      await page.locator(NOTICE).waitFor({ state: "visible", timeout: 30_000 });
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      const file = path.join(resultsDir("talking-notice"), `talking-notice-${v.label}.png`);
      await page.screenshot({ path: file, timeout: 15_000 });
      console.log(`[talking-notice] screenshot: ${file}`);

      const [notice] = await boxesOf(page, NOTICE);
      if (!notice) throw new Error("no notice box");
      const names = await boxesOf(page, `${sel.tile} ${sel.tileName}`);
      const buttons = await boxesOf(page, "fieldset.toolbar button");
      console.log(`[talking-notice] ${v.label}: notice ${safeJson(notice.box)}, names ${safeJson(names)}`);
      // A phone's page holds fewer tiles (the rest are on the next page): every tile shown is checked.
      expect(names, `${v.label}: a name per tile shown`).toHaveLength(await page.locator(sel.tile).count());
      expect(names.length, `${v.label}: tiles shown`).toBeGreaterThanOrEqual(4);
      expect(notice.visible).toBe(true);
      // On screen whole: not pushed out of the window.
      expect(notice.box.x).toBeGreaterThanOrEqual(0);
      expect(notice.box.y).toBeGreaterThanOrEqual(0);
      expect(notice.box.x + notice.box.width).toBeLessThanOrEqual(v.width);
      expect(notice.box.y + notice.box.height).toBeLessThanOrEqual(v.height);
      const covered = names.filter((n) => n.visible && intersects(n.box, notice.box)).map((n) => n.label);
      expect(covered, `${v.label}: tile names under the notice`).toEqual([]);
      const hidden = buttons.filter((b) => b.visible && intersects(b.box, notice.box)).map((b) => b.label);
      expect(hidden, `${v.label}: toolbar buttons under the notice`).toEqual([]);
    }
  });
});

// Last: judges every line the server printed during the file's tests.
describeServerLog(() => server);
