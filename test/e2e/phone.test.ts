/**
 * A meeting on a phone and a tablet, in French, with fingers only (issue 26). Marc, the moderator, is on a small
 * tablet (600×960); Léa on an Android phone (412×915); both emulated by Chromium (viewport, device scale
 * factor, touch, mobile user agent). Léa joins, turns her microphone and camera off and on, raises her hand and
 * chats, with taps (a long press on a button says its name); she pins Marc's tile with a tap on it and unpins it with another; with six more people in
 * the meeting her tile view has two pages, and she swipes between them. Marc opens Léa's menu with a long press
 * and mutes her. Léa saves mobile data, and the choice outlives a reload. Portrait and landscape are drawn
 * and checked: nothing off screen, no sideways scroll, touch targets of 44 px.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { enter, type Peer } from "../helpers/room-clients.js";
import { type ServerHandle, startServer, tail } from "../helpers/server.js";
import { launchChromium, newParticipant, type Participant, saveEvidence } from "./helpers/browser.js";
import { social } from "./helpers/social.js";
import { type Device, longPress, PHONE, screensOf, swipe, TABLET } from "./helpers/touch.js";
import { fillName, joinViaUi, sel, tileOf, waitForRemoteSet } from "./helpers/ui.js";

const E2E_TEST_MS = 180_000;

let server: ServerHandle;
let browser: Browser;
const people: Participant[] = [];
const extras: Peer[] = [];
let lea: Page;
let marc: Page;
let leaId: string;
let marcId: string;
const room = `e2e-phone-${Date.now().toString(36)}`;

function evidenceOnFailure(tag: string): void {
  onTestFailed(async () => {
    const dir = await saveEvidence(`phone-${tag}`, people);
    console.error(`evidence in ${dir}\nserver log ${server.logFile} (tail):\n${tail(server.lines, 40)}`);
  });
}

const pressed = (page: Page, selector: string) =>
  page.locator(selector).getAttribute("aria-pressed", { timeout: 5_000 });

beforeAll(async () => {
  server = await startServer({ name: "e2e-phone" });
  browser = await launchChromium();
  const m = await newParticipant(browser, "marc-tablet", { locale: "fr-FR", device: TABLET });
  const l = await newParticipant(browser, "lea-phone", { locale: "fr-FR", device: PHONE });
  people.push(m, l);
  marc = m.page;
  lea = l.page;
  marcId = await joinViaUi(marc, server.origin, room, "Marc");
  leaId = await joinViaUi(lea, server.origin, room, "Léa");
  await waitForRemoteSet(marc, [leaId]);
  await waitForRemoteSet(lea, [marcId]);
}, E2E_TEST_MS);

afterAll(async () => {
  for (const p of extras) p.client.close();
  for (const p of people) await p.close();
  await browser?.close();
  if (server) await server.stop();
});

describe("a meeting on a phone and a tablet, with fingers", () => {
  it(
    "Léa turns her microphone and camera off and on with taps; Marc sees each change",
    async () => {
      evidenceOnFailure("devices");
      const leaOnMarc = marc.locator(tileOf(leaId));
      await lea.locator(sel.toggleMic).tap();
      await leaOnMarc.locator(sel.micMuted).waitFor({ timeout: 10_000 });
      await lea.locator(sel.toggleMic).tap();
      await leaOnMarc.locator(sel.micMuted).waitFor({ state: "detached", timeout: 10_000 });

      await lea.locator(sel.toggleCamera).tap();
      await leaOnMarc.locator(".tile-avatar").waitFor({ timeout: 10_000 });
      await lea.locator(sel.toggleCamera).tap();
      await leaOnMarc.locator(".tile-avatar").waitFor({ state: "detached", timeout: 15_000 });
    },
    E2E_TEST_MS,
  );

  it(
    "Léa raises her hand and writes in the chat with taps",
    async () => {
      evidenceOnFailure("hand-chat");
      await lea.locator(social.toggleHand).tap();
      await marc.locator(tileOf(leaId)).locator(social.tileHand).waitFor({ timeout: 10_000 });
      await lea.locator(social.toggleHand).tap();
      await marc
        .locator(tileOf(leaId))
        .locator(social.tileHand)
        .waitFor({ state: "detached", timeout: 10_000 });

      await lea.locator(social.toggleChat).tap();
      await lea.locator(social.chatInput).tap();
      await lea.keyboard.type("Bonjour depuis mon téléphone");
      await lea.locator(social.chatSend).tap();
      await lea
        .locator(social.chatText, { hasText: "Bonjour depuis mon téléphone" })
        .waitFor({ timeout: 10_000 });
      // The toolbar stays in reach under the open chat: the same button closes it.
      await lea.locator(social.toggleChat).tap();
      await lea.locator(social.chatPanel).waitFor({ state: "detached", timeout: 10_000 });
      await marc.locator(social.chatUnread).waitFor({ timeout: 10_000 });
      await marc.locator(social.toggleChat).tap();
      await marc
        .locator(social.chatText, { hasText: "Bonjour depuis mon téléphone" })
        .waitFor({ timeout: 10_000 });
      await marc.locator(social.toggleChat).tap();
      await marc.locator(social.chatPanel).waitFor({ state: "detached", timeout: 10_000 });
    },
    E2E_TEST_MS,
  );

  it(
    "a long press on a toolbar button says its name, and does not press it",
    async () => {
      evidenceOnFailure("touch-label");
      const hand = lea.locator(social.toggleHand);
      const name = await hand.getAttribute("aria-label");
      await longPress(lea, hand);
      await lea.locator("[data-testid=touch-label]", { hasText: name ?? "?" }).waitFor({ timeout: 5_000 });
      expect(await pressed(lea, social.toggleHand)).toBe("false");
      await lea.locator("[data-testid=touch-label]").waitFor({ state: "detached", timeout: 5_000 });
      // A tap still presses it.
      await hand.tap();
      await expect.poll(() => pressed(lea, social.toggleHand), { timeout: 5_000 }).toBe("true");
      await hand.tap();
      await expect.poll(() => pressed(lea, social.toggleHand), { timeout: 5_000 }).toBe("false");
    },
    E2E_TEST_MS,
  );

  it(
    "a tap on Marc's tile pins it on stage, a tap on the stage unpins it; a tap on the pin is one toggle",
    async () => {
      evidenceOnFailure("pin");
      const marcTile = lea.locator(tileOf(marcId));
      await marcTile.tap();
      await lea.locator(`${tileOf(marcId)}[data-stage=true]`).waitFor({ timeout: 10_000 });
      expect(await pressed(lea, `${tileOf(marcId)} [data-testid=pin]`)).toBe("true");
      await marcTile.tap();
      await expect
        .poll(() => pressed(lea, `${tileOf(marcId)} [data-testid=pin]`), { timeout: 5_000 })
        .toBe("false");
      // The pin button is a control of its own: the tile does not toggle a second time under it.
      await marcTile.locator("[data-testid=pin]").tap();
      await expect
        .poll(() => pressed(lea, `${tileOf(marcId)} [data-testid=pin]`), { timeout: 5_000 })
        .toBe("true");
      await marcTile.locator("[data-testid=pin]").tap();
      await expect
        .poll(() => pressed(lea, `${tileOf(marcId)} [data-testid=pin]`), { timeout: 5_000 })
        .toBe("false");
    },
    E2E_TEST_MS,
  );

  it(
    "with eight in the meeting, Léa swipes between the two pages of her tile view",
    async () => {
      evidenceOnFailure("swipe");
      for (let i = 1; i <= 6; i++)
        extras.push(await enter(server.wsUrl, room, `Invité ${i}`, { audio: false, video: false }));
      if ((await lea.locator(".tile-area").getAttribute("data-layout")) !== "tile")
        await lea.locator("[data-testid=toggle-layout]").tap();
      const grid = lea.locator(".grid[data-pages='2']");
      await grid.waitFor({ timeout: 15_000 });
      const label = lea.locator(".pager-label");
      expect(await label.textContent()).toMatch(/^Page 1 .*2$/);
      const box = await grid.boundingBox();
      if (!box) throw new Error("the grid has no box");
      const y = box.y + box.height / 2;
      // A vertical stroke is a scroll: the page stays.
      await swipe(
        lea,
        { x: box.x + box.width / 2, y: y - 100 },
        { x: box.x + box.width / 2 + 10, y: y + 100 },
      );
      expect(await label.textContent()).toMatch(/^Page 1 /);
      await swipe(lea, { x: box.x + box.width * 0.8, y }, { x: box.x + box.width * 0.2, y });
      await expect.poll(() => label.textContent(), { timeout: 5_000 }).toMatch(/^Page 2 /);
      await swipe(lea, { x: box.x + box.width * 0.2, y }, { x: box.x + box.width * 0.8, y });
      await expect.poll(() => label.textContent(), { timeout: 5_000 }).toMatch(/^Page 1 /);
    },
    E2E_TEST_MS,
  );

  it(
    "Marc, the moderator on the tablet, opens Léa's menu with a long press and mutes her",
    async () => {
      evidenceOnFailure("long-press");
      await marc.locator(social.toggleParticipants).tap();
      const row = marc.locator(social.participantRow(leaId));
      await row.waitFor({ timeout: 10_000 });
      // A short tap on the row opens nothing.
      await row.locator(".person-name").tap();
      expect(await marc.locator("[data-testid=action-mute]").count()).toBe(0);
      await longPress(marc, row.locator(".person-name"));
      await marc.locator("[data-testid=action-mute]").tap();
      await expect.poll(() => pressed(lea, sel.toggleMic), { timeout: 10_000 }).toBe("false");
      await lea.locator(sel.toggleMic).tap();
      await expect.poll(() => pressed(lea, sel.toggleMic), { timeout: 10_000 }).toBe("true");
      await marc.locator(social.toggleParticipants).tap();
    },
    E2E_TEST_MS,
  );

  it(
    "Léa saves mobile data: the lowest picture, at most 4 videos; after a reload it is still on",
    async () => {
      evidenceOnFailure("data-saver");
      await lea.locator("[data-testid=more-menu]").tap();
      await lea.locator("[data-testid=data-saver]").tap();
      expect(await lea.locator("[data-testid=data-saver]").getAttribute("aria-checked")).toBe("true");
      expect(await lea.locator("[data-testid=quality-low]").getAttribute("aria-checked")).toBe("true");
      expect(Number(await lea.locator("[data-testid=last-n]").inputValue())).toBe(4);
      await lea.locator("[data-testid=more-menu]").tap();
      await expect
        .poll(() => lea.locator(`${tileOf(marcId)}`).getAttribute("data-layer"), { timeout: 10_000 })
        .toBe("0");

      await lea.reload();
      await fillName(lea, "Léa");
      await lea.locator(sel.join).tap();
      await lea.locator(sel.conference).waitFor({ timeout: 20_000 });
      await lea.locator("[data-testid=more-menu]").tap();
      await expect
        .poll(() => lea.locator("[data-testid=quality-low]").getAttribute("aria-checked"), {
          timeout: 10_000,
        })
        .toBe("true");
      expect(await lea.locator("[data-testid=data-saver]").getAttribute("aria-checked")).toBe("true");
      // Choosing a better picture by hand is a choice too: the saver steps aside, and is forgotten.
      await lea.locator("[data-testid=quality-high]").tap();
      expect(await lea.locator("[data-testid=data-saver]").getAttribute("aria-checked")).toBe("false");
      expect(await lea.evaluate(() => localStorage.getItem("palabre.dataSaver"))).toBeNull();
      await lea.locator("[data-testid=more-menu]").tap();
    },
    E2E_TEST_MS,
  );

  it(
    "portrait and landscape, phone and tablet: every control on screen, 44 px targets, no sideways scroll",
    async () => {
      evidenceOnFailure("screens");
      const devices: [Page, Device, string][] = [
        [lea, PHONE, "phone"],
        [marc, TABLET, "tablet"],
      ];
      for (const [page, device, name] of devices) {
        const problems = await screensOf(page, device, `phone-screens/${name}`);
        expect(problems, `${name}: ${problems.join("; ")}`).toEqual([]);
      }
    },
    E2E_TEST_MS,
  );
});
