/**
 * Raised hands and reactions through the real UI, three Chromium participants (PROTOCOL.md, "Raised hands",
 * "Reactions", "Coming back after a lost connection"): the queue order is the same on every page (tiles,
 * the moderator's list, the participants pane), the floor goes to the first hand, a participant whose
 * connection drops comes back with its hand at its place, and a reaction bursts on the others' screens.
 *
 * Ann joins first (moderator), then Ben and Cat. The tests share the room and run in order.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { describeServerLog } from "../helpers/log-health.js";
import { type ServerHandle, startServer, tail } from "../helpers/server.js";
import { waitFor } from "../helpers/wait.js";
import { launchChromium, newParticipant, type Participant, saveEvidence } from "./helpers/browser.js";
import {
  dropSignaling,
  type FrameLog,
  installSocketTracker,
  recordFrames,
  social,
  socketSummary,
  tileHandPositions,
  waitForHandOrder,
} from "./helpers/social.js";
import { joinViaUi, waitForRemoteSet } from "./helpers/ui.js";

interface Person {
  p: Participant;
  page: Page;
  id: string;
  name: string;
  frames: FrameLog;
  moderator: boolean;
}

/** Generous: other engineers run browsers on the same two cores. */
const E2E_TEST_MS = 240_000;

let server: ServerHandle;
let browser: Browser;
const people: Participant[] = [];
let ann: Person;
let ben: Person;
let cat: Person;
const everyone = () => [ann, ben, cat];
const room = `hands-e2e-${Date.now().toString(36)}`;

async function enter(label: string, name: string, moderator: boolean): Promise<Person> {
  const p = await newParticipant(browser, label);
  people.push(p);
  await installSocketTracker(p.page);
  const frames = recordFrames(p.page);
  const id = await joinViaUi(p.page, server.origin, room, name);
  return { p, page: p.page, id, name, frames, moderator };
}

function evidenceOnFailure(tag: string): void {
  onTestFailed(async () => {
    const dir = await saveEvidence(`hands-${tag}`, people);
    console.error(`evidence in ${dir}\nserver log ${server.logFile} (tail):\n${tail(server.lines, 40)}`);
  });
}

/** Every page shows the hands `order` (tiles; the moderator's list too). */
async function expectOrderEverywhere(order: Person[], what: string): Promise<void> {
  const ids = order.map((x) => x.id);
  for (const x of everyone()) {
    await waitForHandOrder(x.page, ids, { moderator: x.moderator, what: `${what}, on ${x.name}'s page` });
  }
}

async function handPressed(x: Person): Promise<string | null> {
  return x.page.locator(social.toggleHand).getAttribute("aria-pressed");
}

async function waitPressed(x: Person, pressed: boolean, what: string): Promise<void> {
  await waitFor(async () => (await handPressed(x)) === String(pressed), { timeoutMs: 30_000, what });
}

beforeAll(async () => {
  server = await startServer({ name: "e2e-hands" });
  browser = await launchChromium();
  ann = await enter("ann", "Ann", true);
  ben = await enter("ben", "Ben", false);
  cat = await enter("cat", "Cat", false);
  await waitForRemoteSet(ann.page, [ben.id, cat.id]);
  await waitForRemoteSet(ben.page, [ann.id, cat.id]);
  await waitForRemoteSet(cat.page, [ann.id, ben.id]);
});

afterAll(async () => {
  for (const p of people) await p.close();
  await browser?.close();
  if (server) await server.stop();
});

describe("raised hands in the UI", () => {
  it(
    "Ben (button) then Cat (keyboard R) raise: every page shows Ben 1st, Cat 2nd",
    async () => {
      evidenceOnFailure("raise");
      for (const x of everyone()) expect(await handPressed(x), `${x.name}'s hand starts down`).toBe("false");
      await ben.page.locator(social.toggleHand).click();
      await waitPressed(ben, true, "Ben's hand button pressed");
      await expectOrderEverywhere([ben], "after Ben raised");

      // Cat uses the shortcut, with the focus on nothing in particular.
      await cat.page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
      await cat.page.keyboard.press("r");
      await waitPressed(cat, true, "Cat's hand button pressed after R");
      await expectOrderEverywhere([ben, cat], "after Ben then Cat raised");
      expect(await handPressed(ann)).toBe("false");
      // The moderator's list shows positions next to the names, in order.
      const entries = ann.page.locator(`${social.handsList} ${social.handEntry}`);
      expect(await entries.count()).toBe(2);
      expect(await entries.nth(0).textContent()).toContain("Ben");
      expect(await entries.nth(1).textContent()).toContain("Cat");
      // Participants do not get the moderator's list.
      for (const x of [ben, cat]) expect(await x.page.locator(social.handsList).count(), x.name).toBe(0);
      // R typed in the chat box is text, not the shortcut.
      await ben.page.locator(social.toggleChat).click();
      await ben.page.locator(social.chatInput).fill("");
      await ben.page.locator(social.chatInput).press("r");
      expect(await ben.page.locator(social.chatInput).inputValue()).toBe("r");
      await ben.page.locator(social.chatInput).fill("");
      await ben.page.locator(social.toggleChat).click();
      await expectOrderEverywhere([ben, cat], "after R typed in Ben's chat box");
    },
    E2E_TEST_MS,
  );

  it(
    "the participants pane shows each raised hand's position",
    async () => {
      evidenceOnFailure("pane");
      const page = cat.page;
      await page.locator(social.toggleParticipants).click();
      await page.locator(social.participantsPane).waitFor({ state: "visible", timeout: 20_000 });
      const positionOf = async (x: Person) => {
        const mark = page.locator(`${social.participantRow(x.id)} ${social.handPosition}`);
        if ((await mark.count()) === 0) return null;
        const digits = /\d+/.exec((await mark.first().textContent()) ?? "");
        return digits ? Number(digits[0]) : -1;
      };
      await waitFor(
        async () =>
          (await positionOf(ben)) === 1 && (await positionOf(cat)) === 2 && (await positionOf(ann)) === null,
        { timeoutMs: 30_000, what: "rows: Ben 1, Cat 2, Ann none" },
      );
      await page.locator(social.toggleParticipants).click();
      await page.locator(social.participantsPane).waitFor({ state: "detached", timeout: 20_000 });
    },
    E2E_TEST_MS,
  );

  it(
    "the moderator gives Ben the floor: Ben is told, his hand is lowered, Cat is 1st everywhere",
    async () => {
      evidenceOnFailure("floor");
      await expectOrderEverywhere([ben, cat], "before the floor is given");
      await ann.page
        .locator(`${social.handEntry}[data-participant-id="${ben.id}"] ${social.giveFloor}`)
        .click();
      await ben.page.locator(social.floorNotice).waitFor({ state: "visible", timeout: 30_000 });
      await waitPressed(ben, false, "Ben's hand button released after the floor");
      await expectOrderEverywhere([cat], "after the floor went to Ben");
      expect(await handPressed(cat)).toBe("true");
      // Only Ben was given the floor.
      expect(ben.frames.ofType("floor.given")).toHaveLength(1);
      expect(ben.frames.ofType("floor.given")[0]?.by).toBe(ann.id);
      for (const x of [ann, cat]) {
        expect(x.frames.ofType("floor.given"), `${x.name} got floor.given`).toEqual([]);
        expect(await x.page.locator(social.floorNotice).count(), `${x.name} shows a floor notice`).toBe(0);
      }
    },
    E2E_TEST_MS,
  );

  it(
    "a participant whose connection drops comes back with its hand at its place (Cat 1st, Ben 2nd)",
    async () => {
      evidenceOnFailure("reconnect");
      await ben.page.locator(social.toggleHand).click();
      await waitPressed(ben, true, "Ben raised again");
      await expectOrderEverywhere([cat, ben], "Ben raised again after Cat");

      const leftBefore = ann.frames.ofType("participant.left").length;
      const joinedBefore = ann.frames.ofType("participant.joined").length;
      const socketsBefore = await dropSignaling(ben.page);
      // The server saw Ben go, then come back as himself.
      await waitFor(
        () =>
          ann.frames
            .ofType("participant.left")
            .slice(leftBefore)
            .some((m) => m.participantId === ben.id),
        { timeoutMs: 30_000, what: "Ann hears Ben's connection drop" },
      );
      await waitFor(
        () =>
          ann.frames
            .ofType("participant.joined")
            .slice(joinedBefore)
            .some((m) => m.participant?.id === ben.id),
        { timeoutMs: 30_000, what: "Ann sees Ben join again with the same id" },
      );
      await waitFor(
        async () => {
          const s = await socketSummary(ben.page);
          return s.count > socketsBefore && s.lastState === 1;
        },
        { timeoutMs: 30_000, what: "Ben's new socket open" },
      );
      for (const x of [ann, cat])
        await waitForRemoteSet(
          x.page,
          [ann, ben, cat].filter((y) => y !== x).map((y) => y.id),
        );
      await expectOrderEverywhere([cat, ben], "after Ben came back");
      await waitPressed(ben, true, "Ben's hand button still pressed after coming back");
      // And it stays that way (no late message undoes it): the next change is applied on top of it.
      await cat.page.locator(social.toggleHand).click();
      await waitPressed(cat, false, "Cat lowered her hand");
      await expectOrderEverywhere([ben], "after Cat lowered hers");
    },
    E2E_TEST_MS,
  );

  it(
    "the moderator lowers one hand, then all of them",
    async () => {
      evidenceOnFailure("lower");
      await cat.page.locator(social.toggleHand).click();
      await expectOrderEverywhere([ben, cat], "Ben and Cat raised");
      await ann.page
        .locator(`${social.handEntry}[data-participant-id="${ben.id}"] ${social.lowerHand}`)
        .click();
      await expectOrderEverywhere([cat], "after the moderator lowered Ben's hand");
      await waitPressed(ben, false, "Ben's button released");
      await ben.page.locator(social.toggleHand).click();
      await expectOrderEverywhere([cat, ben], "Ben raised again");
      await ann.page.locator(social.lowerAllHands).click();
      await expectOrderEverywhere([], "after lower all");
      for (const x of everyone()) {
        await waitPressed(x, false, `${x.name}'s button released after lower all`);
        expect(await tileHandPositions(x.page)).toEqual({});
      }
      expect(await ann.page.locator(social.handsList).count(), "no list without hands").toBe(0);
    },
    E2E_TEST_MS,
  );
});

describe("reactions in the UI", () => {
  it(
    "a reaction picked from the menu bursts on the other pages",
    async () => {
      evidenceOnFailure("reactions");
      await ann.page.locator(social.toggleReactions).click();
      await ann.page.locator(social.reactionsMenu).waitFor({ state: "visible", timeout: 20_000 });
      await ann.page.locator(social.reaction("👍")).click();
      for (const x of [ben, cat]) {
        await x.page
          .locator(social.reactionBurst("👍"))
          .first()
          .waitFor({ state: "attached", timeout: 30_000 });
        const frames = x.frames.ofType("reaction");
        expect(frames, `${x.name}'s reaction frames`).toContainEqual({
          type: "reaction",
          participantId: ann.id,
          emoji: "👍",
        });
      }
      // Another emoji from someone else, seen by Ann; nothing shows an emoji nobody sent.
      await cat.page.locator(social.toggleReactions).click();
      await cat.page.locator(social.reaction("🎉")).click();
      await ann.page
        .locator(social.reactionBurst("🎉"))
        .first()
        .waitFor({ state: "attached", timeout: 30_000 });
      for (const x of everyone()) expect(await x.page.locator(social.reactionBurst("🤔")).count()).toBe(0);
    },
    E2E_TEST_MS,
  );
});

// Last: judges every line the server printed during the file's tests.
describeServerLog(() => server);
