/**
 * Breakout rooms at a phone's size and with the keyboard alone, in French (the longer labels). Mona, the
 * moderator, in a 390×844 window, never clicks: she reaches every control with Tab, opens the ⋯ menu and the
 * breakout rooms with Enter, names a room, assigns Léo with the arrow keys, unticks "move everyone at once"
 * with Space, opens the rooms, and later closes them at once. Léo is on an emulated phone (390×844, touch,
 * mobile user agent): he is offered his room, goes with one tap, is told where he is, and comes back when Mona
 * closes the rooms. Then a poll: Mona asks it with the keyboard, Léo answers it with taps. Nothing scrolls
 * sideways on either page.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { describeServerLog } from "../helpers/log-health.js";
import { type ServerHandle, startServer, tail } from "../helpers/server.js";
import { launchChromium, newParticipant, type Participant, saveEvidence } from "./helpers/browser.js";
import { social } from "./helpers/social.js";
import { joinViaUi, waitForRemoteSet } from "./helpers/ui.js";

const E2E_TEST_MS = 180_000;
const PHONE = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 3,
  isMobile: true,
  hasTouch: true,
  userAgent:
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36",
};

let server: ServerHandle;
let browser: Browser;
const people: Participant[] = [];
let mona: Page;
let leo: Page;
let leoId: string;
let monaId: string;
const room = `e2e-breakout-phone-${Date.now().toString(36)}`;

function evidenceOnFailure(tag: string): void {
  onTestFailed(async () => {
    const dir = await saveEvidence(`breakout-phone-${tag}`, people);
    console.error(`evidence in ${dir}\nserver log ${server.logFile} (tail):\n${tail(server.lines, 40)}`);
  });
}

/** Presses Tab (at most `max` times) until `selector` has the focus: it is reachable with the keyboard. */
async function tabTo(page: Page, selector: string, max = 60): Promise<void> {
  const seen: string[] = [];
  for (let i = 0; i < max; i++) {
    if (await page.evaluate((s) => document.activeElement?.matches(s) === true, selector)) return;
    seen.push(
      await page.evaluate(() => {
        const e = document.activeElement;
        return e
          ? `${e.tagName.toLowerCase()}[${e.getAttribute("data-testid") ?? e.getAttribute("aria-label") ?? ""}]`
          : "-";
      }),
    );
    await page.keyboard.press("Tab");
  }
  throw new Error(
    `${selector} was not reached with Tab in ${max} presses; focus went: ${[...new Set(seen)].join(" ")}`,
  );
}

/** Reaches `selector` with Tab, then presses `key` there (Enter on a button, Space on a checkbox…). */
async function pressOn(page: Page, selector: string, key: string): Promise<void> {
  await tabTo(page, selector);
  await page.keyboard.press(key);
}

/** Whether the page scrolls sideways (something wider than the window). */
const scrollsSideways = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);

async function openBreakoutsByKeyboard(page: Page): Promise<void> {
  await pressOn(page, "[data-testid=more-menu]", "Enter");
  await pressOn(page, "[data-testid=open-breakouts]", "Enter");
  await page.locator("[data-testid=breakout-dialog]").waitFor({ state: "visible", timeout: 10_000 });
}

beforeAll(async () => {
  server = await startServer({ name: "e2e-breakouts-phone" });
  browser = await launchChromium();
  const m = await newParticipant(browser, "mona", { locale: "fr-FR", device: { viewport: PHONE.viewport } });
  const l = await newParticipant(browser, "leo", { locale: "fr-FR", device: PHONE });
  people.push(m, l);
  mona = m.page;
  leo = l.page;
  monaId = await joinViaUi(mona, server.origin, room, "Mona");
  leoId = await joinViaUi(leo, server.origin, room, "Léo");
  await waitForRemoteSet(mona, [leoId]);
  await waitForRemoteSet(leo, [monaId]);
}, E2E_TEST_MS);

afterAll(async () => {
  for (const p of people) await p.close();
  await browser?.close();
  if (server) await server.stop();
});

describe("breakout rooms on a phone, and with the keyboard alone", () => {
  it(
    "Mona makes a room, assigns Léo and opens it without a click; Léo goes with one tap",
    async () => {
      evidenceOnFailure("open");
      await openBreakoutsByKeyboard(mona);
      await tabTo(mona, "[data-testid=breakout-name]");
      await mona.keyboard.type("Atelier");
      await mona.keyboard.press("Enter");
      await mona.locator("[data-testid=breakout-room-b1]").waitFor({ timeout: 10_000 });
      await pressOn(mona, `[data-testid=breakout-assign-${leoId}]`, "ArrowDown");
      await mona
        .locator("[data-testid=breakout-assigned-b1]", { hasText: "Léo" })
        .waitFor({ timeout: 10_000 });
      await pressOn(mona, "[data-testid=breakout-auto]", "Space");
      expect(await mona.locator("[data-testid=breakout-auto]").isChecked()).toBe(false);
      await pressOn(mona, "[data-testid=breakout-start]", "Enter");
      await mona.locator("[data-testid=breakout-close]").waitFor({ timeout: 10_000 });
      expect(await scrollsSideways(mona), "Mona's page scrolls sideways with the dialog open").toBe(false);
      await mona.keyboard.press("Escape");
      await mona.locator("[data-testid=breakout-dialog]").waitFor({ state: "detached", timeout: 10_000 });

      // Léo is offered his room; one tap takes him there.
      const join = leo.locator("[data-testid=breakout-banner-join]");
      await join.waitFor({ timeout: 10_000 });
      expect(await leo.locator("[data-testid=breakout-invited]").textContent()).toContain(
        "Votre salle : Atelier",
      );
      const box = await join.boundingBox();
      expect(box, "the join button's box").not.toBeNull();
      if (box) {
        expect(box.x).toBeGreaterThanOrEqual(0);
        expect(box.x + box.width).toBeLessThanOrEqual(PHONE.viewport.width);
        expect(box.height, "a touch target of at least 44 px").toBeGreaterThanOrEqual(44);
      }
      await join.tap();
      await leo
        .locator("[data-testid=breakout-here]", { hasText: "Vous êtes dans Atelier" })
        .waitFor({ timeout: 15_000 });
      await waitForRemoteSet(leo, [], 15_000);
      expect(await scrollsSideways(leo), "Léo's page scrolls sideways").toBe(false);
    },
    E2E_TEST_MS,
  );

  it(
    "Mona closes the rooms at once with the keyboard: Léo is back in the meeting",
    async () => {
      evidenceOnFailure("close");
      await openBreakoutsByKeyboard(mona);
      await pressOn(mona, "[data-testid=breakout-countdown]", "Home");
      expect(await mona.locator("[data-testid=breakout-countdown]").inputValue()).toBe("0");
      await pressOn(mona, "[data-testid=breakout-close]", "Enter");
      await mona.keyboard.press("Escape");
      await mona.locator("[data-testid=breakout-dialog]").waitFor({ state: "detached", timeout: 10_000 });
      await leo.locator("[data-testid=breakout-here]").waitFor({ state: "detached", timeout: 15_000 });
      await waitForRemoteSet(leo, [monaId], 15_000);
      await waitForRemoteSet(mona, [leoId], 15_000);
      expect(await scrollsSideways(leo), "Léo's page scrolls sideways").toBe(false);
    },
    E2E_TEST_MS,
  );

  it(
    "a poll: Mona asks it with the keyboard alone, Léo answers it on the phone with taps",
    async () => {
      evidenceOnFailure("poll");
      await pressOn(mona, social.toggleChat, "Enter");
      await mona.locator(social.chatPanel).waitFor({ state: "visible", timeout: 10_000 });
      // The panel's tabs are one tab stop; the arrow keys move between them (the ARIA tabs pattern).
      await tabTo(mona, "[data-testid=chat-tab-messages]");
      await mona.keyboard.press("ArrowRight");
      await mona.keyboard.press("Enter");
      await pressOn(mona, "[data-testid=poll-new]", "Enter");
      await tabTo(mona, "[data-testid=poll-question-input]");
      await mona.keyboard.type("On continue ?");
      await mona.keyboard.press("Tab");
      await mona.keyboard.type("Oui");
      await mona.keyboard.press("Tab");
      await mona.keyboard.type("Non");
      await pressOn(mona, "[data-testid=poll-ask]", "Enter");
      await mona
        .locator("[data-testid=poll-card]", { hasText: "On continue ?" })
        .waitFor({ timeout: 10_000 });
      expect(
        await mona.locator("[data-testid=poll-option-input]").count(),
        "the form is closed once asked",
      ).toBe(0);

      await leo.locator(social.toggleChat).tap();
      await leo.locator(social.chatPanel).waitFor({ state: "visible", timeout: 10_000 });
      await leo.locator("[data-testid=chat-tab-polls]").tap();
      const card = leo.locator("[data-testid=poll-card]", { hasText: "On continue ?" });
      await card.locator("[data-testid=poll-choice]").nth(0).tap();
      await card.locator("[data-testid=poll-vote]").tap();
      await card.locator("[data-testid=poll-results]").waitFor({ timeout: 10_000 });
      for (const page of [leo, mona]) {
        await expect
          .poll(() =>
            page
              .locator("[data-testid=poll-card]", { hasText: "On continue ?" })
              .locator("[data-testid=poll-count]")
              .allTextContents(),
          )
          .toEqual(["1 (100 %)", "0 (0 %)"]);
        expect(await scrollsSideways(page), "the page scrolls sideways with the polls open").toBe(false);
      }
    },
    E2E_TEST_MS,
  );
});

describeServerLog(() => server);
