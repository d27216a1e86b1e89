/**
 * Polls through the real UI (PROTOCOL.md "Polls"), three Chromium participants in one room, one of them in
 * French, and a latecomer: the moderator asks a poll from the chat panel's Polls tab; the others see the chat
 * button say a poll waits, vote (one with the keyboard alone); everyone's results agree and show the voters'
 * names; the moderator closes it and shares the results, which appear in everyone's chat; the latecomer sees
 * the poll with its results. A participant cannot ask until the moderator lets anyone; then an anonymous poll
 * gets 4 voters, counted live on every page, one vote per browser, and no voter's name on any page or frame.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { describeServerLog } from "../helpers/log-health.js";
import { type ServerHandle, startServer, tail } from "../helpers/server.js";
import { waitFor } from "../helpers/wait.js";
import { RawClient } from "../helpers/ws-client.js";
import { launchChromium, newParticipant, type Participant, saveEvidence } from "./helpers/browser.js";
import { openParticipants } from "./helpers/moderation-ui.js";
import { openChat } from "./helpers/social.js";
import { joinViaUi, waitForRemoteSet } from "./helpers/ui.js";
import { type FrameLog, recordFrames } from "./helpers/ws-frames.js";

const E2E_TEST_MS = 180_000;

let server: ServerHandle;
let browser: Browser;
const people: Participant[] = [];
let mod: { p: Participant; id: string };
let ben: { p: Participant; id: string };
let chloe: { p: Participant; id: string };
/** The latecomer of the second test, a voter in the third. */
let dan: { p: Participant; id: string };
const everyone = () => [mod, ben, chloe, dan];
/** What each page's socket carried (the anonymous poll must carry no names). */
const frames = new Map<Participant, FrameLog>();
const room = `polls-e2e-${Date.now().toString(36)}`;

async function enter(label: string, name: string, locale = "en-US") {
  const p = await newParticipant(browser, label, { locale });
  people.push(p);
  frames.set(p, recordFrames(p.page));
  const id = await joinViaUi(p.page, server.origin, room, name);
  return { p, id };
}

function evidenceOnFailure(tag: string): void {
  onTestFailed(async () => {
    const dir = await saveEvidence(`polls-${tag}`, people);
    console.error(`evidence in ${dir}\nserver log ${server.logFile} (tail):\n${tail(server.lines, 40)}`);
  });
}

async function openPolls(page: Page): Promise<void> {
  await openChat(page);
  await page.locator("[data-testid=chat-tab-polls]").click();
  await page.locator("[data-testid=polls-tab]").waitFor({ state: "visible", timeout: 10_000 });
}

/** What the card of the poll asking `question` shows as results: each answer's count text, in order. */
async function counts(page: Page, question: string): Promise<string[]> {
  return page
    .locator("[data-testid=poll-card]", { hasText: question })
    .locator("[data-testid=poll-count]")
    .allTextContents();
}

beforeAll(async () => {
  server = await startServer({ name: "e2e-polls" });
  browser = await launchChromium();
  mod = await enter("mod", "Mona");
  ben = await enter("ben", "Ben");
  chloe = await enter("chloe", "Chloé", "fr-FR");
  await waitForRemoteSet(mod.p.page, [ben.id, chloe.id]);
  await waitForRemoteSet(ben.p.page, [mod.id, chloe.id]);
  await waitForRemoteSet(chloe.p.page, [mod.id, ben.id]);
});

afterAll(async () => {
  for (const p of people) await p.close();
  await browser?.close();
  if (server) await server.stop();
});

describe("polls in the UI", () => {
  it(
    "the moderator asks, the others vote (one by keyboard, one in French), everyone sees the same results",
    async () => {
      evidenceOnFailure("vote");
      const page = mod.p.page;
      await openPolls(page);
      await page.locator("[data-testid=poll-new]").click();
      await page.locator("[data-testid=poll-question-input]").fill("Lunch?");
      const options = page.locator("[data-testid=poll-option-input]");
      await options.nth(0).fill("Pizza");
      await options.nth(1).fill("Salad");
      await page.locator("[data-testid=poll-add-option]").click();
      await options.nth(2).fill("Soup");
      await page.locator("[data-testid=poll-ask]").click();
      await page.locator("[data-testid=poll-card]", { hasText: "Lunch?" }).waitFor({ timeout: 10_000 });

      // Ben's chat button says a poll waits for him; he answers with the mouse.
      await ben.p.page.locator("[data-testid=polls-to-answer]").waitFor({ timeout: 10_000 });
      await openPolls(ben.p.page);
      const benCard = ben.p.page.locator("[data-testid=poll-card]", { hasText: "Lunch?" });
      await benCard.locator("[data-testid=poll-choice]").nth(1).check();
      await benCard.locator("[data-testid=poll-vote]").click();
      await benCard.locator("[data-testid=poll-results]").waitFor({ timeout: 10_000 });
      expect(await ben.p.page.locator("[data-testid=polls-to-answer]").count()).toBe(0);

      // Chloé, in French, with the keyboard alone: Tab to the first answer, arrow down to the third, Space,
      // Tab to "Voter", Enter.
      const fr = chloe.p.page;
      await openPolls(fr);
      await expect.poll(() => fr.locator("[data-testid=chat-tab-polls]").textContent()).toContain("Sondages");
      const frCard = fr.locator("[data-testid=poll-card]", { hasText: "Lunch?" });
      await frCard.locator("[data-testid=poll-choice]").nth(0).focus();
      await fr.keyboard.press("ArrowDown");
      await fr.keyboard.press("ArrowDown");
      await fr.keyboard.press("Space");
      await fr.keyboard.press("Tab");
      expect(await fr.evaluate(() => document.activeElement?.textContent)).toBe("Voter");
      await fr.keyboard.press("Enter");
      await frCard.locator("[data-testid=poll-results]").waitFor({ timeout: 10_000 });

      for (const x of [mod, ben, chloe]) {
        await waitFor(
          async () => (await counts(x.p.page, "Lunch?")).join("|") === "0 (0 %)|1 (50 %)|1 (50 %)",
          {
            timeoutMs: 10_000,
            what: `${x.id}'s results`,
          },
        );
      }
      // Not anonymous: the moderator sees who chose what.
      await expect
        .poll(() => page.locator("[data-testid=poll-card]", { hasText: "Lunch?" }).textContent())
        .toMatch(/Chosen by Ben[\s\S]*Chosen by Chloé/);
    },
    E2E_TEST_MS,
  );

  it(
    "closed and shared, the results appear in everyone's chat; a latecomer sees them in the poll",
    async () => {
      evidenceOnFailure("share");
      const page = mod.p.page;
      const card = page.locator("[data-testid=poll-card]", { hasText: "Lunch?" });
      await card.locator("[data-testid=poll-close]").click();
      await card.locator("[data-testid=poll-share]").waitFor({ timeout: 10_000 });
      // Closed: Ben's card takes no vote and offers him no management.
      const benCard = ben.p.page.locator("[data-testid=poll-card]", { hasText: "Lunch?" });
      await benCard.locator("text=Closed").waitFor({ timeout: 10_000 });
      expect(await benCard.locator("[data-testid=poll-close], [data-testid=poll-share]").count()).toBe(0);
      await card.locator("[data-testid=poll-share]").click();
      for (const x of [mod, ben, chloe]) {
        await x.p.page.locator("[data-testid=chat-tab-messages]").click();
        const shared = x.p.page.locator("[data-testid=chat-message]", { hasText: "Lunch?" });
        await shared.locator("[data-testid=poll-results]").waitFor({ timeout: 10_000 });
        expect(await shared.locator("[data-testid=poll-count]").allTextContents()).toEqual([
          "0 (0 %)",
          "1 (50 %)",
          "1 (50 %)",
        ]);
      }
      dan = await enter("dan", "Dan");
      await openPolls(dan.p.page);
      expect(await counts(dan.p.page, "Lunch?")).toEqual(["0 (0 %)", "1 (50 %)", "1 (50 %)"]);
    },
    E2E_TEST_MS,
  );

  it(
    "a participant cannot ask until the moderator lets anyone; Ben's anonymous poll: 4 voters, live counts everywhere, one vote each, no names even on the wire",
    async () => {
      evidenceOnFailure("rights");
      await openPolls(ben.p.page);
      expect(await ben.p.page.locator("[data-testid=poll-new]").count()).toBe(0);
      await openParticipants(mod.p.page);
      await mod.p.page.locator("[data-testid=polls-by-anyone-toggle]").check();
      // The participants pane lies over the chat panel: closed again before the moderator goes back to it.
      await mod.p.page.locator("[data-testid=toggle-participants]").click();
      await mod.p.page.locator("[data-testid=participants-pane]").waitFor({ state: "detached" });
      await ben.p.page.locator("[data-testid=poll-new]").waitFor({ timeout: 10_000 });
      await ben.p.page.locator("[data-testid=poll-new]").click();
      await ben.p.page.locator("[data-testid=poll-question-input]").fill("Secret?");
      const options = ben.p.page.locator("[data-testid=poll-option-input]");
      await options.nth(0).fill("Yes");
      await options.nth(1).fill("No");
      await ben.p.page.locator("[data-testid=poll-anonymous]").check();
      await ben.p.page.locator("[data-testid=poll-ask]").click();

      // Four voters, one after the other. After each vote, every page that shows the results shows the new
      // count: the voters so far, and the poll's managers (its author Ben, the moderator Mona) from the start;
      // who has not voted yet sees the question only.
      const voters = [
        { x: chloe, choice: 0, tally: "1 (100 %)|0 (0 %)" },
        { x: mod, choice: 0, tally: "2 (100 %)|0 (0 %)" },
        { x: dan, choice: 1, tally: "2 (67 %)|1 (33 %)" },
        { x: ben, choice: 0, tally: "3 (75 %)|1 (25 %)" },
      ];
      for (const x of everyone()) await openPolls(x.p.page);
      const showing = new Set([mod, ben]);
      for (const { x, choice, tally } of voters) {
        const card = x.p.page.locator("[data-testid=poll-card]", { hasText: "Secret?" });
        await card.locator("[data-testid=poll-choice]").nth(choice).check();
        await card.locator("[data-testid=poll-vote]").click();
        showing.add(x);
        for (const y of showing) {
          await waitFor(async () => (await counts(y.p.page, "Secret?")).join("|") === tally, {
            timeoutMs: 10_000,
            what: `${y.p.label}'s count of "Secret?" after ${x.p.label}'s vote (${tally})`,
          });
        }
        for (const y of everyone().filter((z) => !showing.has(z)))
          expect(await counts(y.p.page, "Secret?"), `${y.p.label} has not voted yet`).toEqual([]);
      }

      // Chloé's browser votes again, from a second connection of its own (the app shows her the results
      // only): refused, and no page's count moves.
      const chloeJoin = frames.get(chloe.p)?.sent.find((f) => f.type === "join");
      const pollId = frames
        .get(chloe.p)
        ?.received.find((f) => f.type === "poll" && f.poll.question === "Secret?")?.poll.id as string;
      const again = await RawClient.connect(server.wsUrl);
      try {
        const joined = await again.request({ type: "join", v: 1, room, name: "Chloé", key: chloeJoin?.key });
        expect(joined.type).toBe("joined");
        const vote = await again.request({ type: "poll.vote", pollId, choices: [1] });
        expect(vote).toMatchObject({ type: "error", code: "bad_state" });
      } finally {
        again.close();
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
      for (const y of everyone()) expect(await counts(y.p.page, "Secret?")).toEqual(["3 (75 %)", "1 (25 %)"]);

      // Anonymous: no page shows a voter's name, and none of the frames that carried the poll holds one.
      for (const y of everyone()) {
        const card = y.p.page.locator("[data-testid=poll-card]", { hasText: "Secret?" });
        const text = (await card.textContent()) ?? "";
        for (const name of ["Mona", "Chloé", "Dan"]) expect(text, `${y.id}'s card`).not.toContain(name);
        const carried = (frames.get(y.p)?.received ?? []).filter(
          (f) => f.type === "poll" && f.poll.question === "Secret?",
        );
        expect(carried.length, `poll frames ${y.id} received`).toBeGreaterThan(0);
        for (const f of carried) {
          expect(f.poll.names, "names in an anonymous poll's frame").toBeUndefined();
          const wire = JSON.stringify(f);
          for (const name of ["Mona", "Chloé", "Dan"]) expect(wire).not.toContain(name);
        }
      }
    },
    E2E_TEST_MS,
  );
});

describeServerLog(() => server);
