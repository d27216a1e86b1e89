/**
 * axe-core in Firefox, French, as e2e/accessibility runs it in Chromium: the pre-join screen (name typed, the
 * camera preview playing) and the meeting screen as a moderator sees it busy: the chat and participants panes
 * open, chat messages both ways, a raised hand (the hands list), someone waiting in the lobby (the knock
 * notification and the lobby list with Admit). No violation of impact "serious" or "critical"; minor and
 * moderate ones, and what axe could not decide, are printed. axe runs with the app's CSP in force (an inline
 * script is refused in the same page): see helpers/axe.ts for how it gets into the page over BiDi.
 */
import type { Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeViolations, isGrave } from "../e2e/helpers/a11y.js";
import { msel } from "../e2e/helpers/moderation-ui.js";
import { social } from "../e2e/helpers/social.js";
import { sel } from "../e2e/helpers/ui.js";
import { describeServerLog } from "../helpers/log-health.js";
import { enter, type Peer, waitInLobby } from "../helpers/room-clients.js";
import { waitFor } from "../helpers/wait.js";
import { runAxeInFirefox } from "./helpers/axe.js";
import { Cast } from "./helpers/cast.js";
import {
  chatTextsInFirefox,
  enterFromPrejoin,
  type FirefoxParticipant,
  inPage,
  openChatInFirefox,
  seesInFirefox,
  sendChatInFirefox,
} from "./helpers/firefox.js";

let cast: Cast;
let fiona: FirefoxParticipant;
const raw: Peer[] = [];
const room = `firefox-a11y-${Date.now().toString(36)}`;
const HELLO = "Bonjour à tous, on commence dans une minute ?";
const REPLY = "Oui, allons-y.";

/** Runs axe in the Firefox page, prints what it found, and fails on anything serious or critical. */
async function expectNoGraveViolations(page: Page, what: string): Promise<void> {
  const report = await runAxeInFirefox(page);
  const grave = report.violations.filter(isGrave);
  const lesser = report.violations.filter((v) => !isGrave(v));
  console.log(
    `[axe firefox] ${what}: ${report.rulesRun} rules applied; ${grave.length} serious/critical, ${lesser.length} minor/moderate` +
      (lesser.length > 0 ? `\n${describeViolations(lesser)}` : "") +
      (report.incomplete.length > 0
        ? `\n  undecided, to review by hand:\n${report.incomplete
            .map((i) => `  ${i.id}: ${i.nodes.map((n) => `${n.target} — ${n.summary}`).join("\n    ")}`)
            .join("\n")}`
        : ""),
  );
  expect(report.rulesRun, `${what}: rules axe applied`).toBeGreaterThan(20);
  expect(grave, `${what}: serious or critical axe violations\n${describeViolations(grave)}`).toEqual([]);
}

beforeAll(async () => {
  cast = await Cast.start("firefox-a11y"); // Firefox asks for French
  fiona = await cast.firefox("fiona");
  await fiona.page.setViewport({ width: 1280, height: 720 });
});

afterAll(async () => {
  for (const peer of raw) peer.client.terminate();
  await cast?.close();
});

describe.sequential("axe finds nothing serious in Firefox (fr-FR)", () => {
  it("the pre-join screen, with the app's CSP in force", async () => {
    cast.evidenceOnFailure("prejoin");
    const page = fiona.page;
    const response = await page.goto(`${cast.server.origin}/${room}`, { waitUntil: "load" });
    expect(response?.headers()["content-security-policy"]).toContain("script-src 'self'");
    await page.waitForSelector(sel.displayName, { visible: true, timeout: 20_000 });
    expect(await inPage<string>(page, "document.documentElement.lang")).toBe("fr");
    // The policy holds in this page: a script element with inline text does not run.
    const inline = await inPage<{ ran: boolean; refused: string | null }>(
      page,
      `new Promise((resolve) => {
        let refused = null;
        document.addEventListener("securitypolicyviolation", (e) => { refused = e.violatedDirective; }, { once: true });
        const s = document.createElement("script");
        s.textContent = "window.__inlineRan = true;";
        document.head.appendChild(s);
        s.remove();
        setTimeout(() => resolve({ ran: window.__inlineRan === true, refused }), 200);
      })`,
    );
    expect(inline, "an inline script in the page").toEqual({
      ran: false,
      refused: expect.stringMatching(/^script-src/),
    });
    // With a name the Join button is enabled: its colours count (a disabled button's do not).
    await inPage(page, `document.querySelector(${JSON.stringify(sel.displayName)}).focus()`);
    await page.keyboard.type("Dominique Martin-Lefèvre");
    await waitFor(
      () =>
        inPage<boolean>(
          page,
          `(() => { const v = document.querySelector(${JSON.stringify(sel.preview)}); return !!v && v.videoWidth > 0; })()`,
        ),
      { timeoutMs: 20_000, what: "the camera preview" },
    );
    await expectNoGraveViolations(page, "pre-join (fr)");
  });

  it("the meeting screen with the chat and participants panes open, a knock and a raised hand", async () => {
    cast.evidenceOnFailure("meeting");
    const page = fiona.page;
    await enterFromPrejoin(page, "Dominique Martin-Lefèvre");
    // Someone already in (a raw client, first to speak and to raise her hand), and someone at the door.
    const elodie = await enter(cast.server.wsUrl, room, "Élodie Nguyen", { audio: false, video: false });
    raw.push(elodie);
    await page.click(msel.toggleParticipants);
    await page.waitForSelector(msel.lobbyToggle, { visible: true, timeout: 10_000 });
    await page.click(msel.lobbyToggle);
    await waitFor(
      () => inPage<boolean>(page, `document.querySelector(${JSON.stringify(msel.lobbyToggle)}).checked`),
      {
        timeoutMs: 10_000,
        what: "the lobby switch on",
      },
    );
    raw.push(await waitInLobby(cast.server.wsUrl, room, "Camille Bernard"));
    await elodie.client.request({ type: "chat.send", text: HELLO, clientId: "a11y-ff-1" });
    await elodie.client.request({ type: "hand.raise" });

    await openChatInFirefox(page);
    await sendChatInFirefox(page, REPLY);
    await waitFor(async () => (await chatTextsInFirefox(page)).join("|") === `${HELLO}|${REPLY}`, {
      timeoutMs: 15_000,
      what: "both chat messages",
    });
    await page.waitForSelector(msel.pane, { visible: true, timeout: 10_000 });
    await seesInFirefox(page, msel.lobbyEntry, "Camille in the lobby list", { timeoutMs: 20_000 });
    await seesInFirefox(page, msel.knock, "Camille's knock", { timeoutMs: 20_000 });
    await seesInFirefox(page, social.handsList, "the hands list", { timeoutMs: 20_000 });
    for (const panel of [social.chatPanel, msel.pane])
      expect(await inPage<boolean>(page, `!!document.querySelector(${JSON.stringify(panel)})`), panel).toBe(
        true,
      );
    await expectNoGraveViolations(page, "meeting screen (fr)");
  });
});

describe("the pages", () => {
  it("logged no uncaught error", () => {
    // Firefox reports the refused inline script of the CSP check as a page error: that one is expected.
    const probe = /^\[pageerror\] Content-Security-Policy: .* blocked an inline script/;
    expect(fiona.console.filter((l) => l.startsWith("[pageerror]") && !probe.test(l))).toEqual([]);
  });
});

describeServerLog(() => cast?.server);
