/**
 * Debian's Firefox ESR, driven by puppeteer-core over WebDriver BiDi (Playwright drives only its own patched
 * Firefox), with fake camera and microphone: ../shared's verified recipe. One browser context per participant
 * (its own storage: the meeting key, the resume token). The tests run inside a network namespace of their own
 * (scripts/test-firefox.sh): Firefox gathers ICE candidates on loopback and pal0 only there.
 */
import fs from "node:fs";
import path from "node:path";
import puppeteer, { type Browser, type BrowserContext, type Page } from "puppeteer-core";
import { type Action, msel, rowOf } from "../../e2e/helpers/moderation-ui.js";
import { RTC_RECORDER_SCRIPT } from "../../e2e/helpers/rtc.js";
import { social } from "../../e2e/helpers/social.js";
import { sel } from "../../e2e/helpers/ui.js";
import { checkServerFrame } from "../../helpers/contract.js";
import { resultsDir } from "../../helpers/paths.js";
import { waitFor } from "../../helpers/wait.js";

export const FIREFOX_PATH = process.env.FIREFOX_PATH ?? "/usr/bin/firefox-esr";

/** The prefs that make Firefox a test participant; see the file's comment. */
function prefs(languages: string): Record<string, unknown> {
  return {
    "media.navigator.streams.fake": true,
    "media.navigator.permission.disabled": true,
    // Without these Firefox does not count the page as holding a camera and microphone permission, and
    // gathers ICE candidates only on the default route's address (none in the test's namespace).
    "permissions.default.camera": 1,
    "permissions.default.microphone": 1,
    "media.peerconnection.ice.loopback": true,
    "media.peerconnection.ice.obfuscate_host_addresses": false,
    "media.autoplay.default": 0,
    "media.autoplay.blocking_policy": 0,
    "intl.accept_languages": languages,
    // Nothing of the browser's own calls home during a test.
    "app.update.enabled": false,
    "browser.safebrowsing.malware.enabled": false,
    "browser.safebrowsing.phishing.enabled": false,
    "network.captive-portal-service.enabled": false,
    "network.connectivity-service.enabled": false,
    "datareporting.policy.dataSubmissionEnabled": false,
    "toolkit.telemetry.enabled": false,
  };
}

/**
 * A Firefox whose pages ask for `languages` (Accept-Language, navigator.languages). `display`: on the virtual
 * display scripts/test-firefox.sh starts (DISPLAY): headless Firefox's getDisplayMedia() finds no screen.
 */
export function launchFirefox(languages = "fr-FR, fr", { display = false } = {}): Promise<Browser> {
  if (display && !process.env.DISPLAY)
    throw new Error("no DISPLAY: run the Firefox tests with scripts/test-firefox.sh");
  return puppeteer.launch({
    browser: "firefox",
    executablePath: FIREFOX_PATH,
    headless: !display,
    extraPrefsFirefox: prefs(languages),
    timeout: 60_000,
  });
}

/**
 * WebDriver BiDi tells of no WebSocket frames: the page tells each message the server sent it on the console,
 * with this mark, and the test holds it to the contract as it does a Chromium page's (contract.ts).
 */
const FRAME_MARK = "palabre-test-frame:";
const FRAME_TELLER_SCRIPT = `(() => {
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", (e) => {
        console.debug(${JSON.stringify(FRAME_MARK)} + (typeof e.data === "string" ? e.data : "[binary frame]"));
      });
    }
  };
})();`;

export interface FirefoxParticipant {
  label: string;
  context: BrowserContext;
  page: Page;
  /** console errors and warnings, the client's own "palabre:" lines, and uncaught page errors. */
  console: string[];
  close(): Promise<void>;
}

/**
 * `ownWindow`: the page opens in a window of its own. Browser contexts share Firefox's window, so a second
 * participant's page would be a new tab there and hide the first one's (document.visibilityState "hidden"),
 * and a hidden meeting page stops receiving video (features/adaptation): for several Firefox participants at once.
 */
export async function newFirefoxParticipant(
  browser: Browser,
  label: string,
  { ownWindow = false } = {},
): Promise<FirefoxParticipant> {
  const context = await browser.createBrowserContext();
  const page = await context.newPage(ownWindow ? { type: "window" } : undefined);
  // Over BiDi the launch's default viewport is not applied to new pages.
  await page.setViewport({ width: 1024, height: 700 });
  await page.evaluateOnNewDocument(RTC_RECORDER_SCRIPT);
  await page.evaluateOnNewDocument(FRAME_TELLER_SCRIPT);
  const lines: string[] = [];
  page.on("console", (msg) => {
    const text = msg.text();
    if (text.startsWith(FRAME_MARK)) {
      checkServerFrame(`${label}'s Firefox page`, text.slice(FRAME_MARK.length));
      return;
    }
    if (msg.type() === "error" || msg.type() === "warn" || text.startsWith("palabre:"))
      lines.push(`${Math.round(performance.now())} [${msg.type()}] ${text}`);
  });
  page.on("pageerror", (err) =>
    lines.push(`[pageerror] ${err instanceof Error ? err.message : String(err)}`),
  );
  return {
    label,
    context,
    page,
    console: lines,
    close: async () => {
      await context.close().catch(() => {});
    },
  };
}

/** The value of a script run in the page (a string: see rtc.ts for why page-side code is not a function). */
export async function inPage<T>(page: Page, script: string): Promise<T> {
  return (await page.evaluate(script)) as T;
}

/** Prejoin → name → Join through the UI; waits for the conference and returns the local participant id. */
export async function joinInFirefox(page: Page, origin: string, room: string, name: string): Promise<string> {
  await page.goto(`${origin}/${encodeURIComponent(room)}`, { waitUntil: "load" });
  return enterFromPrejoin(page, name);
}

const js = JSON.stringify;

/**
 * On the prejoin screen (after a goto or a reload): types `name` over whatever the field holds, presses Join,
 * waits for the conference and returns the local participant id.
 */
export async function enterFromPrejoin(page: Page, name: string): Promise<string> {
  await page.waitForSelector(sel.displayName, { visible: true, timeout: 20_000 });
  await inPage(
    page,
    `(() => { const i = document.querySelector(${js(sel.displayName)}); i.focus(); i.select(); })()`,
  );
  await page.keyboard.type(name);
  await waitFor(
    () =>
      inPage<boolean>(
        page,
        `(() => { const b = document.querySelector(${js(sel.join)}); return !!b && !b.disabled; })()`,
      ),
    { timeoutMs: 20_000, what: "an enabled Join button in Firefox" },
  );
  await page.click(sel.join);
  await page.waitForSelector(sel.conference, { visible: true, timeout: 30_000 });
  await page.waitForSelector(sel.localTile, { timeout: 20_000 });
  const id = await inPage<string | null>(
    page,
    `document.querySelector(${js(sel.localTile)}).getAttribute("data-participant-id")`,
  );
  if (!id) throw new Error("local tile has no data-participant-id");
  return id;
}

/** Waits until `selector` matches in the Firefox page (with `gone`, until it no longer does). */
export async function seesInFirefox(
  page: Page,
  selector: string,
  what: string,
  { gone = false, timeoutMs = 15_000 } = {},
): Promise<void> {
  await waitFor(
    async () => (await inPage<boolean>(page, `!!document.querySelector(${js(selector)})`)) !== gone,
    { timeoutMs, what },
  );
}

/** An attribute of the first element `selector` matches in the Firefox page (null: no such element or attribute). */
export function attributeInFirefox(page: Page, selector: string, name: string): Promise<string | null> {
  return inPage<string | null>(
    page,
    `(() => { const el = document.querySelector(${js(selector)}); return el ? el.getAttribute(${js(name)}) : null; })()`,
  );
}

/** Participants pane → row of `participantId` → ⋯ menu → the action (moderation-ui's participantAction). */
export async function participantActionInFirefox(
  page: Page,
  participantId: string,
  action: Action,
): Promise<void> {
  if (!(await inPage<boolean>(page, `!!document.querySelector(${js(msel.pane)})`)))
    await page.click(msel.toggleParticipants);
  await page.waitForSelector(msel.pane, { visible: true, timeout: 10_000 });
  await page.waitForSelector(rowOf(participantId), { visible: true, timeout: 10_000 });
  await page.click(`${rowOf(participantId)} ${msel.menu}`);
  const item = `[data-testid=action-${action}]`;
  await page.waitForSelector(item, { visible: true, timeout: 5000 });
  await page.click(item);
}

/** Opens the chat panel (if it is not open) and waits for it. */
export async function openChatInFirefox(page: Page): Promise<void> {
  if (!(await inPage<boolean>(page, `!!document.querySelector(${js(social.chatPanel)})`)))
    await page.click(social.toggleChat);
  await page.waitForSelector(social.chatPanel, { visible: true, timeout: 10_000 });
}

/** Opens the chat panel (if it is not open) and sends `text` to everyone. */
export async function sendChatInFirefox(page: Page, text: string): Promise<void> {
  await openChatInFirefox(page);
  await page.type(social.chatInput, text);
  await page.click(social.chatSend);
}

/** The texts the Firefox page's chat panel shows, in order (none while it is closed). */
export function chatTextsInFirefox(page: Page): Promise<string[]> {
  return inPage<string[]>(
    page,
    `Array.from(document.querySelectorAll(${js(`${social.chatPanel} ${social.chatMessage} ${social.chatText}`)})).map((e) => e.textContent)`,
  );
}

/** Saves a screenshot and the console lines of each Firefox participant under test-results/firefox/<tag>/. */
export async function saveFirefoxEvidence(tag: string, participants: FirefoxParticipant[]): Promise<string> {
  const dir = resultsDir("firefox", tag.replace(/[^\w.-]+/g, "_").slice(0, 80));
  for (const p of participants) {
    await p.page.screenshot({ path: path.join(dir, `${p.label}.png`) as `${string}.png` }).catch(() => {});
    fs.writeFileSync(path.join(dir, `${p.label}.console.txt`), p.console.join("\n"));
  }
  return dir;
}
