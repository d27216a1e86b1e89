/**
 * Language and prejoin help, through the UI of headless Chromium pages:
 *
 * - A browser context with locale fr-FR renders the prejoin in French (Join button "Rejoindre la réunion",
 *   <html lang="fr">), one with en-US in English ("Join meeting", lang="en"). Screenshots of both prejoins and
 *   of a French conference view (toolbar in French) go to test-results/screenshots/ (git-ignored); their paths
 *   are logged.
 * - In the conference, every toolbar control's accessible name is in the page's language: each differs
 *   between the French and the English page (and none is empty).
 * - The prejoin's microphone meter ([data-testid=mic-meter]) is there and its aria-valuenow moves over ~2 s
 *   with Chromium's beeping fake microphone.
 */
import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { describeServerLog } from "../helpers/log-health.js";
import { resultsDir } from "../helpers/paths.js";
import { type ServerHandle, startServer, tail } from "../helpers/server.js";
import { waitFor } from "../helpers/wait.js";
import { launchChromium, newParticipant, type Participant, saveEvidence } from "./helpers/browser.js";
import { mv } from "./helpers/media-views.js";
import { openPrejoin, sel } from "./helpers/ui.js";

let server: ServerHandle;
let browser: Browser;
const people: Participant[] = [];
const screenshots: string[] = [];
const room = `e2e-i18n-${Date.now().toString(36)}`;

async function person(label: string, locale: string): Promise<Participant> {
  const p = await newParticipant(browser, label, { locale });
  people.push(p);
  return p;
}

function evidenceOnFailure(tag: string): void {
  onTestFailed(async () => {
    const dir = await saveEvidence(tag, people);
    console.error(`evidence in ${dir}\nserver log ${server.logFile} (tail):\n${tail(server.lines, 40)}`);
  });
}

async function screenshot(p: Participant, name: string): Promise<string> {
  const file = path.join(resultsDir("screenshots"), `${name}.png`);
  await p.page.screenshot({ path: file, fullPage: true, timeout: 15_000 });
  screenshots.push(file);
  console.log(`[i18n] screenshot: ${file}`);
  return file;
}

const htmlLang = (p: Participant) => p.page.evaluate("document.documentElement.lang") as Promise<string>;

/** Toolbar controls, by test id, whose accessible name must follow the language. */
const TOOLBAR = ["toggle-mic", "toggle-camera", "toggle-screen", "toggle-layout", "more-menu", "hangup"];

/** testid → accessible name (aria-label, else title, else text) of each toolbar control present. */
async function toolbarNames(p: Participant): Promise<Record<string, string>> {
  return p.page.evaluate(`((ids) => {
    const out = {};
    for (const id of ids) {
      const el = document.querySelector('[data-testid="' + id + '"]');
      if (!el) continue;
      const name = el.getAttribute("aria-label") || el.getAttribute("title") || el.textContent || "";
      out[id] = name.trim();
    }
    return out;
  })(${JSON.stringify(TOOLBAR)})`) as Promise<Record<string, string>>;
}

beforeAll(async () => {
  server = await startServer({ name: "e2e-i18n" });
  browser = await launchChromium();
});

afterAll(async () => {
  if (screenshots.length > 0) console.log(`[i18n] screenshots:\n${screenshots.join("\n")}`);
  for (const p of people) await p.close();
  await browser?.close();
  if (server) await server.stop();
});

describe.sequential("the page speaks the browser's language", () => {
  let fr: Participant;
  let en: Participant;

  it("fr-FR: the prejoin is in French (Rejoindre la réunion, lang=fr)", async () => {
    evidenceOnFailure("i18n-prejoin-fr");
    fr = await person("french", "fr-FR");
    await openPrejoin(fr.page, server.origin, room);
    await fr.page.locator(sel.displayName).fill("Jeanne");
    expect((await fr.page.locator(sel.join).textContent())?.trim()).toBe("Rejoindre la réunion");
    expect(await htmlLang(fr)).toBe("fr");
    // Let the preview start, so the screenshot shows the camera.
    await waitFor(
      () =>
        fr.page
          .locator(sel.preview)
          .evaluate((v: HTMLVideoElement) => v.videoWidth > 0)
          .catch(() => false),
      { timeoutMs: 15_000, what: "the French prejoin's camera preview" },
    );
    await screenshot(fr, "prejoin-fr");
  });

  it("en-US: the prejoin is in English (Join meeting, lang=en)", async () => {
    evidenceOnFailure("i18n-prejoin-en");
    en = await person("english", "en-US");
    await openPrejoin(en.page, server.origin, room);
    await en.page.locator(sel.displayName).fill("Jane");
    expect((await en.page.locator(sel.join).textContent())?.trim()).toBe("Join meeting");
    expect(await htmlLang(en)).toBe("en");
    await waitFor(
      () =>
        en.page
          .locator(sel.preview)
          .evaluate((v: HTMLVideoElement) => v.videoWidth > 0)
          .catch(() => false),
      { timeoutMs: 15_000, what: "the English prejoin's camera preview" },
    );
    await screenshot(en, "prejoin-en");
  });

  it("in the conference the toolbar speaks each page's language (French screenshot)", async () => {
    evidenceOnFailure("i18n-conference");
    await fr.page.locator(sel.join).click();
    await fr.page.locator(sel.conference).waitFor({ state: "visible", timeout: 30_000 });
    await en.page.locator(sel.join).click();
    await en.page.locator(sel.conference).waitFor({ state: "visible", timeout: 30_000 });
    // Both see each other before the picture is taken.
    await fr.page.locator(sel.remoteTile).first().waitFor({ state: "attached", timeout: 30_000 });
    await en.page.locator(sel.remoteTile).first().waitFor({ state: "attached", timeout: 30_000 });
    expect(await htmlLang(fr)).toBe("fr");
    expect(await htmlLang(en)).toBe("en");

    const frNames = await toolbarNames(fr);
    const enNames = await toolbarNames(en);
    console.log(`[i18n] toolbar fr ${JSON.stringify(frNames)}\n[i18n] toolbar en ${JSON.stringify(enNames)}`);
    expect(Object.keys(frNames).sort(), "the same toolbar controls on both pages").toEqual(
      Object.keys(enNames).sort(),
    );
    expect(Object.keys(frNames).length, "toolbar controls found").toBeGreaterThanOrEqual(4);
    for (const id of Object.keys(frNames)) {
      expect(frNames[id], `${id} has a name in French`).not.toBe("");
      expect(enNames[id], `${id} has a name in English`).not.toBe("");
      expect(frNames[id], `${id}: French name differs from the English one`).not.toBe(enNames[id]);
    }
    expect(frNames.hangup, "hang-up in French").toBe("Quitter la réunion");
    // The ⋯ menu is in French too.
    await fr.page.locator(mv.moreMenu).click();
    await fr.page.locator(mv.moreMenuPanel).waitFor({ state: "visible", timeout: 10_000 });
    const settingsLabel = (
      (await fr.page.locator(mv.openSettings).getAttribute("aria-label")) ??
      (await fr.page.locator(mv.openSettings).textContent()) ??
      ""
    ).trim();
    expect(settingsLabel, "⋯ → Settings in French").toContain("Paramètres");
    // The picture shows the toolbar with the ⋯ menu open: its French labels are visible text.
    await screenshot(fr, "conference-fr");
    await fr.page.keyboard.press("Escape");
    await fr.page.locator(mv.moreMenuPanel).waitFor({ state: "hidden", timeout: 5000 });
  });
});

describe("prejoin help", () => {
  it("the microphone meter is there and moves with the beeping fake microphone", async () => {
    evidenceOnFailure("i18n-mic-meter");
    const p = await person("meter", "en-US");
    await openPrejoin(p.page, server.origin, `${room}-meter`);
    const meter = p.page.locator(mv.micMeter).first();
    await meter.waitFor({ state: "attached", timeout: 15_000 });
    // Sampled in the page (every 100 ms for 2.5 s): round trips from here are slow on a loaded machine.
    const raw = (await p.page.evaluate(`new Promise((resolve) => {
      const out = [];
      const timer = setInterval(() => {
        const el = document.querySelector("[data-testid=mic-meter]");
        out.push(el ? el.getAttribute("aria-valuenow") : null);
        if (out.length >= 25) { clearInterval(timer); resolve(out); }
      }, 100);
    })`)) as (string | null)[];
    const values = raw.filter((v): v is string => v !== null && v !== "").map(Number);
    console.log(`[meter] aria-valuenow over 2.5 s: ${raw.join(",")}`);
    expect(values.length, "aria-valuenow is set on every sample").toBe(raw.length);
    expect(
      values.every((v) => Number.isFinite(v)),
      "aria-valuenow is a number",
    ).toBe(true);
    expect(new Set(values).size, "aria-valuenow changes").toBeGreaterThan(1);
    expect(Math.max(...values), "the beep shows").toBeGreaterThan(Math.min(...values));
    // A meter's range is part of what a screen reader announces: it must be there, and the values within it.
    const max = await meter.getAttribute("aria-valuemax");
    expect(max, "the meter's aria-valuemax").not.toBeNull();
    expect(Math.max(...values), "aria-valuenow within aria-valuemax").toBeLessThanOrEqual(Number(max));
  });
});

// Last: judges every line the server printed during the file's tests.
describeServerLog(() => server);
