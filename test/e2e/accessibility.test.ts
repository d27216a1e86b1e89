/**
 * axe-core on the real screens, in French and in English (real server, Janus and Chromium; axe injected from
 * node_modules): the pre-join screen, the lobby screen (someone waiting in a room whose lobby is on) and the
 * meeting screen as a moderator sees it at its busiest: chat and participants panes open, someone waiting
 * (knock notification and lobby list with Admit), a raised hand (the hands list), chat messages, and the
 * "you are talking while muted" notice (the fake microphone talks). No violation of impact "serious" or
 * "critical" is allowed; minor and moderate ones are printed.
 *
 * axe judges an avatar only by the colour it happens to get, and lets large initials pass at 3:1; the
 * initials are small in the participants pane, so every colour of the palette is checked at 4.5:1 too, on
 * the pre-join screen's avatar (camera off), by typing names until each colour has come up.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { describeServerLog } from "../helpers/log-health.js";
import { enter, type Peer } from "../helpers/room-clients.js";
import { type ServerHandle, startServer, tail } from "../helpers/server.js";
import { waitFor } from "../helpers/wait.js";
import { type AxeReport, contrastRatio, describeViolations, isGrave, runAxe } from "./helpers/a11y.js";
import { newParticipant, type Participant, saveEvidence } from "./helpers/browser.js";
import { clickJoin, msel, openParticipants, setLobby, waitForConference } from "./helpers/moderation-ui.js";
import { openChat, sendChat, social, waitForShownTexts } from "./helpers/social.js";
import { launchTalkingChromium } from "./helpers/speech.js";
import { fillName, openPrejoin, sel } from "./helpers/ui.js";

let server: ServerHandle;
let browser: Browser;
const people: Participant[] = [];
const raw: Peer[] = [];

beforeAll(async () => {
  server = await startServer({ name: "e2e-accessibility" });
  browser = await launchTalkingChromium();
});

afterAll(async () => {
  for (const peer of raw) peer.client.terminate();
  for (const p of people) await p.close();
  await browser?.close();
  if (server) await server.stop();
});

function evidenceOnFailure(tag: string): void {
  onTestFailed(async () => {
    const dir = await saveEvidence(tag, people);
    console.error(`evidence in ${dir}\nserver log ${server.logFile} (tail):\n${tail(server.lines, 40)}`);
  });
}

/** Runs axe, prints what it found, and fails on anything serious or critical. */
async function expectNoGraveViolations(page: Page, what: string): Promise<AxeReport> {
  const report = await runAxe(page);
  const grave = report.violations.filter(isGrave);
  const lesser = report.violations.filter((v) => !isGrave(v));
  console.log(
    `[axe] ${what}: ${grave.length} serious/critical, ${lesser.length} minor/moderate` +
      (lesser.length > 0 ? `\n${describeViolations(lesser)}` : "") +
      (report.incomplete.length > 0
        ? `\n  undecided, to review by hand:\n${report.incomplete
            .map((i) => `  ${i.id}: ${i.nodes.map((n) => `${n.target} — ${n.summary}`).join("\n    ")}`)
            .join("\n")}`
        : ""),
  );
  expect(grave, `${what}: serious or critical axe violations\n${describeViolations(grave)}`).toEqual([]);
  return report;
}

/** Generous: other browser tests share the machine's two cores. */
const TEST_MS = 240_000;

const LOCALES = [
  {
    locale: "fr-FR",
    lang: "fr",
    hello: "Bonjour à tous, on commence dans une minute ?",
    reply: "Oui, allons-y.",
  },
  {
    locale: "en-US",
    lang: "en",
    hello: "Hello everyone, shall we start in a minute?",
    reply: "Yes, let's go.",
  },
] as const;

describe.each(LOCALES)("axe finds nothing serious ($locale)", ({ locale, lang, hello, reply }) => {
  const room = `a11y-${lang}-${Date.now().toString(36)}`;
  let moderator: Participant;

  async function person(label: string): Promise<Participant> {
    const p = await newParticipant(browser, `${label}-${lang}`, { locale });
    await p.page.setViewportSize({ width: 1280, height: 720 });
    people.push(p);
    return p;
  }

  it(
    "the pre-join screen",
    async () => {
      evidenceOnFailure(`a11y-prejoin-${lang}`);
      moderator = await person("moderator");
      const page = moderator.page;
      await openPrejoin(page, server.origin, room);
      expect(await page.evaluate(() => document.documentElement.lang)).toBe(lang);
      // With a name the Join button is enabled: its colours count (a disabled button's do not).
      await fillName(page, "Dominique Martin-Lefèvre");
      await waitFor(
        () =>
          page
            .locator(sel.preview)
            .evaluate((v: HTMLVideoElement) => v.videoWidth > 0)
            .catch(() => false),
        { timeoutMs: 20_000, what: "the camera preview" },
      );
      await expectNoGraveViolations(page, `pre-join (${lang})`);
    },
    TEST_MS,
  );

  it(
    "the lobby screen, waiting in a room whose lobby is on",
    async () => {
      evidenceOnFailure(`a11y-lobby-${lang}`);
      await moderator.page.locator(sel.join).click();
      await waitForConference(moderator.page, 30_000);
      // Someone already in (a raw client): she chats and raises her hand for the meeting screen's turn.
      raw.push(await enter(server.wsUrl, room, "Élodie Nguyen", { audio: false, video: false }));
      await setLobby(moderator.page, true);
      const waiting = await person("waiting");
      await clickJoin(waiting.page, server.origin, room, "Camille Bernard");
      await waiting.page.locator(msel.lobbyScreen).waitFor({ state: "visible", timeout: 30_000 });
      expect(await waiting.page.evaluate(() => document.documentElement.lang)).toBe(lang);
      await expectNoGraveViolations(waiting.page, `lobby screen (${lang})`);
    },
    TEST_MS,
  );

  it(
    "the meeting screen with the chat and participants panes open, a knock, a hand and the muted-talk notice",
    async () => {
      evidenceOnFailure(`a11y-meeting-${lang}`);
      const page = moderator.page;
      const elodie = raw.at(-1);
      if (!elodie) throw new Error("no raw participant");
      await elodie.client.request({ type: "chat.send", text: hello, clientId: `a11y-${lang}-1` });
      await elodie.client.request({ type: "hand.raise" });

      await openChat(page);
      await sendChat(page, reply);
      await waitForShownTexts(page, [hello, reply], () => true, "both chat messages");
      await openParticipants(page);
      await page.locator(msel.lobbyEntry).first().waitFor({ state: "visible", timeout: 20_000 });
      await page.locator(msel.knock).first().waitFor({ state: "visible", timeout: 20_000 });
      await page.locator(social.handsList).waitFor({ state: "visible", timeout: 20_000 });
      // Muted while the fake microphone talks: the notice with its "Unmute" button comes up.
      await page.locator(sel.toggleMic).click();
      await waitFor(
        async () => (await page.locator(sel.toggleMic).getAttribute("aria-pressed")) === "false",
        {
          timeoutMs: 20_000,
          what: "the microphone muted",
        },
      );
      await page.locator("[data-testid=talking-while-muted]").waitFor({ state: "visible", timeout: 30_000 });
      await expectNoGraveViolations(page, `meeting screen (${lang})`);
    },
    TEST_MS,
  );
});

describe("avatar colours", () => {
  it(
    "every colour of the palette holds its white initials at 4.5:1 at least",
    async () => {
      evidenceOnFailure("a11y-avatars");
      const p = await newParticipant(browser, "avatars", { locale: "fr-FR" });
      people.push(p);
      const page = p.page;
      await openPrejoin(page, server.origin, `a11y-avatars-${Date.now().toString(36)}`);
      const camera = page.locator(sel.prejoinCamera);
      await waitFor(async () => (await camera.getAttribute("aria-pressed")) === "true", {
        timeoutMs: 20_000,
        what: "the camera on at first",
      });
      await camera.click();
      await waitFor(async () => (await camera.getAttribute("aria-pressed")) === "false", {
        timeoutMs: 20_000,
        what: "the camera off: the avatar shows",
      });
      const avatar = page.locator("[data-testid=avatar]");
      const seen = new Map<string, { color: string; background: string; text: string }>();
      for (let i = 0; i < 400 && seen.size < 8; i++) {
        const name = `Camille Invité ${i}`;
        await page.locator(sel.displayName).fill(name);
        const look = await avatar.evaluate((el) => {
          const style = getComputedStyle(el);
          return {
            palette: /avatar-c\d+/.exec(el.className)?.[0] ?? "",
            color: style.color,
            background: style.backgroundColor,
            text: el.textContent ?? "",
          };
        });
        if (look.palette && !seen.has(look.palette)) seen.set(look.palette, look);
      }
      const ratios = Object.fromEntries(
        [...seen].map(([palette, look]) => [palette, contrastRatio(look.color, look.background)]),
      );
      console.log(
        `[axe] avatar palette: ${JSON.stringify(Object.fromEntries(seen))}\n[axe] ratios ${JSON.stringify(ratios)}`,
      );
      expect([...seen.keys()].sort(), "all eight colours came up").toEqual([
        "avatar-c0",
        "avatar-c1",
        "avatar-c2",
        "avatar-c3",
        "avatar-c4",
        "avatar-c5",
        "avatar-c6",
        "avatar-c7",
      ]);
      for (const [palette, ratio] of Object.entries(ratios))
        expect(ratio, `${palette}: initials against their colour`).toBeGreaterThanOrEqual(4.5);
    },
    TEST_MS,
  );
});

// Last: judges every line the server printed during the file's tests.
describeServerLog(() => server);
