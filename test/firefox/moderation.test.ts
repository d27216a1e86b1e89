/**
 * Moderation across the two browsers, through the real UI (English). A Chromium moderator (the first to join)
 * mutes a Firefox participant from the participants pane: Firefox shows its microphone off, and its audio stops
 * reaching the Chromium page while its video goes on (inbound-rtp read by track id, as e2e/moderation reads
 * it); the Firefox user turns the microphone back on from the toolbar, and its audio flows again. Then, in a
 * new meeting Firefox opens first (so it is the moderator), Firefox removes the Chromium participant with a
 * reason: the Chromium page shows the removed screen with the reason, and its tile leaves the Firefox page.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Participant } from "../e2e/helpers/browser.js";
import { inboundByTrack, msel, participantAction, rowOf } from "../e2e/helpers/moderation-ui.js";
import { outboundSummary, readTiles } from "../e2e/helpers/rtc.js";
import { joinViaUi, sel, tileOf, waitForMediaFrom, waitForRemoteSet } from "../e2e/helpers/ui.js";
import { describeServerLog } from "../helpers/log-health.js";
import { sleep, waitFor } from "../helpers/wait.js";
import { Cast } from "./helpers/cast.js";
import {
  attributeInFirefox,
  type FirefoxParticipant,
  joinInFirefox,
  participantActionInFirefox,
  seesInFirefox,
} from "./helpers/firefox.js";

let cast: Cast;
let chloe: Participant;
let chloeId: string;
let fiona: FirefoxParticipant;
let fionaId: string;
/** Fiona's receiving track ids on Chloé's page. */
let audioTrack = "";
let videoTrack = "";
const stamp = Date.now().toString(36);

/**
 * What Chloé's page received of Fiona's audio and video over a window of `ms` (by track id, not through the
 * tiles: a tile hiding its <audio> cannot make a stream look stopped), and what Firefox sent of its audio.
 */
async function fionaOnChloe(ms: number) {
  const ids = [audioTrack, videoTrack];
  const [before, sentBefore] = await Promise.all([
    inboundByTrack(chloe.page, ids),
    outboundSummary(fiona.page),
  ]);
  await sleep(ms); // the measuring window
  const [after, sentAfter] = await Promise.all([
    inboundByTrack(chloe.page, ids),
    outboundSummary(fiona.page),
  ]);
  expect(after[audioTrack], "Chloé has inbound-rtp stats for Fiona's audio").not.toBeNull();
  expect(after[videoTrack], "Chloé has inbound-rtp stats for Fiona's video").not.toBeNull();
  return {
    audio: (after[audioTrack]?.packetsReceived ?? 0) - (before[audioTrack]?.packetsReceived ?? 0),
    video: (after[videoTrack]?.framesDecoded ?? 0) - (before[videoTrack]?.framesDecoded ?? 0),
    sentAudio: sentAfter.audioPackets - sentBefore.audioPackets,
  };
}

/** Waits until Firefox's toolbar shows its microphone `on` or off (aria-pressed). */
const micButtonShows = (on: boolean) =>
  waitFor(async () => (await attributeInFirefox(fiona.page, sel.toggleMic, "aria-pressed")) === String(on), {
    timeoutMs: 10_000,
    what: `Firefox's mic button ${on ? "on" : "off"}`,
  });

beforeAll(async () => {
  cast = await Cast.start("firefox-moderation", { language: "en-US, en" });
  chloe = await cast.chromium("chloe");
  fiona = await cast.firefox("fiona");
});

afterAll(async () => {
  await cast?.close();
});

describe.sequential("a Chromium moderator mutes a Firefox participant", () => {
  it("Chloé (Chromium, first: moderator) and Fiona (Firefox) are in a call, media both ways", async () => {
    cast.evidenceOnFailure("setup");
    const room = `firefox-modmute-${stamp}`;
    chloeId = await joinViaUi(chloe.page, cast.server.origin, room, "Chloé");
    fionaId = await joinInFirefox(fiona.page, cast.server.origin, room, "Fiona");
    await waitForRemoteSet(chloe.page, [fionaId], 30_000);
    await waitForMediaFrom(chloe.page, [fionaId], 40_000);
    await waitForMediaFrom(fiona.page, [chloeId], 40_000);
    const tile = (await readTiles(chloe.page)).find((t) => t.participantId === fionaId);
    audioTrack = tile?.audioTrackId ?? "";
    videoTrack = tile?.videoTrackId ?? "";
    expect(audioTrack, "Chloé plays Fiona's audio").not.toBe("");
    expect(videoTrack, "Chloé shows Fiona's video").not.toBe("");
    const s = await fionaOnChloe(2000);
    expect(s.audio, "Fiona's audio packets reach Chloé before the mute").toBeGreaterThan(20);
    expect(s.video, "Fiona's video decodes on Chloé's page before the mute").toBeGreaterThan(10);
  });

  it("Chloé mutes Fiona: Firefox shows its mic off, its audio stops reaching Chromium, its video does not", async () => {
    cast.evidenceOnFailure("mute");
    await micButtonShows(true);
    await participantAction(chloe.page, fionaId, "mute");
    await seesInFirefox(fiona.page, msel.mutedNotice, "the moderator's mute notice in Firefox");
    await seesInFirefox(fiona.page, `${sel.localTile} ${sel.micMuted}`, "Fiona's own tile muted in Firefox");
    await micButtonShows(false);
    await chloe.page
      .locator(`${tileOf(fionaId)} ${sel.micMuted}`)
      .waitFor({ state: "attached", timeout: 10_000 });
    await waitFor(async () => (await fionaOnChloe(1000)).audio === 0, {
      timeoutMs: 10_000,
      what: "no more of Fiona's audio packets on Chloé's page",
    });
    const s = await fionaOnChloe(2000);
    console.log(`[firefox moderation] Fiona → Chloé in 2 s while muted: ${JSON.stringify(s)}`);
    expect(s.audio, "audio packets from the muted Firefox reaching Chromium").toBe(0);
    // Firefox ESR kept sending silence (about 50 packets a second) with its audio encoding inactive, until the
    // client detached the microphone's track from its sender as well.
    expect(s.sentAudio, "audio packets the muted Firefox sent").toBeLessThanOrEqual(2);
    expect(s.video, "the muted Firefox's video keeps decoding on Chromium").toBeGreaterThan(10);
    // The same receiving tracks: no renegotiation that would make these numbers meaningless.
    const tile = (await readTiles(chloe.page)).find((t) => t.participantId === fionaId);
    expect(tile?.audioTrackId).toBe(audioTrack);
    expect(tile?.videoTrackId).toBe(videoTrack);
  });

  it("Fiona turns her mic back on from the toolbar: Chromium shows it on and receives her audio again", async () => {
    cast.evidenceOnFailure("unmute");
    await fiona.page.click(sel.toggleMic);
    await micButtonShows(true);
    await seesInFirefox(fiona.page, `${sel.localTile} ${sel.micMuted}`, "Fiona's own tile unmuted", {
      gone: true,
    });
    await chloe.page
      .locator(`${tileOf(fionaId)} ${sel.micMuted}`)
      .waitFor({ state: "detached", timeout: 10_000 });
    await waitFor(async () => (await fionaOnChloe(1000)).audio > 10, {
      timeoutMs: 15_000,
      what: "Fiona's audio packets on Chloé's page again",
    });
    const s = await fionaOnChloe(2000);
    console.log(`[firefox moderation] Fiona → Chloé in 2 s after her unmute: ${JSON.stringify(s)}`);
    expect(s.audio, "audio packets reach Chromium again").toBeGreaterThan(20);
    expect(s.video).toBeGreaterThan(10);
  });
});

describe.sequential("a Firefox participant mutes itself", () => {
  it("sends no audio at all while muted (nothing for the media server to block), and sends again after", async () => {
    cast.evidenceOnFailure("self-mute");
    await fiona.page.click(sel.toggleMic);
    await micButtonShows(false);
    await waitFor(async () => (await fionaOnChloe(1000)).sentAudio === 0, {
      timeoutMs: 10_000,
      what: "no audio packet sent by the self-muted Firefox",
    });
    const muted = await fionaOnChloe(2000);
    console.log(`[firefox moderation] self-muted Fiona in 2 s: ${JSON.stringify(muted)}`);
    expect(muted.sentAudio, "audio packets the self-muted Firefox sent").toBe(0);
    expect(muted.audio, "audio packets from it reaching Chromium").toBe(0);
    expect(muted.video, "its video keeps decoding on Chromium").toBeGreaterThan(10);
    await fiona.page.click(sel.toggleMic);
    await micButtonShows(true);
    await waitFor(async () => (await fionaOnChloe(1000)).audio > 10, {
      timeoutMs: 15_000,
      what: "Fiona's audio on Chloé's page after her own unmute",
    });
  });
});

describe.sequential("a Firefox moderator removes a Chromium participant", () => {
  const reason = "Testing the removal";

  it("both hang up; Fiona opens a new meeting first (moderator, her badge in Firefox), Chloé joins it", async () => {
    cast.evidenceOnFailure("remove-setup");
    await fiona.page.click(sel.hangup);
    await fiona.page.waitForSelector(sel.leftScreen, { visible: true, timeout: 10_000 });
    await chloe.page.locator(sel.hangup).click();
    await chloe.page.locator(sel.leftScreen).waitFor({ state: "visible", timeout: 10_000 });
    const room = `firefox-modremove-${stamp}`;
    fionaId = await joinInFirefox(fiona.page, cast.server.origin, room, "Fiona");
    chloeId = await joinViaUi(chloe.page, cast.server.origin, room, "Chloé");
    await waitForRemoteSet(fiona.page, [chloeId], 30_000);
    await waitForMediaFrom(fiona.page, [chloeId], 40_000);
    await fiona.page.click(msel.toggleParticipants);
    await seesInFirefox(fiona.page, `${rowOf(fionaId)} ${msel.roleBadge}`, "Fiona's moderator badge");
    await seesInFirefox(fiona.page, `${rowOf(chloeId)} ${msel.roleBadge}`, "no badge on Chloé", {
      gone: true,
    });
  });

  it("Fiona removes Chloé with a reason: Chromium shows the removed screen and the reason, the tile leaves Firefox", async () => {
    cast.evidenceOnFailure("remove");
    await participantActionInFirefox(fiona.page, chloeId, "remove");
    await fiona.page.waitForSelector("[data-testid=remove-reason]", { visible: true, timeout: 5000 });
    await fiona.page.type("[data-testid=remove-reason]", reason);
    await fiona.page.click("[data-testid=remove-confirm]");
    await chloe.page.locator(msel.removedScreen).waitFor({ state: "visible", timeout: 10_000 });
    expect(await chloe.page.locator("[data-testid=outcome-detail]").textContent()).toContain(reason);
    expect(await chloe.page.locator(sel.conference).count(), "Chromium left the conference view").toBe(0);
    await waitForRemoteSet(fiona.page, [], 10_000);
    await seesInFirefox(fiona.page, rowOf(chloeId), "Chloé's row gone from Firefox's pane", { gone: true });
    await seesInFirefox(
      fiona.page,
      "[data-testid=barred-entry]",
      "Chloé among the removed in Firefox's pane",
    );
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
