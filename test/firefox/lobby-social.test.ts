/**
 * The lobby, chat, hands and reactions with Firefox on both sides of them: Firefox as the moderator who admits
 * a Chromium guest from the lobby, and as the guest a Chromium moderator admits; chat both ways; a raised hand
 * in the other browser's queue; a reaction. Through the UI (English), media checked by getStats.
 */
import type { Page as FirefoxPage } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Participant } from "../e2e/helpers/browser.js";
import { clickJoin, msel, setLobby, waitForConference } from "../e2e/helpers/moderation-ui.js";
import { openChat, sendChat, social, waitForHandOrder, waitForShownTexts } from "../e2e/helpers/social.js";
import { joinViaUi, waitForMediaFrom } from "../e2e/helpers/ui.js";
import { describeServerLog } from "../helpers/log-health.js";
import { waitFor } from "../helpers/wait.js";
import { Cast } from "./helpers/cast.js";
import { type FirefoxParticipant, inPage, joinInFirefox } from "./helpers/firefox.js";

let cast: Cast;

const js = JSON.stringify;
/** Waits until `selector` matches in the Firefox page (or, with `gone`, no longer does). */
async function firefoxSees(page: FirefoxPage, selector: string, what: string, gone = false): Promise<void> {
  await waitFor(
    async () => (await inPage<boolean>(page, `!!document.querySelector(${js(selector)})`)) !== gone,
    {
      timeoutMs: 15_000,
      what,
    },
  );
}
/** The texts the Firefox page's open chat panel shows, in order. */
const firefoxChat = (page: FirefoxPage) =>
  inPage<string[]>(
    page,
    `Array.from(document.querySelectorAll(${js(`${social.chatPanel} ${social.chatMessage} ${social.chatText}`)})).map((e) => e.textContent)`,
  );

beforeAll(async () => {
  cast = await Cast.start("firefox-social", { language: "en-US, en" });
});

afterAll(async () => {
  await cast?.close();
});

describe.sequential("Firefox as the moderator", () => {
  const room = `firefox-mod-${Date.now().toString(36)}`;
  let fiona: FirefoxParticipant;
  let fionaId: string;
  let gabe: Participant;
  let gabeId: string;

  it("turns the lobby on; a Chromium guest knocks, Firefox admits it from the notification; media both ways", async () => {
    cast.evidenceOnFailure("firefox-moderator");
    fiona = await cast.firefox("fiona");
    fionaId = await joinInFirefox(fiona.page, cast.server.origin, room, "Fiona");
    await fiona.page.click(msel.toggleParticipants);
    await fiona.page.waitForSelector(msel.lobbyToggle, { visible: true, timeout: 10_000 });
    await fiona.page.click(msel.lobbyToggle);
    await waitFor(
      () => inPage<boolean>(fiona.page, `document.querySelector(${js(msel.lobbyToggle)}).checked`),
      {
        timeoutMs: 10_000,
        what: "the lobby switch on in Firefox",
      },
    );
    await fiona.page.click(msel.toggleParticipants);

    gabe = await cast.chromium("gabe");
    await clickJoin(gabe.page, cast.server.origin, room, "Gabe");
    await gabe.page.locator(msel.lobbyScreen).waitFor({ state: "visible", timeout: 20_000 });
    const admit = `${msel.knock} ${msel.knockAdmit}`;
    await firefoxSees(fiona.page, admit, "Gabe's knock on Firefox's page");
    expect(
      await inPage<string>(fiona.page, `document.querySelector(${js(msel.knock)}).textContent`),
    ).toContain("Gabe");
    await fiona.page.click(admit);
    gabeId = await waitForConference(gabe.page, 30_000);
    await waitForMediaFrom(gabe.page, [fionaId], 40_000);
    await waitForMediaFrom(fiona.page, [gabeId], 40_000);
  });

  it("chat both ways, Gabe's hand in Firefox's queue, Firefox gives the floor, a reaction", async () => {
    cast.evidenceOnFailure("firefox-moderator-social");
    await fiona.page.click(social.toggleChat);
    await fiona.page.waitForSelector(social.chatPanel, { visible: true, timeout: 10_000 });
    await fiona.page.type(social.chatInput, "Hello from Firefox");
    await fiona.page.click(social.chatSend);
    await openChat(gabe.page);
    await waitForShownTexts(
      gabe.page,
      ["Hello from Firefox"],
      () => true,
      "Firefox's message on Gabe's page",
    );
    await sendChat(gabe.page, "Hello from Chromium");
    await waitFor(
      async () => (await firefoxChat(fiona.page)).join("|") === "Hello from Firefox|Hello from Chromium",
      {
        timeoutMs: 15_000,
        what: "both messages on Firefox's page",
      },
    );

    await gabe.page.locator(social.toggleHand).click();
    const entry = `${social.handsList} ${social.handEntry}`;
    await firefoxSees(fiona.page, entry, "Gabe's hand in Firefox's queue");
    await fiona.page.click(`${entry} ${social.giveFloor}`);
    await gabe.page.locator(social.floorNotice).waitFor({ state: "visible", timeout: 10_000 });
    await firefoxSees(fiona.page, entry, "the queue empty once the floor is given", true);

    await fiona.page.click(social.toggleReactions);
    await fiona.page.waitForSelector(social.reaction("👍"), { visible: true, timeout: 10_000 });
    await fiona.page.click(social.reaction("👍"));
    await gabe.page
      .locator(social.reactionBurst("👍"))
      .first()
      .waitFor({ state: "attached", timeout: 10_000 });
  });
});

describe.sequential("Firefox as the guest", () => {
  const room = `firefox-guest-${Date.now().toString(36)}`;
  let mia: Participant;
  let miaId: string;
  let fred: FirefoxParticipant;

  it("knocks at a Chromium moderator's lobby, is admitted, and hears and sees the meeting", async () => {
    cast.evidenceOnFailure("firefox-guest");
    mia = await cast.chromium("mia");
    miaId = await joinViaUi(mia.page, cast.server.origin, room, "Mia");
    await setLobby(mia.page, true);
    fred = await cast.firefox("fred");
    await fred.page.goto(`${cast.server.origin}/${room}`, { waitUntil: "load" });
    await fred.page.waitForSelector("input#display-name", { visible: true, timeout: 20_000 });
    await fred.page.type("input#display-name", "Fred");
    await waitFor(
      () => inPage<boolean>(fred.page, `!document.querySelector("button[data-testid=join]").disabled`),
      { timeoutMs: 20_000, what: "an enabled Join button" },
    );
    await fred.page.click("button[data-testid=join]");
    await firefoxSees(fred.page, msel.lobbyScreen, "the lobby screen in Firefox");
    const toast = mia.page.locator(msel.knock).filter({ hasText: "Fred" });
    await toast.locator(msel.knockAdmit).click();
    await fred.page.waitForSelector("[data-testid=conference]", { visible: true, timeout: 30_000 });
    const fredId = await inPage<string>(
      fred.page,
      `document.querySelector("[data-testid=tile][data-local=true]").getAttribute("data-participant-id")`,
    );
    await waitForMediaFrom(fred.page, [miaId], 40_000);
    await waitForMediaFrom(mia.page, [fredId], 40_000);
    // Fred's raised hand reaches the Chromium moderator's queue.
    await fred.page.click(social.toggleHand);
    await waitForHandOrder(mia.page, [fredId], { moderator: true, what: "Fred's hand on Mia's page" });
  });
});

describe("the pages", () => {
  it("logged no uncaught error", () => {
    const errors = [...cast.firefoxPages, ...cast.chromiumPages].flatMap((p) =>
      p.console.filter((l) => l.startsWith("[pageerror]")).map((l) => `${p.label} ${l}`),
    );
    expect(errors).toEqual([]);
  });
});

describeServerLog(() => cast?.server);
