/**
 * A removal asks first, carries an optional reason to the person removed, and lasts for the meeting: the same
 * browser reloading and pressing Join is refused, until a moderator lets it back from the participants pane.
 * Through the real UI, in French (the seed's users), in headless Chromium.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { describeServerLog } from "../helpers/log-health.js";
import { type ServerHandle, startServer, tail } from "../helpers/server.js";
import { launchChromium, newParticipant, type Participant, saveEvidence } from "./helpers/browser.js";
import { msel, openParticipants, participantAction } from "./helpers/moderation-ui.js";
import { fillName, joinViaUi, openPrejoin, sel, tileOf, waitForRemoteSet } from "./helpers/ui.js";

let server: ServerHandle;
let browser: Browser;
const everyone: Participant[] = [];
const room = `e2e-remove-${Date.now().toString(36)}`;
let mod: Participant;
let guest: Participant;
let modId = "";
let guestId = "";

beforeAll(async () => {
  server = await startServer({ name: "e2e-remove-lasting" });
  browser = await launchChromium();
  mod = await newParticipant(browser, "mod", { locale: "fr-FR" });
  guest = await newParticipant(browser, "guest", { locale: "fr-FR" });
  everyone.push(mod, guest);
  modId = await joinViaUi(mod.page, server.origin, room, "Claire Organisatrice");
  guestId = await joinViaUi(guest.page, server.origin, room, "Gaston Perturbateur");
  await waitForRemoteSet(mod.page, [guestId], 20_000);
});

afterAll(async () => {
  for (const p of everyone) await p.close();
  await browser?.close();
  await server?.stop();
});

function evidenceOnFailure(tag: string): void {
  onTestFailed(async () => {
    const dir = await saveEvidence(tag, everyone);
    console.error(`evidence in ${dir}\nserver log (tail):\n${tail(server.lines, 40)}`);
  });
}

describe("removing someone", () => {
  it("asks first: cancelling keeps them in the meeting", async () => {
    evidenceOnFailure("remove-cancel");
    await participantAction(mod.page, guestId, "remove");
    const dialog = mod.page.locator("[data-testid=remove-dialog]");
    await dialog.waitFor({ state: "visible", timeout: 5000 });
    expect(await dialog.textContent()).toContain("Gaston Perturbateur");
    await mod.page.locator("[data-testid=remove-cancel]").click();
    await dialog.waitFor({ state: "detached", timeout: 5000 });
    await new Promise((r) => setTimeout(r, 1000));
    expect(await mod.page.locator(tileOf(guestId)).count()).toBe(1);
    expect(await guest.page.locator(sel.conference).count()).toBe(1);
  });

  it("with a reason: the person removed reads it on the removed screen", async () => {
    evidenceOnFailure("remove-reason");
    await participantAction(mod.page, guestId, "remove");
    await mod.page.locator("[data-testid=remove-reason]").fill("Propos déplacés");
    await mod.page.locator("[data-testid=remove-confirm]").click();
    await guest.page.locator(msel.removedScreen).waitFor({ state: "visible", timeout: 10_000 });
    expect(await guest.page.locator("[data-testid=outcome-detail]").textContent()).toContain(
      "Propos déplacés",
    );
    await mod.page.locator(tileOf(guestId)).waitFor({ state: "detached", timeout: 10_000 });
  });

  it("lasts: the same browser reloading and joining again is refused, and told why", async () => {
    evidenceOnFailure("remove-lasting");
    await guest.page.reload();
    await openPrejoin(guest.page, server.origin, room);
    await fillName(guest.page, "Gaston Perturbateur");
    await guest.page.locator(sel.join).click();
    const error = guest.page.locator("[data-testid=error-screen]");
    await error.waitFor({ state: "visible", timeout: 10_000 });
    expect(await error.textContent()).toContain("exclu");
    expect(await guest.page.locator(sel.conference).count()).toBe(0);
    // The moderator sees who was removed.
    await openParticipants(mod.page);
    const entry = mod.page.locator("[data-testid=barred-entry]");
    await entry.waitFor({ state: "visible", timeout: 5000 });
    expect(await entry.textContent()).toContain("Gaston Perturbateur");
  });

  it("until a moderator lets them back: then they join again", async () => {
    evidenceOnFailure("remove-allow");
    await mod.page.locator("[data-testid=barred-allow]").click();
    await mod.page.locator("[data-testid=barred-entry]").waitFor({ state: "detached", timeout: 5000 });
    const backId = await joinViaUi(guest.page, server.origin, room, "Gaston Perturbateur");
    expect(backId).not.toBe(guestId);
    await waitForRemoteSet(mod.page, [backId], 20_000);
    expect(modId).not.toBe("");
  });
});

describe("the pages", () => {
  it("logged no uncaught error", () => {
    const errors = everyone.flatMap((p) =>
      p.console.filter((l) => l.startsWith("[pageerror]")).map((l) => `${p.label} ${l}`),
    );
    expect(errors).toEqual([]);
  });
});

// Last: judges every line the server printed during the file's tests.
describeServerLog(() => server);
