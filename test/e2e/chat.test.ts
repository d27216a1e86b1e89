/**
 * Chat through the real UI, three Chromium participants in one room (PROTOCOL.md, "Chat"): public messages in
 * the same order everywhere, private messages that never reach a third socket, names and text rendered as
 * text (never markup), the unread badge, and messages typed while the connection is being re-established
 * that arrive exactly once, in order.
 *
 * The tests share one room and run in order; each uses its own message texts.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { describeServerLog } from "../helpers/log-health.js";
import { type ServerHandle, startServer, tail } from "../helpers/server.js";
import { safeJson, waitFor } from "../helpers/wait.js";
import { launchChromium, newParticipant, type Participant, saveEvidence } from "./helpers/browser.js";
import {
  closeChat,
  dropSignaling,
  type FrameLog,
  installSocketTracker,
  openChat,
  recordFrames,
  releaseSockets,
  type ShownMessage,
  sendChat,
  shownMessages,
  social,
  socketSummary,
  unreadCount,
  waitForShownTexts,
} from "./helpers/social.js";
import { joinViaUi, sel, tileOf, waitForRemoteSet } from "./helpers/ui.js";

/** Cat's display name: markup that would run script if it were ever rendered as HTML. */
const CAT_NAME = "<img src=x onerror=window.__xss=1>";

interface Person {
  p: Participant;
  id: string;
  name: string;
  frames: FrameLog;
  dialogs: string[];
}

/** Generous: other engineers run browsers on the same two cores. */
const E2E_TEST_MS = 240_000;

let server: ServerHandle;
let browser: Browser;
const people: Participant[] = [];
let ann: Person;
let ben: Person;
let cat: Person;
const room = `chat-e2e-${Date.now().toString(36)}`;
let tagCounter = 0;
/** A unique prefix for one test's messages. */
const newTag = (label: string) => `${label}${++tagCounter}-${Date.now().toString(36).slice(-4)}`;

async function enter(label: string, name: string): Promise<Person> {
  const p = await newParticipant(browser, label);
  people.push(p);
  await installSocketTracker(p.page);
  const frames = recordFrames(p.page);
  const dialogs: string[] = [];
  p.page.on("dialog", (d) => {
    dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss().catch(() => {});
  });
  const id = await joinViaUi(p.page, server.origin, room, name);
  return { p, id, name, frames, dialogs };
}

function evidenceOnFailure(tag: string): void {
  onTestFailed(async () => {
    const dir = await saveEvidence(`chat-${tag}`, people);
    console.error(`evidence in ${dir}\nserver log ${server.logFile} (tail):\n${tail(server.lines, 40)}`);
  });
}

const texts = (ms: ShownMessage[]) => ms.map((m) => m.text);

beforeAll(async () => {
  server = await startServer({ name: "e2e-chat" });
  browser = await launchChromium();
  ann = await enter("ann", "Ann");
  ben = await enter("ben", "Ben");
  cat = await enter("cat", CAT_NAME);
  await waitForRemoteSet(ann.p.page, [ben.id, cat.id]);
  await waitForRemoteSet(ben.p.page, [ann.id, cat.id]);
  await waitForRemoteSet(cat.p.page, [ann.id, ben.id]);
});

afterAll(async () => {
  for (const p of people) await p.close();
  await browser?.close();
  if (server) await server.stop();
});

describe("chat in the UI", () => {
  it(
    "public messages reach the two others, in the same order everywhere, each sender's in typing order",
    async () => {
      evidenceOnFailure("public");
      const tag = newTag("pub");
      for (const x of [ann, ben, cat]) await openChat(x.p.page);
      const plan: [Person, string][] = [
        [ann, `${tag} one from Ann`],
        [ann, `${tag} two from Ann`],
        [ben, `${tag} one from Ben`],
        [ann, `${tag} three from Ann`],
        [ben, `${tag} two from Ben`],
        [cat, `${tag} one from Cat`],
      ];
      for (const [who, text] of plan) await sendChat(who.p.page, text);

      const mine = (m: ShownMessage) => m.text.startsWith(tag);
      const views: ShownMessage[][] = [];
      for (const x of [ann, ben, cat]) {
        views.push(
          await waitFor(
            async () => {
              const shown = (await shownMessages(x.p.page)).filter(mine);
              return shown.length >= plan.length ? shown : undefined;
            },
            { timeoutMs: 20_000, what: `${x.name}'s panel shows the ${plan.length} messages` },
          ),
        );
      }
      const [atAnn, atBen, atCat] = views as [ShownMessage[], ShownMessage[], ShownMessage[]];
      // Exactly the messages sent, once each.
      expect([...texts(atAnn)].sort()).toEqual(plan.map(([, t]) => t).sort());
      // The same order on every page.
      expect(texts(atBen), "Ben's order equals Ann's").toEqual(texts(atAnn));
      expect(texts(atCat), "Cat's order equals Ann's").toEqual(texts(atAnn));
      // Each sender's messages in the order they were typed, under the sender's name.
      for (const who of [ann, ben, cat]) {
        const typed = plan.filter(([w]) => w === who).map(([, t]) => t);
        expect(
          atCat.filter((m) => typed.includes(m.text)).map((m) => m.text),
          `${who.name}'s messages in typing order`,
        ).toEqual(typed);
        for (const m of atAnn.filter((x) => typed.includes(x.text))) expect(m.from).toBe(who.name);
      }
      expect(atAnn.some((m) => m.private)).toBe(false);
    },
    E2E_TEST_MS,
  );

  it(
    "a private message reaches only its recipient: the third page's socket never receives it",
    async () => {
      evidenceOnFailure("private");
      const tag = newTag("priv");
      const secret = `${tag} for Ben's eyes only`;
      for (const x of [ann, ben, cat]) await openChat(x.p.page);
      await sendChat(ann.p.page, secret, ben.id);
      // Back to everyone for a public marker.
      const marker = `${tag} public marker`;
      await sendChat(ann.p.page, marker, "");
      expect(await ann.p.page.locator(social.chatRecipient).inputValue()).toBe("");

      const mine = (m: ShownMessage) => m.text.startsWith(tag);
      const atBen = await waitForShownTexts(
        ben.p.page,
        [secret, marker],
        mine,
        "Ben sees the private, then the marker",
      );
      expect(atBen[0]).toEqual({ from: "Ann", text: secret, private: true });
      expect(atBen[1]?.private).toBe(false);
      const atAnn = await waitForShownTexts(
        ann.p.page,
        [secret, marker],
        mine,
        "Ann sees her private, then the marker",
      );
      expect(atAnn[0]?.private).toBe(true);
      // Cat: the marker arrives, the private message never does.
      await waitForShownTexts(cat.p.page, [marker], mine, "Cat sees the marker only");
      await waitFor(() => cat.frames.sawText(marker), {
        timeoutMs: 20_000,
        what: "the marker in Cat's frames",
      });
      expect(cat.frames.sawText(secret), "Cat's socket received the private message").toBe(false);
      expect(cat.frames.sawText(`${tag} for Ben`)).toBe(false);
      // The recording works: Ben's socket did receive it (once).
      expect(ben.frames.ofType("chat.message").filter((m) => m.message?.text === secret)).toHaveLength(1);
      // A private reply from Ben reaches Ann and not Cat either.
      const reply = `${tag} Ben answers Ann privately`;
      await sendChat(ben.p.page, reply, ann.id);
      await sendChat(ben.p.page, `${tag} second marker`, "");
      await waitForShownTexts(cat.p.page, [marker, `${tag} second marker`], mine, "Cat sees both markers");
      await waitForShownTexts(
        ann.p.page,
        [secret, marker, reply, `${tag} second marker`],
        mine,
        "Ann sees the reply",
      );
      expect(cat.frames.sawText(reply)).toBe(false);
    },
    E2E_TEST_MS,
  );

  it(
    "names and messages made of markup are shown as text: no element, no script",
    async () => {
      evidenceOnFailure("xss");
      const alertText = "<img src=x onerror=alert(1)>";
      const flagText = "<img src=x onerror=window.__xss=1> & <b>bold</b> <script>window.__xss=2</script>";
      for (const x of [ann, ben, cat]) await openChat(x.p.page);
      await sendChat(cat.p.page, alertText);
      await sendChat(ann.p.page, flagText);

      const mine = (m: ShownMessage) => m.text === alertText || m.text === flagText;
      for (const x of [ann, ben, cat]) {
        const shown = await waitForShownTexts(
          x.p.page,
          [alertText, flagText],
          mine,
          `${x.name} shows both texts`,
        );
        expect(shown[0], `${x.name}: Cat's message`).toEqual({
          from: CAT_NAME,
          text: alertText,
          private: false,
        });
        expect(shown[1]?.text).toBe(flagText);
        const page = x.p.page;
        // The exact raw string is the text of the message element.
        const textContents = await page
          .locator(`${social.chatPanel} ${social.chatText}`)
          .evaluateAll((els) => els.map((e) => e.textContent));
        expect(textContents).toContain(alertText);
        expect(textContents).toContain(flagText);
        // Nothing the markup describes exists in the page.
        const found = await page.evaluate(() => ({
          chatImages: document.querySelectorAll("[data-testid=chat-panel] img").length,
          tileImages: document.querySelectorAll("[data-testid=tile] img").length,
          withOnerror: document.querySelectorAll("[onerror]").length,
          bold: document.querySelectorAll("[data-testid=chat-panel] b").length,
          scripts: Array.from(document.querySelectorAll("script")).filter((s) =>
            s.textContent?.includes("__xss"),
          ).length,
          xss: (window as unknown as { __xss?: unknown }).__xss ?? null,
        }));
        expect(found, `${x.name}: elements created from chat text or names`).toEqual({
          chatImages: 0,
          tileImages: 0,
          withOnerror: 0,
          bold: 0,
          scripts: 0,
          xss: null,
        });
      }
      // Cat's name on her tile, on the others' pages, is text too.
      for (const x of [ann, ben]) {
        const name = await x.p.page.locator(`${tileOf(cat.id)} ${sel.tileName}`).textContent();
        expect(name?.trim(), `${x.name} shows Cat's name as text on her tile`).toBe(CAT_NAME);
      }
      // An <img src=x> that had been created would have fetched /x.
      for (const x of [ann, ben, cat]) {
        const fetchedX = x.p.requests.filter((u) => {
          try {
            return new URL(u).pathname === "/x";
          } catch {
            return false;
          }
        });
        expect(fetchedX, `${x.name} requested /x`).toEqual([]);
        expect(x.dialogs, `${x.name}: dialogs opened`).toEqual([]);
      }
    },
    E2E_TEST_MS,
  );

  it(
    "the unread badge counts messages that arrive while the panel is closed, and clears when it opens",
    async () => {
      evidenceOnFailure("unread");
      const tag = newTag("unread");
      await openChat(ann.p.page);
      await openChat(cat.p.page);
      await closeChat(ben.p.page);
      expect(await unreadCount(ben.p.page), "no badge right after closing the panel").toBe(0);

      const sent = [`${tag} a`, `${tag} b`, `${tag} c`];
      for (const text of sent) await sendChat(ann.p.page, text);
      const mine = (m: ShownMessage) => m.text.startsWith(tag);
      // Once Cat shows all three, Ben's client has them too (same broadcast).
      await waitForShownTexts(cat.p.page, sent, mine, "Cat sees the three");
      await waitFor(async () => (await unreadCount(ben.p.page)) === 3, {
        timeoutMs: 30_000,
        what: "Ben's unread badge at 3",
      });
      expect((await ben.p.page.locator(social.chatUnread).textContent())?.trim()).toBe("3");

      await ben.p.page.locator(social.toggleChat).click();
      await ben.p.page.locator(social.chatPanel).waitFor({ state: "visible", timeout: 20_000 });
      await waitFor(async () => (await ben.p.page.locator(social.chatUnread).count()) === 0, {
        timeoutMs: 20_000,
        what: "the badge gone once the panel is open",
      });
      await waitForShownTexts(ben.p.page, sent, mine, "Ben's panel shows the three");

      // While open, new messages do not count; closed again, they do, from zero.
      await sendChat(cat.p.page, `${tag} d`);
      await waitForShownTexts(ben.p.page, [...sent, `${tag} d`], mine, "Ben sees d with the panel open");
      expect(await unreadCount(ben.p.page)).toBe(0);
      await closeChat(ben.p.page);
      await sendChat(cat.p.page, `${tag} e`);
      await waitForShownTexts(ann.p.page, [...sent, `${tag} d`, `${tag} e`], mine, "Ann sees e");
      await waitFor(async () => (await unreadCount(ben.p.page)) === 1, {
        timeoutMs: 30_000,
        what: "Ben's unread badge at 1",
      });
      await openChat(ben.p.page);
      await waitFor(async () => (await unreadCount(ben.p.page)) === 0, {
        timeoutMs: 20_000,
        what: "the badge cleared again",
      });
    },
    E2E_TEST_MS,
  );

  it(
    "messages sent while the connection is being re-established arrive once each, in order, when it is back",
    async () => {
      evidenceOnFailure("reconnect");
      const tag = newTag("offline");
      for (const x of [ann, ben, cat]) await openChat(x.p.page);
      const page = ben.p.page;
      const first = `${tag} typed right after the drop`;
      const second = `${tag} typed while reconnecting`;
      const back = `${tag} sent once back`;
      await page.locator(social.chatRecipient).selectOption("");
      await page.locator(social.chatInput).fill(first);

      // Cut Ben's socket; the sockets his client opens next hold what it sends until we release them.
      const before = await dropSignaling(page, { hold: true });
      await page.locator(social.chatSend).click();
      // The client opens a new socket by itself (its join is held: Ben is not back yet).
      await waitFor(
        async () => {
          const s = await socketSummary(page);
          return s.count > before && s.lastState === 1;
        },
        { timeoutMs: 20_000, what: "Ben's client opening a new signaling socket" },
      );
      await sendChat(page, second);
      // Neither message can have reached anyone: Ben is still reconnecting.
      expect(ann.frames.sawText(tag), "a message got through before Ben was back").toBe(false);
      const held = await socketSummary(page);
      expect(held.lastHeld, "the new socket's join is held").toBeGreaterThanOrEqual(1);

      await releaseSockets(page);
      // Ben comes back as himself: the others see him join again with the same id.
      for (const x of [ann, cat]) {
        await waitFor(() => x.frames.ofType("participant.joined").some((m) => m.participant?.id === ben.id), {
          timeoutMs: 30_000,
          what: `${x.name} sees Ben join again`,
        });
        expect(x.frames.ofType("participant.left").filter((m) => m.participantId === ben.id)).toHaveLength(1);
      }
      const mine = (m: ShownMessage) => m.text.startsWith(tag);
      for (const x of [ann, cat]) {
        await waitForShownTexts(x.p.page, [first, second], mine, `${x.name} receives both, in order`, 30_000);
      }
      // Anything duplicated would come before a message Ben sends now.
      await sendChat(page, back);
      for (const x of [ann, ben, cat]) {
        const shown = await waitForShownTexts(
          x.p.page,
          [first, second, back],
          mine,
          `${x.name}: once each, in order`,
        );
        expect(shown.every((m) => m.from === "Ben")).toBe(true);
      }
      for (const x of [ann, cat]) {
        const delivered = x.frames
          .ofType("chat.message")
          .map((m) => m.message?.text)
          .filter((t) => typeof t === "string" && t.startsWith(tag));
        expect(delivered, `${x.name}'s socket received each once, in order`).toEqual([first, second, back]);
      }
      await waitForRemoteSet(ann.p.page, [ben.id, cat.id]);
      console.log(`[chat reconnect] Ben's sockets: ${safeJson(await socketSummary(page))}`);
    },
    E2E_TEST_MS,
  );

  it(
    "two messages typed the instant the socket drops (no help from the test) also arrive once each, in order",
    async () => {
      evidenceOnFailure("reconnect-race");
      const tag = newTag("race");
      for (const x of [ann, ben, cat]) await openChat(x.p.page);
      const page = ben.p.page;
      const sent = [`${tag} first`, `${tag} second`];
      const leftBefore = ann.frames.ofType("participant.left").length;
      await dropSignaling(page);
      for (const text of sent) await sendChat(page, text);
      await waitFor(
        () =>
          ann.frames
            .ofType("participant.left")
            .slice(leftBefore)
            .some((m) => m.participantId === ben.id),
        { timeoutMs: 30_000, what: "Ann hears Ben's connection drop" },
      );
      const mine = (m: ShownMessage) => m.text.startsWith(tag);
      for (const x of [ann, cat]) {
        await waitForShownTexts(x.p.page, sent, mine, `${x.name} receives both, in order`, 30_000);
      }
      const marker = `${tag} marker`;
      await sendChat(page, marker);
      for (const x of [ann, ben, cat]) {
        await waitForShownTexts(x.p.page, [...sent, marker], mine, `${x.name}: once each, in order`);
      }
      for (const x of [ann, cat]) {
        const delivered = x.frames
          .ofType("chat.message")
          .map((m) => m.message?.text)
          .filter((t) => typeof t === "string" && t.startsWith(tag));
        expect(delivered, `${x.name}'s socket received each once, in order`).toEqual([...sent, marker]);
      }
    },
    E2E_TEST_MS,
  );
});

// Last: judges every line the server printed during the file's tests.
describeServerLog(() => server);
