/**
 * Media recovery with Firefox, as e2e/ice-trouble checks it of Chromium: every packet of one participant's
 * media connections dropped by the UDP relay (its two relay ports, both ways: impairPort covers the two flows
 * a Firefox with two host addresses makes per connection), then let through again. First Firefox's path is
 * cut: its page says "Connexion instable…" (French UI) and every quality mark on it says poor while it does;
 * the Chromium page shows no notice (its own path is fine) and decodes no frame of Firefox; once the path is
 * back the notice goes, frames decode again both ways and the marks leave poor. Then Chromium's path is cut:
 * the Firefox page decodes no frame of it, shows no notice, and sees it come back.
 */
import type { Page as ChromiumPage } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ImpairedCall, joinThroughRelay, startImpairedCall } from "../e2e/helpers/degradation.js";
import { type StatsPage, sampleGrowth } from "../e2e/helpers/rtc.js";
import { waitForMediaFrom } from "../e2e/helpers/ui.js";
import { describeServerLog } from "../helpers/log-health.js";
import { waitFor } from "../helpers/wait.js";
import { Cast } from "./helpers/cast.js";
import { type FirefoxParticipant, joinInFirefox } from "./helpers/firefox.js";
import { type Health, health, mediaPath, recordStates, statesSeen } from "./helpers/media-path.js";

let call: ImpairedCall;
let cast: Cast;
let fiona: FirefoxParticipant;
let fionaId: string;
let chloe: ChromiumPage;
let chloeId: string;

/** Frames `viewer` decodes of `from`'s camera tile over 2 s (a throw when the tile is missing). */
async function framesIn2s(viewer: StatsPage, from: string): Promise<number> {
  const g = (await sampleGrowth(viewer, 2000)).get(from);
  if (!g) throw new Error(`no tile of ${from}`);
  return g.videoFramesDelta;
}

/** Waits for a 2 s window in which each page decodes more than 10 frames of the other. */
async function framesBothWays(when: string): Promise<void> {
  const seen = await waitFor(
    async () => {
      const [f, c] = await Promise.all([framesIn2s(fiona.page, chloeId), framesIn2s(chloe, fionaId)]);
      if (f <= 10 || c <= 10) throw new Error(`Firefox ${f}, Chromium ${c} frames in the last 2 s`);
      return { firefox: f, chromium: c };
    },
    { timeoutMs: 40_000, intervalMs: 0, what: `${when}: frames decoded both ways` },
  );
  console.log(`[firefox recovery] ${when}: frames in 2 s ${JSON.stringify(seen)}`);
}

/** Waits for the health notice on `page`; returns what the page showed then and the ms it took. */
async function noticeShows(page: StatsPage, since: number, who: string): Promise<Health> {
  const seen = await waitFor(
    async () => {
      const h = await health(page);
      return h.notice !== null ? h : undefined;
    },
    { timeoutMs: 30_000, what: `the connection notice on ${who}'s page` },
  );
  console.log(
    `[firefox recovery] ${who} cut: notice "${seen.notice}" after ${Math.round(performance.now() - since)} ms, marks ${JSON.stringify(seen.marks)}, connections ${JSON.stringify(seen.states)}`,
  );
  return seen;
}

const allPoor = (h: Health) => h.marks.length > 0 && h.marks.every((m) => m === "poor");

beforeAll(async () => {
  call = await startImpairedCall("firefox-recovery");
  ({ id: chloeId } = await joinThroughRelay(call, "Chloé"));
  chloe = call.participants[0]?.page as ChromiumPage;
  cast = Cast.around(call, "firefox-recovery", { language: "fr-FR, fr" });
  fiona = await cast.firefox("fiona", { relayOnly: true });
  fionaId = await joinInFirefox(fiona.page, call.server.origin, call.room, "Fiona");
  await waitForMediaFrom(fiona.page, [chloeId], 40_000);
  await waitForMediaFrom(chloe, [fionaId], 40_000);
});

afterAll(async () => {
  await cast?.close();
  await call?.close();
});

describe.sequential("Firefox's media path cut, then back", () => {
  let path: Awaited<ReturnType<typeof mediaPath>>;

  it("before: no notice on Firefox's page, and its marks are not poor", async () => {
    cast.evidenceOnFailure("before");
    await waitFor(
      async () => {
        const s = await health(fiona.page);
        return s.notice === null && s.marks.length > 0 && s.marks.every((m) => m !== "poor") ? s : undefined;
      },
      { timeoutMs: 20_000, what: "marks that are not poor, and no notice, in Firefox" },
    );
    path = await mediaPath(call, fiona.page);
  });

  it("cut: Firefox says 'Connexion instable…' with every mark poor; Chromium: no notice, no frame of Firefox", async () => {
    cast.evidenceOnFailure("cut");
    await recordStates(fiona.page);
    const flows = path.set(1);
    console.log(`[firefox recovery] Firefox's relay ports ${path.ports}: ${flows} flows each`);
    expect(Math.min(...flows), `relay flows to Firefox's ports ${path.ports}`).toBeGreaterThan(0);
    const seen = await noticeShows(fiona.page, performance.now(), "Firefox");
    expect(seen.notice).toMatch(/^Connexion instable|connexion audio et vidéo a été perdue/);
    expect(allPoor(seen), JSON.stringify(seen.marks)).toBe(true);
    expect((await health(chloe)).notice, "a notice on the Chromium page, whose path is fine").toBeNull();
    expect(await framesIn2s(chloe, fionaId), "frames of Firefox Chromium decodes in 2 s, cut").toBe(0);
    // Still cut two seconds on: the notice is still there, and every mark still says poor.
    const later = await health(fiona.page);
    expect(later.notice, "Firefox's notice while still cut").not.toBeNull();
    expect(allPoor(later), JSON.stringify(later.marks)).toBe(true);
  });

  it("back: the notice goes, frames decode again both ways, and Firefox's marks leave poor", async () => {
    cast.evidenceOnFailure("back");
    path.set(0);
    const back = performance.now();
    await waitFor(async () => (await health(fiona.page)).notice === null, {
      timeoutMs: 40_000,
      what: "the notice gone from Firefox's page",
    });
    console.log(
      `[firefox recovery] Firefox's notice gone ${Math.round(performance.now() - back)} ms after; its connections since the cut: ${(await statesSeen(fiona.page)).join(", ")}`,
    );
    await framesBothWays("Firefox's path back");
    await waitFor(async () => (await health(fiona.page)).marks.some((m) => m !== "poor"), {
      timeoutMs: 30_000,
      what: "a mark that is not poor again in Firefox",
    });
  });
});

describe.sequential("Chromium's media path cut: Firefox sees it go and come back", () => {
  it("cut: Chromium shows the notice, Firefox none and no frame of Chromium; back: frames again both ways", async () => {
    cast.evidenceOnFailure("chromium-cut");
    const path = await mediaPath(call, chloe);
    await recordStates(chloe);
    expect(Math.min(...path.set(1)), `relay flows to Chromium's ports ${path.ports}`).toBeGreaterThan(0);
    const seen = await noticeShows(chloe, performance.now(), "Chromium");
    expect(allPoor(seen), JSON.stringify(seen.marks)).toBe(true);
    expect((await health(fiona.page)).notice, "a notice on Firefox's page, whose path is fine").toBeNull();
    expect(await framesIn2s(fiona.page, chloeId), "frames of Chromium Firefox decodes in 2 s, cut").toBe(0);
    path.set(0);
    await waitFor(async () => (await health(chloe)).notice === null, {
      timeoutMs: 40_000,
      what: "the notice gone from Chromium's page",
    });
    console.log(
      `[firefox recovery] Chromium's connections since the cut: ${(await statesSeen(chloe)).join(", ")}`,
    );
    await framesBothWays("Chromium's path back");
  });
});

describe("the pages", () => {
  it("logged no uncaught error", () => {
    expect(
      [...fiona.console, ...call.participants.flatMap((p) => p.console)].filter((l) =>
        l.startsWith("[pageerror]"),
      ),
    ).toEqual([]);
  });
});

describeServerLog(() => call?.server);
