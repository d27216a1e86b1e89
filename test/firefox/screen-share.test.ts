/**
 * Screen sharing from Firefox (on a virtual display: headless Firefox has no screen to share): a Chromium page
 * gets Firefox's screen tile, decoding; when Firefox stops, the tile goes and Firefox sends nothing more on the
 * screen's m-line (Firefox went on encoding a stopped share, a frame a second, until its encodings were turned
 * off), while its camera goes on.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Participant } from "../e2e/helpers/browser.js";
import { mv, sourceTile, waitForDecodingTile } from "../e2e/helpers/media-views.js";
import { sentVideoBytes } from "../e2e/helpers/rtc.js";
import { joinViaUi, waitForMediaFrom } from "../e2e/helpers/ui.js";
import { describeServerLog } from "../helpers/log-health.js";
import { sleep } from "../helpers/wait.js";
import { Cast } from "./helpers/cast.js";
import { type FirefoxParticipant, joinInFirefox } from "./helpers/firefox.js";

let cast: Cast;
let fiona: FirefoxParticipant;
let fionaId: string;
let chris: Participant;
const room = `firefox-share-${Date.now().toString(36)}`;

beforeAll(async () => {
  cast = await Cast.start("firefox-share", { language: "en-US, en", display: true });
  fiona = await cast.firefox("fiona");
  chris = await cast.chromium("chris");
  fionaId = await joinInFirefox(fiona.page, cast.server.origin, room, "Fiona");
  await joinViaUi(chris.page, cast.server.origin, room, "Chris");
  await waitForMediaFrom(chris.page, [fionaId], 40_000);
});

afterAll(async () => {
  await cast?.close();
});

describe.sequential("screen sharing from Firefox", () => {
  it("Firefox shares its screen: the Chromium page gets a screen tile beside the camera, decoding", async () => {
    cast.evidenceOnFailure("share");
    await fiona.page.click(mv.toggleScreen);
    await chris.page.locator(sourceTile(fionaId, "screen")).waitFor({ state: "attached", timeout: 20_000 });
    const g = await waitForDecodingTile(chris.page, fionaId, "screen", { timeoutMs: 30_000, minFrames: 3 });
    console.log(
      `[firefox] Chromium decodes Firefox's screen: frames ${g.before} → ${g.after}, width ${g.width}`,
    );
    await waitForDecodingTile(chris.page, fionaId, "camera", { timeoutMs: 15_000, minFrames: 5 });
  });

  it("Firefox stops: the tile goes within 2 s, and Firefox sends no more screen bytes while its camera goes on", async () => {
    cast.evidenceOnFailure("stop");
    const t0 = Date.now();
    await fiona.page.click(mv.toggleScreen);
    await chris.page.locator(sourceTile(fionaId, "screen")).waitFor({ state: "detached", timeout: 5000 });
    expect(Date.now() - t0, "ms until the screen tile went").toBeLessThan(2000);
    await sleep(1000); // what was encoded before the stop has left
    const before = await sentVideoBytes(fiona.page);
    await sleep(3000);
    const after = await sentVideoBytes(fiona.page);
    console.log(
      `[firefox] after the stop, 3 s: camera +${after.camera - before.camera} bytes, screen +${after.screen - before.screen}`,
    );
    expect(after.camera - before.camera, "Firefox's camera bytes in 3 s").toBeGreaterThan(10_000);
    expect(after.screen - before.screen, "Firefox's screen bytes in 3 s after the stop").toBe(0);
  });
});

describe("the pages", () => {
  it("logged no uncaught error", () => {
    const errors = [...fiona.console, ...chris.console].filter((l) => l.startsWith("[pageerror]"));
    expect(errors).toEqual([]);
  });
});

describeServerLog(() => cast?.server);
