/**
 * Small things an organiser and a guest meet, through the real UI in French: "Inviter des personnes" in the ⋯
 * menu shows the meeting's link as text and copies it; the room password is hidden while typed (the pane may be
 * on a shared screen), and shown only on request; the pre-join screen says how many are in the meeting, never
 * who.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeServerLog } from "../helpers/log-health.js";
import { type ServerHandle, startServer } from "../helpers/server.js";
import { launchChromium, newParticipant, type Participant } from "./helpers/browser.js";
import { msel, openParticipants } from "./helpers/moderation-ui.js";
import { joinViaUi, openPrejoin } from "./helpers/ui.js";

let server: ServerHandle;
let browser: Browser;
let organiser: Participant;
const room = `e2e-invite-${Date.now().toString(36)}`;

beforeAll(async () => {
  server = await startServer({ name: "e2e-invite" });
  browser = await launchChromium();
  organiser = await newParticipant(browser, "organiser", { locale: "fr-FR" });
  await organiser.context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.origin });
  await joinViaUi(organiser.page, server.origin, room, "Odile Organisatrice");
});

afterAll(async () => {
  await organiser?.close();
  await browser?.close();
  await server?.stop();
});

describe("inviting people", () => {
  it("shows the meeting's link as text and copies it to the clipboard", async () => {
    const page = organiser.page;
    await page.locator("[data-testid=more-menu]").click();
    const item = page.locator("[data-testid=open-invite]");
    expect(await item.textContent()).toContain("Inviter des personnes");
    await item.click();
    const link = page.locator("[data-testid=invite-link]");
    await link.waitFor({ state: "visible", timeout: 5000 });
    const expected = `${server.origin}/${room}`;
    expect(await link.inputValue()).toBe(expected);
    await page.locator("[data-testid=invite-copy]").click();
    await page.locator("[data-testid=invite-status]", { hasText: "Lien copié" }).waitFor({ timeout: 5000 });
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(expected);
    await page.locator("[data-testid=dialog-close]").click();
    await page.locator("[data-testid=invite-dialog]").waitFor({ state: "detached", timeout: 5000 });
  });
});

describe("the room password", () => {
  it("is hidden while typed, and shown only when asked", async () => {
    const page = organiser.page;
    await openParticipants(page);
    const input = page.locator(msel.passwordInput);
    await input.waitFor({ state: "visible", timeout: 5000 });
    await input.fill("secret-de-reunion");
    expect(await input.getAttribute("type")).toBe("password");
    await page.locator("[data-testid=password-show]").click();
    expect(await input.getAttribute("type")).toBe("text");
    expect(await page.locator("[data-testid=password-show]").getAttribute("aria-pressed")).toBe("true");
    await page.locator("[data-testid=password-show]").click();
    expect(await input.getAttribute("type")).toBe("password");
  });
});

describe("the pre-join screen", () => {
  it("says how many people are in the meeting, and no name", async () => {
    const guest = await newParticipant(browser, "guest", { locale: "fr-FR" });
    try {
      await openPrejoin(guest.page, server.origin, room);
      const occupancy = guest.page.locator("[data-testid=occupancy]");
      await occupancy.waitFor({ state: "visible", timeout: 10_000 });
      expect(await occupancy.textContent()).toBe("1 personne est dans cette réunion.");
      expect(await guest.page.locator("main").textContent()).not.toContain("Odile");
      await openPrejoin(guest.page, server.origin, `${room}-vide`);
      await guest.page
        .locator("[data-testid=occupancy]", { hasText: "Personne" })
        .waitFor({ timeout: 10_000 });
    } finally {
      await guest.close();
    }
  });
});

// Last: judges every line the server printed during the file's tests.
describeServerLog(() => server);
