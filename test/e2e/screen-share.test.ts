/**
 * Screen sharing through the UI, three headless Chromium pages (Bob enters first and moderates; Alice shares;
 * Carol watches):
 *
 * - Alice clicks Share (button[data-testid=toggle-screen]) → Bob and Carol get a second tile for her,
 *   [data-source=screen], whose video decodes (framesDecoded of the tile's own track grows); her camera tile
 *   stays and keeps decoding.
 * - In speaker view the shared screen is the stage (data-stage="true"), and it is larger than the others.
 * - Alice clicks again → the screen tile is gone on Bob's and Carol's pages within 2 s.
 * - The capture ends as when the user presses the browser's "Stop sharing" (the display track stops and fires
 *   `ended`) → same result, and Alice's button is no longer pressed.
 * - With MAX_SCREEN_SHARES=1 (this file's server), Carol's Share while Alice shares shows
 *   [data-testid=share-error] and captures nothing.
 * - A moderator stops Alice's share from the participants pane ([data-testid=action-stop-screen]).
 *
 * Headless capture: no extra Chromium flag is needed; the fake-device and fake-UI flags already in
 * CHROMIUM_ARGS make getDisplayMedia() (from a click) return a fake 1280×720 "monitor" (see
 * helpers/media-views.ts for what was tried).
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { describeServerLog } from "../helpers/log-health.js";
import { type ServerHandle, startServer, tail } from "../helpers/server.js";
import { sleep, waitFor } from "../helpers/wait.js";
import { launchChromium, newParticipant, type Participant, saveEvidence } from "./helpers/browser.js";
import {
  clickStamped,
  DISPLAY_RECORDER_SCRIPT,
  describeMediaTiles,
  endScreenCapture,
  findTile,
  layoutOf,
  mv,
  outboundVideoDetail,
  readMediaTiles,
  sourceTile,
  stageTiles,
  waitForDecodingTile,
  waitForLayout,
  waitPressed,
} from "./helpers/media-views.js";
import { msel, rowOf } from "./helpers/moderation-ui.js";
import { sentVideoBytes } from "./helpers/rtc.js";
import { joinViaUi, waitForMediaFrom } from "./helpers/ui.js";
import { type FrameLog, recordFrames } from "./helpers/ws-frames.js";

let server: ServerHandle;
let browser: Browser;
const everyone: Participant[] = [];
const ids = new Map<Participant, string>();
const frames = new Map<Participant, FrameLog>();
const room = `e2e-screen-${Date.now().toString(36)}`;
let alice: Participant;
let bob: Participant;
let carol: Participant;

const idOf = (p: Participant): string => {
  const id = ids.get(p);
  if (!id) throw new Error(`${p.label} has not joined`);
  return id;
};

function onFailureSaveEvidence(tag: string): void {
  onTestFailed(async () => {
    const dir = await saveEvidence(tag, everyone);
    const tiles = await Promise.all(
      everyone.map(
        async (p) => `${p.label}: ${describeMediaTiles(await readMediaTiles(p.page).catch(() => []))}`,
      ),
    );
    const outbound = await Promise.all(
      everyone.map(async (p) => `${p.label}: ${await outboundVideoDetail(p.page).catch((e) => String(e))}`),
    );
    const configures = everyone.map(
      (p) =>
        `${p.label}: ${JSON.stringify((frames.get(p)?.sent ?? []).filter((f) => f.type === "subscribe.configure").map((f) => f.streams))}`,
    );
    console.error(
      `evidence in ${dir}\ntiles:\n${tiles.join("\n")}\noutbound video:\n${outbound.join("\n")}\nsubscribe.configure sent:\n${configures.join("\n")}\nserver log ${server.logFile} (tail):\n${tail(server.lines, 60)}`,
    );
  });
}

/** How many streams getDisplayMedia() returned on the page so far. */
const captures = (p: Participant) =>
  p.page.evaluate("(window.__displayStreams || []).length") as Promise<number>;

/** The media.state messages the page sent, in order. */
const sentMediaStates = (p: Participant) =>
  (frames.get(p)?.sent ?? []).filter((f) => f.type === "media.state");

async function startSharing(p: Participant): Promise<void> {
  await p.page.locator(mv.toggleScreen).click();
  await waitPressed(p.page, mv.toggleScreen, true, 15_000);
}

/** Waits until both viewers show `sharer`'s screen tile and decode it. */
async function viewersDecodeScreen(sharer: Participant, viewers: Participant[]): Promise<void> {
  for (const v of viewers) {
    await v.page.locator(sourceTile(idOf(sharer), "screen")).waitFor({ state: "attached", timeout: 20_000 });
    const g = await waitForDecodingTile(v.page, idOf(sharer), "screen", { timeoutMs: 30_000, minFrames: 3 });
    console.log(
      `[share] ${v.label} decodes ${sharer.label}'s screen: frames ${g.before} → ${g.after}, width ${g.width}`,
    );
  }
}

/** Waits (from `since`) until `sharer`'s screen tile is gone on every viewer; returns the ms each took. */
async function screenTileGone(sharer: Participant, viewers: Participant[], since: number, timeoutMs = 2000) {
  return Promise.all(
    viewers.map(async (v) => {
      const left = Math.max(100, timeoutMs - (Date.now() - since));
      await v.page.locator(sourceTile(idOf(sharer), "screen")).waitFor({ state: "detached", timeout: left });
      return Date.now() - since;
    }),
  );
}

beforeAll(async () => {
  server = await startServer({ name: "e2e-screen", env: { MAX_SCREEN_SHARES: "1" } });
  browser = await launchChromium();
  alice = await newParticipant(browser, "alice");
  bob = await newParticipant(browser, "bob");
  carol = await newParticipant(browser, "carol");
  everyone.push(alice, bob, carol);
  for (const p of everyone) {
    await p.context.addInitScript(DISPLAY_RECORDER_SCRIPT);
    frames.set(p, recordFrames(p.page));
  }
  // Bob first: he is the moderator.
  for (const [p, name] of [
    [bob, "Bob"],
    [alice, "Alice"],
    [carol, "Carol"],
  ] as const) {
    ids.set(p, await joinViaUi(p.page, server.origin, room, name));
  }
  for (const p of everyone) {
    const others = everyone.filter((o) => o !== p).map(idOf);
    await waitForMediaFrom(p.page, others, 45_000);
  }
});

afterAll(async () => {
  for (const p of everyone) await p.close();
  await browser?.close();
  if (server) await server.stop();
});

describe.sequential("screen sharing through the UI", () => {
  it("before anyone shares: no screen tile anywhere, the Share button is not pressed", async () => {
    onFailureSaveEvidence("screen-before");
    for (const p of everyone) {
      expect(await p.page.locator("[data-testid=tile][data-source=screen]").count(), p.label).toBe(0);
      expect(await p.page.locator(mv.toggleScreen).getAttribute("aria-pressed"), p.label).toBe("false");
      // Every tile says what it shows.
      const tiles = await readMediaTiles(p.page);
      expect(
        tiles.map((t) => t.source),
        `${p.label}: data-source on every tile`,
      ).toEqual(tiles.map(() => "camera"));
    }
  });

  it("Alice shares: Bob and Carol get her screen tile, decoding, beside her still-decoding camera tile", async () => {
    onFailureSaveEvidence("screen-start");
    await startSharing(alice);
    expect(await captures(alice), "Alice captured her screen once").toBe(1);
    await viewersDecodeScreen(alice, [bob, carol]);
    for (const v of [bob, carol]) {
      // One screen tile, Alice's, and not local.
      const screens = (await readMediaTiles(v.page)).filter((t) => t.source === "screen");
      expect(
        screens.map((t) => `${t.participantId}/${t.local}`),
        `${v.label}: screen tiles`,
      ).toEqual([`${idOf(alice)}/false`]);
      // The screen is a different track from her camera, and both decode.
      const cam = await findTile(v.page, idOf(alice), "camera");
      expect(cam, `${v.label}: Alice's camera tile`).toBeDefined();
      expect(cam?.videoTrackId).not.toBe(screens[0]?.videoTrackId);
      await waitForDecodingTile(v.page, idOf(alice), "camera", { timeoutMs: 15_000, minFrames: 5 });
    }
    // The protocol saw it: Alice declared the share.
    expect(
      sentMediaStates(alice).some((m) => m.screen === true),
      "Alice sent media.state screen:true",
    ).toBe(true);
  });

  it("speaker view puts the shared screen on the stage, larger than the other tiles", async () => {
    onFailureSaveEvidence("screen-speaker");
    for (const v of [bob, carol]) {
      const layout = await layoutOf(v.page);
      console.log(`[share] ${v.label}'s layout while Alice shares: ${layout}`);
      if (layout !== "speaker") {
        await v.page.locator(mv.toggleLayout).click();
        await waitForLayout(v.page, "speaker");
      }
      await waitPressed(v.page, mv.toggleLayout, true, 5000);
      let stage: string[] = [];
      await waitFor(
        async () => {
          stage = await stageTiles(v.page);
          return stage.length === 1 && stage[0] === `${idOf(alice)}/screen`;
        },
        { timeoutMs: 5000, what: `${v.label}: Alice's screen as the only stage tile` },
      ).catch((e) => {
        throw new Error(`${(e as Error).message}; stage tiles: ${JSON.stringify(stage)}`);
      });
      const screenBox = await v.page.locator(sourceTile(idOf(alice), "screen")).boundingBox();
      expect(screenBox, `${v.label}: the stage is visible`).not.toBeNull();
      const others = v.page.locator("[data-testid=tile]:not([data-stage=true])");
      const n = await others.count();
      let compared = 0;
      for (let i = 0; i < n; i++) {
        const box = await others.nth(i).boundingBox();
        if (!box) {
          // Only a tile that is not rendered (filmstrip paging) may go without a comparison.
          expect(await others.nth(i).isVisible(), `${v.label}: tile ${i} has no box, so is hidden`).toBe(
            false,
          );
          continue;
        }
        compared++;
        expect(
          (screenBox?.width ?? 0) * (screenBox?.height ?? 0),
          `${v.label}: the stage is larger than tile ${i}`,
        ).toBeGreaterThan(box.width * box.height);
      }
      // Cameras of everyone in the room sit beside the stage: at least one was compared with it.
      expect(compared, `${v.label}: tiles compared with the stage`).toBeGreaterThan(0);
      // The stage still decodes.
      await waitForDecodingTile(v.page, idOf(alice), "screen", { timeoutMs: 15_000, minFrames: 3 });
    }
  });

  it("with MAX_SCREEN_SHARES=1, Carol's Share while Alice shares shows share-error and captures nothing", async () => {
    onFailureSaveEvidence("screen-limit");
    const before = await captures(carol);
    await carol.page.locator(mv.toggleScreen).click();
    await carol.page.locator(mv.shareError).waitFor({ state: "visible", timeout: 10_000 });
    const text = (await carol.page.locator(mv.shareError).textContent())?.trim() ?? "";
    console.log(`[share] share-error on Carol's page: "${text}"`);
    expect(text.length, "the error says something").toBeGreaterThan(0);
    expect(await carol.page.locator(mv.toggleScreen).getAttribute("aria-pressed")).toBe("false");
    await sleep(1000);
    // PROTOCOL.md: past the limit "the client should not start capturing" (no picker for nothing).
    expect(await captures(carol), "Carol's page called getDisplayMedia").toBe(before);
    const live = (await carol.page.evaluate(
      "(window.__displayStreams || []).flatMap((s) => s.getTracks()).filter((t) => t.readyState === 'live').length",
    )) as number;
    expect(live, "no live capture track on Carol's page").toBe(0);
    // Nobody sees a screen from Carol.
    for (const v of [alice, bob]) {
      expect(await v.page.locator(sourceTile(idOf(carol), "screen")).count(), v.label).toBe(0);
    }
  });

  it("Alice clicks Share again: her screen tile is gone on Bob's and Carol's pages within 2 s", async () => {
    onFailureSaveEvidence("screen-stop-click");
    const clicked = await clickStamped(alice.page, mv.toggleScreen);
    const took = await screenTileGone(alice, [bob, carol], clicked);
    console.log(`[share] screen tile gone after ${took.join(" / ")} ms (click)`);
    await waitPressed(alice.page, mv.toggleScreen, false, 5000);
    // Her capture is over, her camera stays.
    const live = (await alice.page.evaluate(
      "(window.__displayStreams || []).flatMap((s) => s.getVideoTracks()).filter((t) => t.readyState === 'live').length",
    )) as number;
    expect(live, "Alice's display track is stopped").toBe(0);
    for (const v of [bob, carol]) {
      await waitForDecodingTile(v.page, idOf(alice), "camera", { timeoutMs: 15_000, minFrames: 5 });
    }
    const states = sentMediaStates(alice);
    expect(states.at(-1)?.screen, "Alice's last media.state says screen:false").toBe(false);
    // A stopped share sends nothing (Firefox went on encoding it, 1 frame a second, until its encodings were
    // turned off), while her camera goes on sending in the same two seconds.
    const before = await sentVideoBytes(alice.page);
    await sleep(2000);
    const after = await sentVideoBytes(alice.page);
    expect(after.camera - before.camera, "Alice's camera bytes in 2 s").toBeGreaterThan(10_000);
    expect(after.screen - before.screen, "Alice's screen bytes in 2 s after the stop").toBe(0);
  });

  it("the capture ends (the browser's Stop sharing): the screen tile is gone on Bob's and Carol's pages within 2 s", async () => {
    onFailureSaveEvidence("screen-stop-ended");
    await startSharing(alice);
    await viewersDecodeScreen(alice, [bob, carol]);
    const endedAt = Date.now();
    const ended = await endScreenCapture(alice.page);
    console.log(`[share] ended ${ended.ended} track(s) on Alice's page: ${ended.labels.join(", ")}`);
    expect(ended.ended, "a live display track to end").toBeGreaterThan(0);
    const took = await screenTileGone(alice, [bob, carol], endedAt);
    console.log(`[share] screen tile gone after ${took.join(" / ")} ms (track ended)`);
    await waitPressed(alice.page, mv.toggleScreen, false, 5000);
    expect(sentMediaStates(alice).at(-1)?.screen, "Alice told the server: screen:false").toBe(false);
    // Sharing works again afterwards.
    await startSharing(alice);
    await viewersDecodeScreen(alice, [bob, carol]);
  });

  it("a moderator stops Alice's share from the participants pane: gone everywhere, Alice's button released", async () => {
    onFailureSaveEvidence("screen-stop-moderator");
    expect(await bob.page.locator(sourceTile(idOf(alice), "screen")).count(), "Alice is sharing").toBe(1);
    if ((await bob.page.locator(msel.pane).count()) === 0)
      await bob.page.locator(msel.toggleParticipants).click();
    await bob.page.locator(msel.pane).waitFor({ state: "visible", timeout: 10_000 });
    const row = bob.page.locator(rowOf(idOf(alice)));
    await row.waitFor({ state: "visible", timeout: 10_000 });
    await row.locator(msel.menu).click();
    const action = bob.page.locator("[data-testid=action-stop-screen]");
    await action.first().waitFor({ state: "visible", timeout: 5000 });
    const clicked = await clickStamped(bob.page, "[data-testid=action-stop-screen]");
    const took = await screenTileGone(alice, [bob, carol], clicked, 4000);
    console.log(`[share] screen tile gone after ${took.join(" / ")} ms (moderator)`);
    await waitPressed(alice.page, mv.toggleScreen, false, 5000);
    await waitFor(
      async () =>
        ((await alice.page.evaluate(
          "(window.__displayStreams || []).flatMap((s) => s.getVideoTracks()).filter((t) => t.readyState === 'live').length",
        )) as number) === 0,
      { timeoutMs: 5000, what: "Alice's capture stopped after the moderator's stop" },
    );
    expect(await alice.page.locator(sourceTile(idOf(alice), "screen")).count(), "no local screen tile").toBe(
      0,
    );
  });
});

// Last: judges every line the server printed during the file's tests.
describeServerLog(() => server);
