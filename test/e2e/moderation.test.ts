/**
 * Moderation through the real UI (headless Chromium). First the media side of a mute: the participant muted is
 * a raw in-page WebRTC client that ignores `moderation.muted` and keeps sending; once the moderator mutes it
 * from the participants pane, a third page stops receiving its audio (its video keeps decoding), until the
 * participant itself turns its microphone back on. Then the UI of the other actions: mute, ask to unmute,
 * make moderator, mute everyone, remove.
 *
 * The tests run in order and share one room (later steps build on earlier ones).
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { describeServerLog } from "../helpers/log-health.js";
import { type ServerHandle, startServer, tail } from "../helpers/server.js";
import { sleep, waitFor } from "../helpers/wait.js";
import { launchChromium, newParticipant, type Participant, saveEvidence } from "./helpers/browser.js";
import {
  inboundByTrack,
  msel,
  openParticipants,
  participantAction,
  rowOf,
  type TrackInbound,
} from "./helpers/moderation-ui.js";
import { rawOutbound, rawPeerState, rawRequest, startRawPeer } from "./helpers/raw-peer.js";
import { readTiles } from "./helpers/rtc.js";
import { joinViaUi, sel, tileOf, waitForMediaFrom, waitForRemoteSet } from "./helpers/ui.js";

let server: ServerHandle;
let browser: Browser;
const everyone: Participant[] = [];
const room = `e2e-moderation-${Date.now().toString(36)}`;
let mod: Participant;
let raw: Participant;
let obs: Participant;
let modId = "";
let rawId = "";
let obsId = "";
/** The raw participant's receiving track ids on the observer's page. */
let rawAudioTrack = "";
let rawVideoTrack = "";

async function participant(label: string): Promise<Participant> {
  const p = await newParticipant(browser, label);
  everyone.push(p);
  return p;
}

function onFailureSaveEvidence(tag: string): void {
  onTestFailed(async () => {
    const dir = await saveEvidence(tag, everyone);
    let rawState = "";
    if (raw && !raw.page.isClosed()) rawState = JSON.stringify(await rawPeerState(raw.page).catch(String));
    console.error(
      `evidence in ${dir}\nraw peer: ${rawState}\nserver log ${server.logFile} (tail):\n${tail(server.lines, 60)}`,
    );
  });
}

/** The raw participant's audio and video as received by the observer, sampled `ms` apart. */
async function sampleRawOnObserver(ms: number): Promise<{
  audio: number;
  video: number;
  sentAudio: number;
  before: Record<string, TrackInbound | null>;
  after: Record<string, TrackInbound | null>;
}> {
  const ids = [rawAudioTrack, rawVideoTrack];
  const [before, sentBefore] = await Promise.all([inboundByTrack(obs.page, ids), rawOutbound(raw.page)]);
  await sleep(ms);
  const [after, sentAfter] = await Promise.all([inboundByTrack(obs.page, ids), rawOutbound(raw.page)]);
  expect(
    after[rawAudioTrack],
    "the observer has inbound-rtp stats for the raw participant's audio",
  ).not.toBeNull();
  expect(
    after[rawVideoTrack],
    "the observer has inbound-rtp stats for the raw participant's video",
  ).not.toBeNull();
  return {
    audio: (after[rawAudioTrack]?.packetsReceived ?? 0) - (before[rawAudioTrack]?.packetsReceived ?? 0),
    video: (after[rawVideoTrack]?.framesDecoded ?? 0) - (before[rawVideoTrack]?.framesDecoded ?? 0),
    sentAudio: sentAfter.audioPackets - sentBefore.audioPackets,
    before,
    after,
  };
}

beforeAll(async () => {
  server = await startServer({ name: "e2e-moderation" });
  browser = await launchChromium();
});

afterAll(async () => {
  for (const p of everyone) await p.close();
  await browser?.close();
  if (server) await server.stop();
});

describe.sequential("a moderator's mute is enforced by the media server", () => {
  it("a moderator (UI), a raw WebRTC client and an observer (UI) are in a call with media flowing", async () => {
    onFailureSaveEvidence("moderation-setup");
    mod = await participant("moderator");
    modId = await joinViaUi(mod.page, server.origin, room, "Mo Moderator");
    raw = await participant("raw");
    rawId = await startRawPeer(raw.page, server.origin, room, "Rogue Raw");
    obs = await participant("observer");
    obsId = await joinViaUi(obs.page, server.origin, room, "Olive Observer");

    await waitForRemoteSet(obs.page, [modId, rawId], 30_000);
    await waitForMediaFrom(obs.page, [modId, rawId], 40_000);
    await waitForRemoteSet(mod.page, [rawId, obsId], 30_000);
    await waitForMediaFrom(mod.page, [rawId], 40_000);
    const tile = (await readTiles(obs.page)).find((t) => t.participantId === rawId);
    rawAudioTrack = tile?.audioTrackId ?? "";
    rawVideoTrack = tile?.videoTrackId ?? "";
    expect(rawAudioTrack, "the observer plays the raw participant's audio").not.toBe("");
    expect(rawVideoTrack, "the observer shows the raw participant's video").not.toBe("");

    const s = await sampleRawOnObserver(2000);
    expect(s.audio, "raw audio packets reach the observer before the mute").toBeGreaterThan(20);
    expect(s.video, "raw video decodes on the observer before the mute").toBeGreaterThan(10);
  });

  it("the moderator mutes it from the participants pane: its audio stops reaching the observer, its video does not", async () => {
    onFailureSaveEvidence("moderation-media-mute");
    for (const p of [mod, obs])
      expect(await p.page.locator(`${tileOf(rawId)} ${sel.micMuted}`).count()).toBe(0);
    await participantAction(mod.page, rawId, "mute");

    // Everyone shows it muted (participant.updated audio:false)…
    await Promise.all(
      [mod, obs].map((p) =>
        p.page.locator(`${tileOf(rawId)} ${sel.micMuted}`).waitFor({ state: "attached", timeout: 10_000 }),
      ),
    );
    // …the raw client was told, and ignored it: its track is still on and it keeps sending.
    await waitFor(async () => (await rawPeerState(raw.page)).types.includes("moderation.muted"), {
      timeoutMs: 5000,
      what: "moderation.muted on the raw client",
    });
    expect((await rawPeerState(raw.page)).audioEnabled).toBe(true);

    await sleep(1000); // let packets already in flight arrive
    const s = await sampleRawOnObserver(2000);
    console.log(`[media mute] raw → observer in 2 s while muted: ${JSON.stringify(s)}`);
    expect(s.sentAudio, "the raw client kept sending audio").toBeGreaterThan(20);
    expect(s.audio, "audio packets from the muted participant reaching the observer").toBe(0);
    expect(s.video, "the muted participant's video keeps decoding").toBeGreaterThan(10);
    // Still the same receiving tracks (no renegotiation that would make these numbers meaningless).
    const tile = (await readTiles(obs.page)).find((t) => t.participantId === rawId);
    expect(tile?.audioTrackId).toBe(rawAudioTrack);
    expect(tile?.videoTrackId).toBe(rawVideoTrack);
  });

  it("the participant turns its microphone back on (media.state): its audio flows again", async () => {
    onFailureSaveEvidence("moderation-media-unmute");
    expect(await rawRequest(raw.page, { type: "media.state", audio: true, video: true })).toMatchObject({
      type: "ok",
    });
    await Promise.all(
      [mod, obs].map((p) =>
        p.page.locator(`${tileOf(rawId)} ${sel.micMuted}`).waitFor({ state: "detached", timeout: 10_000 }),
      ),
    );
    await sleep(1000);
    const s = await sampleRawOnObserver(2000);
    console.log(`[media unmute] raw → observer in 2 s after unmute: ${JSON.stringify(s)}`);
    expect(s.audio, "audio packets reach the observer again").toBeGreaterThan(20);
    expect(s.video).toBeGreaterThan(10);
  });
});

describe.sequential("moderation through the UI", () => {
  it("mute: the target's page shows the notice and its own mic off; the others show mic-muted on its tile", async () => {
    onFailureSaveEvidence("moderation-mute-ui");
    await participantAction(mod.page, obsId, "mute");
    await obs.page.locator(msel.mutedNotice).waitFor({ state: "visible", timeout: 10_000 });
    await mod.page
      .locator(`${tileOf(obsId)} ${sel.micMuted}`)
      .waitFor({ state: "attached", timeout: 10_000 });
    await obs.page
      .locator(`${sel.localTile} ${sel.micMuted}`)
      .waitFor({ state: "attached", timeout: 10_000 });
    // Nobody else was muted.
    expect(await mod.page.locator(`${tileOf(rawId)} ${sel.micMuted}`).count()).toBe(0);
    expect(await obs.page.locator(`${tileOf(modId)} ${sel.micMuted}`).count()).toBe(0);
  });

  it("ask to unmute: the target sees the request; accepting it turns its microphone on for everyone", async () => {
    onFailureSaveEvidence("moderation-ask-unmute");
    await participantAction(mod.page, obsId, "ask-unmute");
    const request = obs.page.locator(msel.unmuteRequest);
    await request.waitFor({ state: "visible", timeout: 10_000 });
    // Asking changes nothing by itself.
    expect(await mod.page.locator(`${tileOf(obsId)} ${sel.micMuted}`).count()).toBe(1);
    await request.locator(msel.unmuteAccept).click();
    await mod.page
      .locator(`${tileOf(obsId)} ${sel.micMuted}`)
      .waitFor({ state: "detached", timeout: 10_000 });
    await obs.page
      .locator(`${sel.localTile} ${sel.micMuted}`)
      .waitFor({ state: "detached", timeout: 10_000 });
    await request.waitFor({ state: "detached", timeout: 10_000 });
  });

  it("make moderator: the role badge shows on the new moderator's row in everyone's pane", async () => {
    onFailureSaveEvidence("moderation-grant");
    await openParticipants(mod.page);
    expect(await mod.page.locator(`${rowOf(obsId)} ${msel.roleBadge}`).count(), "not a moderator yet").toBe(
      0,
    );
    expect(await mod.page.locator(`${rowOf(modId)} ${msel.roleBadge}`).count(), "the moderator's badge").toBe(
      1,
    );
    await participantAction(mod.page, obsId, "grant");
    await mod.page
      .locator(`${rowOf(obsId)} ${msel.roleBadge}`)
      .waitFor({ state: "visible", timeout: 10_000 });
    await openParticipants(obs.page);
    await obs.page
      .locator(`${rowOf(obsId)} ${msel.roleBadge}`)
      .waitFor({ state: "visible", timeout: 10_000 });
    expect(await obs.page.locator(`${rowOf(modId)} ${msel.roleBadge}`).count()).toBe(1);
    expect(await obs.page.locator(`${rowOf(rawId)} ${msel.roleBadge}`).count()).toBe(0);
    // The new moderator gets the moderators' menu on others.
    await obs.page.locator(`${rowOf(rawId)} ${msel.menu}`).click();
    await obs.page.locator("[data-testid=action-mute]").first().waitFor({ state: "visible", timeout: 5000 });
    await obs.page.keyboard.press("Escape");
    await waitFor(
      async () => (await rawPeerState(raw.page)).types.filter((t) => t === "participant.updated").length >= 1,
      { timeoutMs: 5000, what: "the raw client told of the new role" },
    );
  });

  it("mute everyone and remove: the removed page shows the removed screen and its tile disappears for the others", async () => {
    onFailureSaveEvidence("moderation-remove");
    // The raw client is done; leave room for one more page on two cores.
    await raw.close();
    await waitForRemoteSet(mod.page, [obsId], 20_000);
    const victim = await participant("victim");
    const victimId = await joinViaUi(victim.page, server.origin, room, "Vic Victim");
    await waitForRemoteSet(mod.page, [obsId, victimId], 20_000);
    await waitForRemoteSet(obs.page, [modId, victimId], 20_000);

    await openParticipants(mod.page);
    await mod.page.locator(msel.muteAll).click();
    for (const id of [obsId, victimId])
      await mod.page.locator(`${tileOf(id)} ${sel.micMuted}`).waitFor({ state: "attached", timeout: 10_000 });
    await victim.page.locator(msel.mutedNotice).waitFor({ state: "visible", timeout: 10_000 });
    expect(
      await obs.page.locator(`${tileOf(modId)} ${sel.micMuted}`).count(),
      "the moderator is not muted",
    ).toBe(0);

    await participantAction(mod.page, victimId, "remove");
    // Removal asks first (remove-lasting.test.ts tests the dialog, the reason and the bar).
    await mod.page.locator("[data-testid=remove-confirm]").click();
    await victim.page.locator(msel.removedScreen).waitFor({ state: "visible", timeout: 10_000 });
    await Promise.all(
      [mod, obs].map((p) => p.page.locator(tileOf(victimId)).waitFor({ state: "detached", timeout: 10_000 })),
    );
    await openParticipants(obs.page);
    await obs.page.locator(rowOf(victimId)).waitFor({ state: "detached", timeout: 10_000 });
    // The removed page does not come back by itself.
    await sleep(3000);
    expect(await victim.page.locator(msel.removedScreen).isVisible()).toBe(true);
    expect(await mod.page.locator(tileOf(victimId)).count()).toBe(0);
    expect(await victim.page.locator(sel.conference).count()).toBe(0);
  });
});

describe("the pages", () => {
  it("logged no uncaught error", () => {
    const errors = everyone.flatMap((p) =>
      p.console.filter((l) => l.startsWith("[pageerror]")).map((l) => `${p.label} ${l}`),
    );
    expect(errors).toEqual([]);
  });
});

// Last: judges every line the server printed during the file's tests.
describeServerLog(() => server);
