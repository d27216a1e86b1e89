/**
 * Reloading the page, through the real UI (headless Chromium): the resume token is kept for the tab and the
 * meeting (sessionStorage), and the page drops its socket without `leave` on pagehide, so the moderator who
 * reloads and presses Join again is the same participant: same id, still moderator (the server holds the role
 * MODERATOR_RETURN_SECONDS for them, and nobody else is promoted meanwhile or after), raised hand back at its
 * place. Hanging up with the red button forgets the token: joining again (the Rejoin button, or a reload and
 * Join) makes a new participant.
 *
 * The tests run in order and share one room (later steps build on earlier ones).
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { describeServerLog } from "../helpers/log-health.js";
import { type ServerHandle, startServer, tail } from "../helpers/server.js";
import { sleep } from "../helpers/wait.js";
import { launchChromium, newParticipant, type Participant, saveEvidence } from "./helpers/browser.js";
import { msel, openParticipants, rowOf, waitForConference } from "./helpers/moderation-ui.js";
import { sampleGrowth } from "./helpers/rtc.js";
import { social, waitForHandOrder } from "./helpers/social.js";
import { fillName, joinViaUi, sel, tileOf, waitForMediaFrom, waitForRemoteSet } from "./helpers/ui.js";
import { type Frame, type FrameLog, recordFrames } from "./helpers/ws-frames.js";

/** Set explicitly (it is also the default) so the test does not depend on the default staying 10. */
const MODERATOR_RETURN_SECONDS = 10;

interface Person {
  p: Participant;
  page: Page;
  id: string;
  name: string;
  frames: FrameLog;
}

let server: ServerHandle;
let browser: Browser;
const pages: Participant[] = [];
let ann: Person;
let ben: Person;
let cat: Person;
const room = `e2e-reload-${Date.now().toString(36)}`;
/** When Ann's page started reloading (Date.now()). */
let reloadedAt = 0;

async function enter(label: string, name: string): Promise<Person> {
  const p = await newParticipant(browser, label);
  pages.push(p);
  const frames = recordFrames(p.page);
  const id = await joinViaUi(p.page, server.origin, room, name);
  return { p, page: p.page, id, name, frames };
}

function evidenceOnFailure(tag: string): void {
  onTestFailed(async () => {
    const dir = await saveEvidence(`reload-${tag}`, pages);
    console.error(`evidence in ${dir}\nserver log ${server.logFile} (tail):\n${tail(server.lines, 60)}`);
  });
}

/** The `join` messages the page sent, in order. */
const joinsSent = (x: Person): Frame[] => x.frames.sent.filter((f) => f.type === "join");

/** Role changes to moderator that `x` heard of, from message index `from` on. */
const promotionsSeen = (x: Person, from: number): string[] =>
  x.frames.received
    .slice(from)
    .filter((f) => f.type === "participant.updated" && f.participant?.role === "moderator")
    .map((f) => f.participant.id);

/** Every page shows exactly `moderator` with the moderator's badge in its participants pane. */
async function expectOnlyModerator(people: Person[], moderator: Person): Promise<void> {
  for (const x of people) {
    await openParticipants(x.page);
    await x.page
      .locator(`${rowOf(moderator.id)} ${msel.roleBadge}`)
      .waitFor({ state: "visible", timeout: 10_000 });
    expect(await x.page.locator(`${msel.pane} ${msel.roleBadge}`).count(), `badges on ${x.name}'s page`).toBe(
      1,
    );
    await x.page.locator(msel.toggleParticipants).click();
    await x.page.locator(msel.pane).waitFor({ state: "detached", timeout: 10_000 });
  }
}

beforeAll(async () => {
  server = await startServer({
    name: "e2e-reload-resume",
    env: { MODERATOR_RETURN_SECONDS: String(MODERATOR_RETURN_SECONDS) },
  });
  browser = await launchChromium();
});

afterAll(async () => {
  for (const p of pages) await p.close();
  await browser?.close();
  if (server) await server.stop();
});

describe.sequential("coming back after a reload", () => {
  it("Ann (moderator), Ben and Cat are in a call; Ann raises her hand, then Ben", async () => {
    evidenceOnFailure("setup");
    ann = await enter("ann", "Ann");
    ben = await enter("ben", "Ben");
    cat = await enter("cat", "Cat");
    for (const [x, ids] of [
      [ann, [ben.id, cat.id]],
      [ben, [ann.id, cat.id]],
      [cat, [ann.id, ben.id]],
    ] as const) {
      await waitForRemoteSet(x.page, [...ids], 30_000);
      await waitForMediaFrom(x.page, [...ids], 40_000);
    }
    await ann.page.locator(social.toggleHand).click();
    await waitForHandOrder(cat.page, [ann.id], { what: "Ann's hand on Cat's page" });
    await ben.page.locator(social.toggleHand).click();
    for (const x of [ann, ben, cat])
      await waitForHandOrder(x.page, [ann.id, ben.id], {
        moderator: x === ann,
        what: `hands on ${x.name}'s page`,
      });
    await expectOnlyModerator([ann, ben, cat], ann);
  });

  it("Ann reloads the page and presses Join: the same participant, moderator, hand back in first place", async () => {
    evidenceOnFailure("reload");
    const fromBen = ben.frames.mark();
    const fromCat = cat.frames.mark();
    reloadedAt = Date.now();
    await ann.page.reload({ waitUntil: "load" });
    // A pre-join screen, as after any reload: she is in the meeting only once she presses Join.
    await ann.page.locator(sel.displayName).waitFor({ state: "visible", timeout: 20_000 });
    expect(await ann.page.locator(sel.conference).count()).toBe(0);
    await fillName(ann.page, "Ann");
    await ann.page.locator(sel.join).click();
    const id = await waitForConference(ann.page, 30_000);
    const backAfter = Date.now() - reloadedAt;
    console.log(`[reload] Ann back in the meeting ${backAfter} ms after the reload started`);

    expect(id, "Ann's participant id after the reload").toBe(ann.id);
    const join = joinsSent(ann).at(-1);
    expect(typeof join?.resume, "the join after the reload carried the kept resume token").toBe("string");
    expect(join?.password, "no password with a resume").toBeUndefined();
    const joined = ann.frames.received.filter((f) => f.type === "joined").at(-1);
    expect(joined?.you).toMatchObject({ id: ann.id, role: "moderator" });
    expect(
      ann.frames.received.some((f) => f.type === "error" && f.code === "resume_expired"),
      "the token was honoured",
    ).toBe(false);

    // The others saw her connection drop and the same participant come back.
    for (const [x, from] of [
      [ben, fromBen],
      [cat, fromCat],
    ] as const) {
      const since = x.frames.received.slice(from);
      expect(
        since.some(
          (f) => f.type === "participant.left" && f.participantId === ann.id && f.reason === "disconnected",
        ),
        `${x.name} saw Ann's connection drop (no 'leave' on reload)`,
      ).toBe(true);
      expect(
        since.some((f) => f.type === "participant.joined" && f.participant?.id === ann.id),
        `${x.name} saw Ann come back with her id`,
      ).toBe(true);
      await x.page.locator(tileOf(ann.id)).waitFor({ state: "attached", timeout: 20_000 });
    }

    for (const x of [ann, ben, cat])
      await waitForHandOrder(x.page, [ann.id, ben.id], {
        moderator: x === ann,
        what: `hands on ${x.name}'s page after Ann's reload`,
      });
    expect(await ann.page.locator(social.toggleHand).getAttribute("aria-pressed")).toBe("true");

    // Media both ways again.
    await waitForMediaFrom(ann.page, [ben.id, cat.id], 40_000);
    await waitForMediaFrom(ben.page, [ann.id, cat.id], 40_000);
    const growth = await sampleGrowth(ben.page, 2000);
    expect(growth.get(ann.id)?.videoFramesDelta, "Ben decodes Ann's video after her reload").toBeGreaterThan(
      10,
    );
    expect(
      growth.get(ann.id)?.audioPacketsDelta,
      "Ben receives Ann's audio after her reload",
    ).toBeGreaterThan(20);

    // Past the moderator's return window nobody else was promoted, and Ann has the moderator's controls.
    await sleep(Math.max(0, reloadedAt + (MODERATOR_RETURN_SECONDS + 2) * 1000 - Date.now()));
    expect(promotionsSeen(ben, fromBen), "promotions Ben heard of").toEqual([]);
    expect(promotionsSeen(cat, fromCat), "promotions Cat heard of").toEqual([]);
    await expectOnlyModerator([ann, ben, cat], ann);
    await openParticipants(ann.page);
    await ann.page.locator(msel.lobbyToggle).waitFor({ state: "visible", timeout: 10_000 });
    await ann.page.locator(msel.toggleParticipants).click();
  });

  it("Ben hangs up with the red button and presses Rejoin: a new participant, without his hand", async () => {
    evidenceOnFailure("hangup-rejoin");
    const joinsBefore = joinsSent(ben).length;
    await ben.page.locator(sel.hangup).click();
    await ben.page.locator(sel.leftScreen).waitFor({ state: "visible", timeout: 10_000 });
    await ann.page.locator(tileOf(ben.id)).waitFor({ state: "detached", timeout: 10_000 });
    await ben.page.locator(sel.leftScreen).getByRole("button", { name: "Rejoin" }).click();
    const id = await waitForConference(ben.page, 30_000);
    expect(id, "Ben's id after hanging up and rejoining").not.toBe(ben.id);
    const join = joinsSent(ben).slice(joinsBefore);
    expect(join, "one join after the rejoin").toHaveLength(1);
    expect(join[0]?.resume, "the rejoin presented no resume token").toBeUndefined();
    const oldId = ben.id;
    ben.id = id;

    for (const x of [ann, cat]) {
      await waitForRemoteSet(x.page, [ben.id, x === ann ? cat.id : ann.id], 20_000);
      expect(await x.page.locator(tileOf(oldId)).count()).toBe(0);
    }
    // His old place in the queue went with the old participant.
    for (const x of [ann, ben, cat])
      await waitForHandOrder(x.page, [ann.id], { moderator: x === ann, what: `hands on ${x.name}'s page` });
    expect(await ben.page.locator(social.toggleHand).getAttribute("aria-pressed")).toBe("false");
    await waitForMediaFrom(ben.page, [ann.id, cat.id], 40_000);
  });

  it("Cat hangs up, reloads the page and presses Join: a new participant too", async () => {
    evidenceOnFailure("hangup-reload");
    const joinsBefore = joinsSent(cat).length;
    await cat.page.locator(sel.hangup).click();
    await cat.page.locator(sel.leftScreen).waitFor({ state: "visible", timeout: 10_000 });
    await cat.page.reload({ waitUntil: "load" });
    await cat.page.locator(sel.displayName).waitFor({ state: "visible", timeout: 20_000 });
    await fillName(cat.page, "Cat");
    await cat.page.locator(sel.join).click();
    const id = await waitForConference(cat.page, 30_000);
    expect(id, "Cat's id after hanging up, reloading and joining").not.toBe(cat.id);
    const join = joinsSent(cat).slice(joinsBefore);
    expect(join, "one join after the reload").toHaveLength(1);
    expect(join[0]?.resume, "the join after the hang-up presented no resume token").toBeUndefined();
    const oldId = cat.id;
    cat.id = id;
    await waitForRemoteSet(ann.page, [ben.id, cat.id], 20_000);
    expect(await ann.page.locator(tileOf(oldId)).count()).toBe(0);
    await expectOnlyModerator([ann, ben, cat], ann);
  });
});

describe("the pages", () => {
  it("logged no uncaught error", () => {
    const errors = pages.flatMap((p) =>
      p.console.filter((l) => l.startsWith("[pageerror]")).map((l) => `${p.label} ${l}`),
    );
    expect(errors).toEqual([]);
  });
});

// Last: judges every line the server printed during the file's tests.
describeServerLog(() => server);
