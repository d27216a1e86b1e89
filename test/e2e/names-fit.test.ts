/**
 * Whole names in the moderator's lists, on a laptop (1280×720) and on a phone (390×844), in French (the
 * longer labels): the raised-hands list and the lobby list of the participants pane show every name in full,
 * wrapped rather than clipped. Each name element holds its text (scrollWidth ≤ clientWidth, nothing cut at
 * the bottom either), lies inside its list, and its text is the whole name; a realistic name takes one line,
 * and even a 64-character name (the longest the server accepts) at most two.
 *
 * The moderator is a Chromium page; the others are raw protocol clients (they raise hands, or knock while the
 * lobby is on), which makes no difference to what the moderator's page draws. Pictures of the hands list at
 * both sizes go to test-results/names-fit/.
 */
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { describeServerLog } from "../helpers/log-health.js";
import { resultsDir } from "../helpers/paths.js";
import { enter, idOf, type Peer, waitInLobby } from "../helpers/room-clients.js";
import { type ServerHandle, startServer, tail } from "../helpers/server.js";
import { safeJson, waitFor } from "../helpers/wait.js";
import { measureNames, type NameFit } from "./helpers/a11y.js";
import { launchChromium, newParticipant, type Participant, saveEvidence } from "./helpers/browser.js";
import { msel, openParticipants, setLobby } from "./helpers/moderation-ui.js";
import { social } from "./helpers/social.js";
import { joinViaUi } from "./helpers/ui.js";

const LONGEST = "Marie-Charlotte Anne-Sophie de La Tour d'Auvergne-Lauraguais Roy";
/** People who raise a hand, in the order they do. */
const HANDS = ["Dominique Martin-Lefèvre", "Élodie Nguyen", "Jean-Baptiste Delacroix-Beaumont", LONGEST];
/** People who knock while the lobby is on, in that order. */
const WAITING = ["Dominique Martin-Lefèvre", "Élodie Nguyen", "Anne-Laure Fontaine-Rousseau", LONGEST];
const MODERATOR = "Maëlle Organisatrice";
const LOBBY_SECTION = "[data-testid=lobby-section]";

const VIEWPORTS = [
  { label: "1280x720", width: 1280, height: 720 },
  { label: "390x844", width: 390, height: 844 },
] as const;

let server: ServerHandle;
let browser: Browser;
let moderator: Participant;
let page: Page;
const people: Participant[] = [];
const raw: Peer[] = [];
const room = `names-fit-${Date.now().toString(36)}`;
const shots: string[] = [];

function evidenceOnFailure(tag: string): void {
  onTestFailed(async () => {
    const dir = await saveEvidence(tag, people);
    console.error(`evidence in ${dir}\nserver log ${server.logFile} (tail):\n${tail(server.lines, 40)}`);
  });
}

beforeAll(async () => {
  expect(LONGEST).toHaveLength(64);
  server = await startServer({ name: "e2e-names-fit" });
  browser = await launchChromium();
  moderator = await newParticipant(browser, "moderator", { locale: "fr-FR" });
  people.push(moderator);
  page = moderator.page;
  await page.setViewportSize({ width: 1280, height: 720 });
  await joinViaUi(page, server.origin, room, MODERATOR);
});

afterAll(async () => {
  if (shots.length > 0) console.log(`[names-fit] screenshots:\n${shots.join("\n")}`);
  for (const peer of raw) peer.client.terminate();
  for (const p of people) await p.close();
  await browser?.close();
  if (server) await server.stop();
});

/** Checks every measured name against the names expected, in order; `what` names the list and the size. */
function expectWholeNames(fits: NameFit[], names: readonly string[], what: string): void {
  console.log(`[names-fit] ${what}: ${safeJson(fits)}`);
  expect(
    fits.map((f) => f.text.trim()),
    `${what}: the names shown`,
  ).toEqual([...names]);
  for (const [i, fit] of fits.entries()) {
    const name = names[i] ?? "?";
    expect(fit.clientWidth, `${what}: "${name}" has a box`).toBeGreaterThan(0);
    expect(fit.scrollWidth, `${what}: "${name}" is not cut sideways`).toBeLessThanOrEqual(fit.clientWidth);
    expect(fit.scrollHeight, `${what}: "${name}" is not cut at the bottom`).toBeLessThanOrEqual(
      fit.clientHeight,
    );
    expect(fit.insideContainer, `${what}: "${name}" lies inside its list`).toBe(true);
    const maxLines = name === LONGEST ? 2 : 1;
    expect(fit.lines, `${what}: "${name}" takes at most ${maxLines} line(s)`).toBeLessThanOrEqual(maxLines);
  }
}

async function shoot(selector: string, name: string): Promise<void> {
  const file = path.join(resultsDir("names-fit"), `${name}.png`);
  await page.locator(selector).screenshot({ path: file, timeout: 15_000 });
  shots.push(file);
  await page.screenshot({ path: path.join(resultsDir("names-fit"), `${name}-page.png`), timeout: 15_000 });
  shots.push(path.join(resultsDir("names-fit"), `${name}-page.png`));
}

describe.sequential("whole names in the moderator's lists", () => {
  it("the raised-hands list shows every whole name, on a laptop and on a phone", async () => {
    evidenceOnFailure("names-fit-hands");
    for (const name of HANDS) {
      const peer = await enter(server.wsUrl, room, name, { audio: false, video: false });
      raw.push(peer);
      await peer.client.request({ type: "hand.raise" });
    }
    const ids = raw.map(idOf);
    const entries = page.locator(`${social.handsList} ${social.handEntry}`);
    await waitFor(
      async () =>
        safeJson(
          await entries.evaluateAll((els) => els.map((e) => e.getAttribute("data-participant-id"))),
        ) === safeJson(ids),
      { timeoutMs: 30_000, what: "the four hands in the moderator's list, in order" },
    );
    for (const v of VIEWPORTS) {
      await page.setViewportSize({ width: v.width, height: v.height });
      // Layout follows the resize in the next frame; two frames leave no doubt.
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      const fits = await measureNames(page, `${social.handsList} [data-testid=hand-name]`, social.handsList);
      expectWholeNames(fits, HANDS, `hands list at ${v.label}`);
      await shoot(social.handsList, `hands-list-${v.label}`);
    }
  });

  it("the lobby list of the participants pane shows every whole name, on a phone and on a laptop", async () => {
    evidenceOnFailure("names-fit-lobby");
    await page.setViewportSize({ width: 1280, height: 720 });
    await setLobby(page, true);
    for (const name of WAITING) raw.push(await waitInLobby(server.wsUrl, room, name));
    await openParticipants(page);
    const entries = page.locator(`${msel.pane} ${msel.lobbyEntry}`);
    await waitFor(async () => (await entries.count()) === WAITING.length, {
      timeoutMs: 30_000,
      what: "four people in the pane's lobby list",
    });
    for (const v of [...VIEWPORTS].reverse()) {
      await page.setViewportSize({ width: v.width, height: v.height });
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      const fits = await measureNames(
        page,
        `${msel.lobbyEntry} [data-testid=lobby-entry-name]`,
        LOBBY_SECTION,
      );
      expectWholeNames(fits, WAITING, `lobby list at ${v.label}`);
      await shoot(LOBBY_SECTION, `lobby-list-${v.label}`);
    }
  });
});

// Last: judges every line the server printed during the file's tests.
describeServerLog(() => server);
