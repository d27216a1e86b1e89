/**
 * The ⋯ menu and the language in Firefox, as e2e/i18n, e2e/ui and e2e/settings check them in Chromium: a
 * Firefox whose browser language is French gets the French pre-join (Rejoindre la réunion, lang=fr) and
 * toolbar; the language picker in the ⋯ menu switches every toolbar control's name, the menu's items and
 * <html lang> to English, and back. ⋯ → Audio only: Firefox stops receiving video (frames of the Chromium
 * participant stop, video bytes stop) and sending its camera, while sound keeps going both ways; ⋯ → High
 * brings the video back both ways. ⋯ → Settings lists Firefox's fake camera and microphone, the ones it sends.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Participant } from "../e2e/helpers/browser.js";
import { mv, waitForDecodingTile } from "../e2e/helpers/media-views.js";
import { sampleGrowth } from "../e2e/helpers/rtc.js";
import { joinViaUi, sel, waitForMediaFrom } from "../e2e/helpers/ui.js";
import { describeServerLog } from "../helpers/log-health.js";
import { waitFor } from "../helpers/wait.js";
import { Cast } from "./helpers/cast.js";
import { attributeInFirefox, enterFromPrejoin, type FirefoxParticipant, inPage } from "./helpers/firefox.js";
import {
  devicesInFirefox,
  namesOf,
  openMoreMenuInFirefox,
  selectState,
  totalsGrowth,
} from "./helpers/menu.js";

let cast: Cast;
let chloe: Participant;
let chloeId: string;
let fiona: FirefoxParticipant;
let fionaId: string;
const room = `firefox-menu-${Date.now().toString(36)}`;

/** The toolbar's controls (e2e/i18n's list) and the ⋯ menu's items, whose names follow the language. */
const NAMED = ["toggle-mic", "toggle-camera", "toggle-screen", "toggle-layout", "more-menu", "hangup"].concat(
  ["open-settings", "quality-high", "quality-audio-only", "open-shortcuts"],
);
const FRENCH = {
  hangup: "Quitter la réunion",
  "more-menu": "Plus d'options",
  "quality-audio-only": "Audio seulement",
};
const ENGLISH = { hangup: "Leave meeting", "more-menu": "More options", "quality-audio-only": "Audio only" };

/** Waits until the names of NAMED include `want`; returns them all. */
const namesUntil = (want: Record<string, string>, what: string) =>
  waitFor(
    async () => {
      const names = await namesOf(fiona.page, NAMED);
      return Object.entries(want).every(([id, name]) => names[id] === name) ? names : undefined;
    },
    { timeoutMs: 5000, what },
  );

const htmlLang = () => inPage<string>(fiona.page, "document.documentElement.lang");

/** With the ⋯ menu open: picks `lang` in its language picker and waits until <html lang> follows. */
async function pickLanguage(lang: "en" | "fr"): Promise<void> {
  await openMoreMenuInFirefox(fiona.page);
  await fiona.page.select(`${mv.moreMenuPanel} ${sel.language}`, lang);
  await waitFor(async () => (await htmlLang()) === lang, { timeoutMs: 5000, what: `<html lang=${lang}>` });
}

beforeAll(async () => {
  cast = await Cast.start("firefox-menu"); // Firefox asks for French
  chloe = await cast.chromium("chloe", { locale: "fr-FR" });
  chloeId = await joinViaUi(chloe.page, cast.server.origin, room, "Chloé");
  fiona = await cast.firefox("fiona");
});

afterAll(async () => {
  await cast?.close();
});

describe.sequential("Firefox's language", () => {
  let french: Record<string, string>;

  it("a French browser gets the French pre-join: Rejoindre la réunion, lang=fr, French in the picker", async () => {
    cast.evidenceOnFailure("prejoin-fr");
    await fiona.page.goto(`${cast.server.origin}/${room}`, { waitUntil: "load" });
    await fiona.page.waitForSelector(sel.join, { visible: true, timeout: 20_000 });
    expect(await inPage<string[]>(fiona.page, "navigator.languages")).toEqual(["fr-FR", "fr"]);
    expect(await htmlLang()).toBe("fr");
    const join = await inPage<string>(fiona.page, `document.querySelector("${sel.join}").textContent`);
    expect(join.trim()).toBe("Rejoindre la réunion");
    expect((await selectState(fiona.page, sel.language))?.value).toBe("fr");
  });

  it("in the meeting: French toolbar; ⋯ → English renames every control and the menu; → Français, back", async () => {
    cast.evidenceOnFailure("switch");
    fionaId = await enterFromPrejoin(fiona.page, "Fiona");
    await waitForMediaFrom(fiona.page, [chloeId], 40_000);
    await waitForMediaFrom(chloe.page, [fionaId], 40_000);
    await openMoreMenuInFirefox(fiona.page);
    french = await namesUntil(FRENCH, "the toolbar and the menu in French");
    expect(Object.keys(french).sort(), "controls found").toEqual([...NAMED].sort());
    await pickLanguage("en");
    const english = await namesUntil(ENGLISH, "the toolbar and the menu in English");
    console.log(`[firefox menu] fr ${JSON.stringify(french)}\n[firefox menu] en ${JSON.stringify(english)}`);
    for (const id of NAMED) {
      expect(english[id], `${id} has a name in English`).not.toBe("");
      expect(english[id], `${id}: the English name differs from the French one`).not.toBe(french[id]);
    }
    await pickLanguage("fr");
    await namesUntil(french, "every name in French again");
    await fiona.page.keyboard.press("Escape");
    await fiona.page.waitForSelector(mv.moreMenuPanel, { hidden: true, timeout: 5000 });
  });
});

describe.sequential("Firefox's ⋯ menu", () => {
  it("Audio only: Firefox receives no video of Chromium and sends none, sound goes on; High brings video back", async () => {
    cast.evidenceOnFailure("audio-only");
    const before = await totalsGrowth(fiona.page, 2000);
    expect(before.inVideoBytes, "video bytes Firefox receives in 2 s before").toBeGreaterThan(20_000);
    await openMoreMenuInFirefox(fiona.page);
    await fiona.page.click(mv.quality("audio-only"));
    const checked = () => attributeInFirefox(fiona.page, mv.quality("audio-only"), "aria-checked");
    await waitFor(async () => (await checked()) === "true", { what: "Audio only checked in the menu" });
    // Frames of Chloé stop growing (a 1 s window without one), then a fixed 2 s window is measured.
    await waitFor(async () => (await sampleGrowth(fiona.page, 1000)).get(chloeId)?.videoFramesDelta === 0, {
      timeoutMs: 10_000,
      intervalMs: 0,
      what: "no frame of Chloé decoded by Firefox for 1 s",
    });
    const [off, chloeSees] = await Promise.all([
      totalsGrowth(fiona.page, 2000),
      sampleGrowth(chloe.page, 2000),
    ]);
    console.log(`[firefox menu] audio only, 2 s: Firefox ${JSON.stringify(off)}`);
    expect(off.inVideoFrames, "frames Firefox decodes in 2 s of audio only").toBe(0);
    expect(off.inVideoBytes, "video bytes Firefox receives in 2 s of audio only").toBeLessThan(2000);
    expect(off.inAudioPackets, "audio packets Firefox receives in 2 s of audio only").toBeGreaterThan(40);
    expect(off.outVideoPackets, "video packets Firefox sends in 2 s of audio only").toBeLessThanOrEqual(5);
    expect(off.outAudioPackets, "audio packets Firefox sends in 2 s of audio only").toBeGreaterThan(40);
    expect(chloeSees.get(fionaId)?.videoFramesDelta ?? 0, "frames of Firefox Chloé decodes").toBe(0);
    expect(chloeSees.get(fionaId)?.audioPacketsDelta, "audio of Firefox Chloé receives").toBeGreaterThan(40);

    await openMoreMenuInFirefox(fiona.page);
    await fiona.page.click(mv.quality("high"));
    await waitForDecodingTile(fiona.page, chloeId, "camera", { timeoutMs: 10_000, minFrames: 5 });
    await waitForDecodingTile(chloe.page, fionaId, "camera", { timeoutMs: 20_000, minFrames: 3 });
    const back = await totalsGrowth(fiona.page, 2000);
    console.log(`[firefox menu] after High, 2 s: Firefox ${JSON.stringify(back)}`);
    expect(back.inVideoBytes, "video bytes Firefox receives in 2 s after High").toBeGreaterThan(20_000);
  });

  it("Settings lists Firefox's fake camera and microphone, and selects the ones it sends", async () => {
    cast.evidenceOnFailure("settings");
    await openMoreMenuInFirefox(fiona.page);
    await fiona.page.click(mv.openSettings);
    await fiona.page.waitForSelector(mv.settingsDialog, { visible: true, timeout: 10_000 });
    const devices = await devicesInFirefox(fiona.page);
    const shown = await waitFor(
      async () => {
        const camera = await selectState(fiona.page, mv.selectCamera);
        const microphone = await selectState(fiona.page, mv.selectMicrophone);
        return camera?.value && microphone?.value ? { camera, microphone } : undefined;
      },
      { what: "devices listed and selected in the settings" },
    );
    console.log(
      `[firefox menu] devices ${JSON.stringify(devices)}\n[firefox menu] settings ${JSON.stringify(shown)}`,
    );
    for (const [kind, list, state] of [
      ["video", devices.cameras, shown.camera],
      ["audio", devices.microphones, shown.microphone],
    ] as const) {
      expect(list.length, `Firefox's ${kind} devices`).toBeGreaterThan(0);
      expect(
        list.map((d) => d.label).filter((l) => !l),
        `unnamed ${kind} devices`,
      ).toEqual([]);
      expect(state.options, `the ${kind} choices`).toEqual(
        list.map((d) => ({ value: d.id, label: d.label })),
      );
      expect(state.value, `the ${kind} device selected is the one sent`).toBe(devices.sending[kind]);
    }
    await fiona.page.keyboard.press("Escape");
    await fiona.page.waitForSelector(mv.settingsDialog, { hidden: true, timeout: 5000 });
  });
});

describe("the pages", () => {
  it("logged no uncaught error", () => {
    expect([...fiona.console, ...chloe.console].filter((l) => l.startsWith("[pageerror]"))).toEqual([]);
  });
});

describeServerLog(() => cast?.server);
