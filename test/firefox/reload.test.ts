/**
 * Reloading a Firefox page in a meeting with a Chromium one, through the real UI (English). The resume token is
 * kept for the tab (sessionStorage) and the page drops its socket without `leave` on pagehide, so Firefox
 * reloading and pressing Join comes back as the same participant (same id, still the moderator it was as the
 * first to join), as e2e/reload-resume expects of Chromium: the Chromium page saw its connection drop and the
 * same participant come back, and video and audio flow both ways again. Then the other way round: Chromium
 * reloads, and the Firefox page gets it back, same id, with its media.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Participant } from "../e2e/helpers/browser.js";
import { msel, rowOf, waitForConference } from "../e2e/helpers/moderation-ui.js";
import { sampleGrowth } from "../e2e/helpers/rtc.js";
import { fillName, joinViaUi, sel, waitForMediaFrom, waitForRemoteSet } from "../e2e/helpers/ui.js";
import { type FrameLog, recordFrames } from "../e2e/helpers/ws-frames.js";
import { describeServerLog } from "../helpers/log-health.js";
import { waitFor } from "../helpers/wait.js";
import { Cast } from "./helpers/cast.js";
import {
  enterFromPrejoin,
  type FirefoxParticipant,
  inPage,
  joinInFirefox,
  seesInFirefox,
} from "./helpers/firefox.js";

let cast: Cast;
let chloe: Participant;
let chloeId: string;
let chloeFrames: FrameLog;
let fiona: FirefoxParticipant;
let fionaId: string;
const room = `firefox-reload-${Date.now().toString(36)}`;

/**
 * Each page decodes the other's video and receives its audio: a 2 s window in which all four grow (a page
 * that just came back may still be swapping tiles or tracks during the first window: the next one counts).
 */
async function expectMediaBothWays(when: string): Promise<void> {
  await waitForMediaFrom(fiona.page, [chloeId], 40_000);
  await waitForMediaFrom(chloe.page, [fionaId], 40_000);
  let windows = 0;
  const seen = await waitFor(
    async () => {
      windows++;
      const [inFiona, inChloe] = await Promise.all([
        sampleGrowth(fiona.page, 2000),
        sampleGrowth(chloe.page, 2000),
      ]);
      const fromChloe = inFiona.get(chloeId);
      const fromFiona = inChloe.get(fionaId);
      const d = {
        firefoxFrames: fromChloe?.videoFramesDelta ?? 0,
        firefoxAudio: fromChloe?.audioPacketsDelta ?? 0,
        chromiumFrames: fromFiona?.videoFramesDelta ?? 0,
        chromiumAudio: fromFiona?.audioPacketsDelta ?? 0,
      };
      const ok = d.firefoxFrames > 10 && d.firefoxAudio > 20 && d.chromiumFrames > 10 && d.chromiumAudio > 20;
      // Thrown, so that a timeout says what the last window saw.
      if (!ok) throw new Error(`last window: ${JSON.stringify(d)}`);
      return d;
    },
    {
      timeoutMs: 20_000,
      intervalMs: 0,
      what: `${when}: video and audio growing both ways in one 2 s window`,
    },
  );
  console.log(`[firefox reload] ${when}, window ${windows} (2 s): ${JSON.stringify(seen)}`);
}

beforeAll(async () => {
  cast = await Cast.start("firefox-reload", { language: "en-US, en" });
  chloe = await cast.chromium("chloe");
  chloeFrames = recordFrames(chloe.page);
  fiona = await cast.firefox("fiona");
});

afterAll(async () => {
  await cast?.close();
});

describe.sequential("a Firefox page reloads in a meeting with Chromium", () => {
  it("Fiona (Firefox, first: moderator) and Chloé (Chromium) are in a call, media both ways", async () => {
    cast.evidenceOnFailure("setup");
    fionaId = await joinInFirefox(fiona.page, cast.server.origin, room, "Fiona");
    chloeId = await joinViaUi(chloe.page, cast.server.origin, room, "Chloé");
    await waitForRemoteSet(fiona.page, [chloeId], 30_000);
    await waitForRemoteSet(chloe.page, [fionaId], 30_000);
    await expectMediaBothWays("before the reload");
  });

  it("Fiona reloads and presses Join: the same participant, still moderator; media flows both ways again", async () => {
    cast.evidenceOnFailure("firefox-reload");
    const from = chloeFrames.mark();
    const t0 = Date.now();
    await fiona.page.reload({ waitUntil: "load" });
    // A pre-join screen, as after any reload: she is in the meeting only once she presses Join.
    await fiona.page.waitForSelector(sel.displayName, { visible: true, timeout: 20_000 });
    expect(
      await inPage<boolean>(fiona.page, `!!document.querySelector(${JSON.stringify(sel.conference)})`),
    ).toBe(false);
    const id = await enterFromPrejoin(fiona.page, "Fiona");
    console.log(
      `[firefox reload] Firefox back in the meeting ${Date.now() - t0} ms after the reload started`,
    );
    expect(id, "Fiona's participant id after the reload").toBe(fionaId);

    // Chromium saw her connection drop (no `leave` on pagehide in Firefox), then the same participant come back.
    const since = () => chloeFrames.received.slice(from);
    await waitFor(
      () => since().some((f) => f.type === "participant.joined" && f.participant?.id === fionaId),
      {
        timeoutMs: 10_000,
        what: "Fiona's participant.joined, with her id, on Chloé's socket",
      },
    );
    const left = since().findIndex((f) => f.type === "participant.left" && f.participantId === fionaId);
    expect(since()[left]?.reason, "Chloé saw Fiona's connection drop").toBe("disconnected");
    await waitForRemoteSet(chloe.page, [fionaId], 20_000);
    await waitForRemoteSet(fiona.page, [chloeId], 20_000);

    await fiona.page.click(msel.toggleParticipants);
    await seesInFirefox(
      fiona.page,
      `${rowOf(fionaId)} ${msel.roleBadge}`,
      "Fiona still moderator in Firefox",
    );
    await fiona.page.click(msel.toggleParticipants);
    await expectMediaBothWays("after Firefox's reload");
  });

  it("Chloé (Chromium) reloads and presses Join: Firefox gets the same participant back, with its media", async () => {
    cast.evidenceOnFailure("chromium-reload");
    await chloe.page.reload({ waitUntil: "load" });
    await chloe.page.locator(sel.displayName).waitFor({ state: "visible", timeout: 20_000 });
    await fillName(chloe.page, "Chloé");
    await chloe.page.locator(sel.join).click();
    expect(await waitForConference(chloe.page, 30_000), "Chloé's id after her reload").toBe(chloeId);
    await waitForRemoteSet(fiona.page, [chloeId], 20_000);
    await expectMediaBothWays("after Chromium's reload");
  });
});

describe("the pages", () => {
  it("logged no uncaught error", () => {
    const errors = [fiona, chloe].flatMap((p) =>
      p.console.filter((l) => l.startsWith("[pageerror]")).map((l) => `${p.label} ${l}`),
    );
    expect(errors).toEqual([]);
  });
});

describeServerLog(() => cast?.server);
