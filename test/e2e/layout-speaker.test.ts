/**
 * Active speaker, tile/speaker layouts, the W shortcut and pinning, through the UI of three headless Chromium
 * pages. Alice talks; Bob and Carol turn their microphones off on the prejoin screen, so hers is the only
 * voice in the room (Bob talks later, once Alice is muted, to move the stage).
 *
 * The voice: Chromium's default fake microphone (a short beep about twice a second) is never "talking" for
 * the media server's talk detection (Janus, audio_active_packets 50 ≈ 1 s, audio_level_average 40): probed,
 * no `speaking` message at all in 30 s, on any page. So Alice's and Bob's browser plays a generated WAV
 * (`--use-file-for-fake-audio-capture`, looped): 4 s of a loud 440 Hz tone, then 1.5 s of silence — speech
 * that starts and stops, as the server's `speaking` needs. Carol's browser keeps the default beep.
 *
 * - On Bob's and Carol's pages, Alice's tile gets data-speaking="true"; nobody else's ever does. When she mutes
 *   (clicked right after the mark appears, so the tone has > 3 s left to run), the mark goes away within 2 s
 *   and stays away (5 s, longer than the tone's pauses); it comes back when she unmutes.
 * - button[data-testid=toggle-layout] and the W key switch [data-testid=conference] between data-layout="tile"
 *   and "speaker" (aria-pressed in speaker view), and back; tile view has no stage.
 * - In speaker view one tile is the stage (data-stage="true"), larger than the others: the one talking
 *   (Alice; then Bob, once Alice is muted and Bob talks; then Alice again). A pinned tile ([data-testid=pin])
 *   keeps the stage while someone else talks; unpinning gives it back to the one talking.
 */
import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { describeServerLog } from "../helpers/log-health.js";
import { resultsDir } from "../helpers/paths.js";
import { type ServerHandle, startServer, tail } from "../helpers/server.js";
import { sleep, waitFor } from "../helpers/wait.js";
import { launchChromium, newParticipant, type Participant, saveEvidence } from "./helpers/browser.js";
import {
  blurFocus,
  clickStamped,
  describeMediaTiles,
  joinWithMic,
  launchChromiumWith,
  layoutOf,
  mv,
  readMediaTiles,
  sourceTile,
  stageTiles,
  waitForLayout,
  waitPressed,
  writeSpeechLikeWav,
} from "./helpers/media-views.js";
import { sampleGrowth } from "./helpers/rtc.js";
import { waitForMediaFrom } from "./helpers/ui.js";
import { type FrameLog, recordFrames } from "./helpers/ws-frames.js";

let server: ServerHandle;
let browser: Browser;
let talkers: Browser;
const everyone: Participant[] = [];
const ids = new Map<Participant, string>();
const room = `e2e-speaker-${Date.now().toString(36)}`;
let alice: Participant;
let bob: Participant;
let carol: Participant;
const frames = new Map<Participant, FrameLog>();

const idOf = (p: Participant): string => {
  const id = ids.get(p);
  if (!id) throw new Error(`${p.label} has not joined`);
  return id;
};

const nameOfId = (id: string) => everyone.find((p) => ids.get(p) === id)?.label ?? id;

function onFailureSaveEvidence(tag: string): void {
  onTestFailed(async () => {
    const dir = await saveEvidence(tag, everyone);
    const tiles = await Promise.all(
      everyone.map(
        async (p) => `${p.label}: ${describeMediaTiles(await readMediaTiles(p.page).catch(() => []))}`,
      ),
    );
    const speaking = everyone.map(
      (p) =>
        `${p.label}: ${(frames.get(p)?.received ?? [])
          .filter((f) => f.type === "speaking")
          .map((f) => `${nameOfId(f.participantId)}:${f.speaking}`)
          .join(" ")}`,
    );
    console.error(
      `evidence in ${dir}\ntiles:\n${tiles.join("\n")}\nspeaking messages received:\n${speaking.join("\n")}\nserver log ${server.logFile} (tail):\n${tail(server.lines, 60)}`,
    );
  });
}

const speakingSel = (p: Participant) => `${sourceTile(idOf(p), "camera")}[data-speaking=true]`;

/** participantId of every tile marked speaking on the page. */
async function speakingIds(page: Participant["page"]): Promise<string[]> {
  return (await readMediaTiles(page)).filter((t) => t.speaking).map((t) => t.participantId ?? "?");
}

async function pinButtonOf(p: Participant, target: Participant) {
  const tile = p.page.locator(sourceTile(idOf(target), "camera"));
  await tile.hover();
  return tile.locator(mv.pin);
}

/** Waits until `who`'s camera tile is the only stage tile on `viewer`'s page. */
async function waitForStage(viewer: Participant, who: Participant, timeoutMs: number, why: string) {
  let stage: string[] = [];
  await waitFor(
    async () => {
      stage = await stageTiles(viewer.page);
      return stage.length === 1 && stage[0] === `${idOf(who)}/camera`;
    },
    { timeoutMs, intervalMs: 200, what: `${viewer.label}: ${who.label} as the only stage tile (${why})` },
  ).catch((e) => {
    throw new Error(
      `${(e as Error).message}; stage: ${JSON.stringify(stage.map((s) => `${nameOfId(s.split("/")[0] ?? "")}/${s.split("/")[1]}`))}`,
    );
  });
}

/** The stage tile is larger than every other tile on the page. */
async function expectStageLargest(viewer: Participant, who: Participant): Promise<void> {
  const stageBox = await viewer.page.locator(sourceTile(idOf(who), "camera")).boundingBox();
  expect(stageBox, `${viewer.label}: the stage is visible`).not.toBeNull();
  const others = viewer.page.locator("[data-testid=tile]:not([data-stage=true])");
  const n = await others.count();
  // Three people in the room: there are other tiles to compare with, else the loop below proves nothing.
  expect(n, `${viewer.label}: tiles besides the stage`).toBeGreaterThan(0);
  for (let i = 0; i < n; i++) {
    const box = await others.nth(i).boundingBox();
    // A tile without a box (not rendered) would otherwise be skipped unchecked.
    expect(box, `${viewer.label}: tile ${i} is laid out`).not.toBeNull();
    expect(
      (stageBox?.width ?? 0) * (stageBox?.height ?? 0),
      `${viewer.label}: the stage is larger than tile ${i}`,
    ).toBeGreaterThan((box?.width ?? 0) * (box?.height ?? 0));
  }
}

async function setMic(p: Participant, on: boolean): Promise<void> {
  const now = await p.page.locator(mv.toggleMic).getAttribute("aria-pressed");
  if ((now === "true") !== on) await p.page.locator(mv.toggleMic).click();
  await waitPressed(p.page, mv.toggleMic, on, 5000);
}

beforeAll(async () => {
  server = await startServer({ name: "e2e-speaker" });
  const wav = writeSpeechLikeWav(path.join(resultsDir("media"), "speech-like.wav"), {
    onMs: 4000,
    offMs: 1500,
    periods: 2,
  });
  talkers = await launchChromiumWith({ extra: [`--use-file-for-fake-audio-capture=${wav}`] });
  browser = await launchChromium();
  alice = await newParticipant(talkers, "alice");
  bob = await newParticipant(talkers, "bob");
  carol = await newParticipant(browser, "carol");
  everyone.push(alice, bob, carol);
  for (const p of everyone) frames.set(p, recordFrames(p.page));
  ids.set(alice, await joinWithMic(alice.page, server.origin, room, "Alice"));
  ids.set(bob, await joinWithMic(bob.page, server.origin, room, "Bob", { micOff: true }));
  ids.set(carol, await joinWithMic(carol.page, server.origin, room, "Carol", { micOff: true }));
  for (const p of everyone) {
    const others = everyone.filter((o) => o !== p);
    await waitForMediaFrom(p.page, others.map(idOf), 45_000, others.filter((o) => o === alice).map(idOf));
  }
});

afterAll(async () => {
  for (const p of everyone) await p.close();
  await browser?.close();
  await talkers?.close();
  if (server) await server.stop();
});

describe.sequential("active speaker", () => {
  it("Bob and Carol entered muted; Alice's voice marks her tile speaking on their pages, nobody else's ever", async () => {
    onFailureSaveEvidence("speaker-mark");
    for (const p of [bob, carol]) {
      expect(await p.page.locator(mv.toggleMic).getAttribute("aria-pressed"), `${p.label}'s mic button`).toBe(
        "false",
      );
    }
    const started = Date.now();
    for (const v of [bob, carol]) {
      await v.page.locator(speakingSel(alice)).waitFor({ state: "attached", timeout: 20_000 });
    }
    console.log(`[speaking] Alice marked speaking on Bob and Carol after ${Date.now() - started} ms`);
    // Over a whole period of the voice, only Alice is ever marked speaking (the muted ones never are).
    const seen = new Set<string>();
    const deadline = Date.now() + 6000;
    while (Date.now() < deadline) {
      for (const v of everyone) for (const id of await speakingIds(v.page)) seen.add(nameOfId(id));
      await sleep(250);
    }
    expect([...seen], "tiles marked speaking on any page").toEqual(["alice"]);
  });

  it("Alice mutes: the speaking mark goes away on Bob's and Carol's pages within 2 s, and stays away", async () => {
    onFailureSaveEvidence("speaker-mute");
    // Click right after the mark (re)appears on Bob's page: the tone then has > 3 s to run, so a mark that
    // goes away within 2 s went away because of the mute, not a pause.
    await bob.page.locator(speakingSel(alice)).waitFor({ state: "detached", timeout: 15_000 });
    await bob.page.locator(speakingSel(alice)).waitFor({ state: "attached", timeout: 15_000 });
    const clicked = await clickStamped(alice.page, mv.toggleMic);
    // Wait up to 15 s so that a failure says how long the mark actually stayed.
    const took = await Promise.all(
      [bob, carol].map(async (v) => {
        await v.page
          .locator(speakingSel(alice))
          .waitFor({ state: "detached", timeout: 15_000 })
          .catch(() => {});
        return Date.now() - clicked;
      }),
    );
    console.log(`[speaking] mark gone after ${took.join(" / ")} ms`);
    const mutedAt = (frames.get(alice)?.sent ?? []).find(
      (f) => f.type === "media.state" && f.audio === false,
    );
    expect(mutedAt, "Alice's page told the server: audio false").toBeDefined();
    [bob, carol].forEach((v, i) => {
      expect(
        took[i],
        `${v.label}: ms from the mute click until Alice's speaking mark went away`,
      ).toBeLessThanOrEqual(2000);
    });
    await waitPressed(alice.page, mv.toggleMic, false, 5000);
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline) {
      for (const v of [bob, carol]) {
        expect((await speakingIds(v.page)).map(nameOfId), `${v.label}, after the mute`).toEqual([]);
      }
      await sleep(300);
    }
  });

  it("Alice unmutes: she is marked speaking again", async () => {
    onFailureSaveEvidence("speaker-unmute");
    await setMic(alice, true);
    for (const v of [bob, carol]) {
      await v.page.locator(speakingSel(alice)).waitFor({ state: "attached", timeout: 20_000 });
    }
  });
});

describe.sequential("layouts", () => {
  it("the layout button switches tile ⇄ speaker (aria-pressed in speaker view); tile view has no stage", async () => {
    onFailureSaveEvidence("layout-button");
    const page = bob.page;
    const first = await layoutOf(page);
    console.log(`[layout] Bob's initial layout: ${first}`);
    expect(["tile", "speaker"], `initial layout ${first}`).toContain(first);
    const other = first === "tile" ? "speaker" : "tile";
    await page.locator(mv.toggleLayout).click();
    await waitForLayout(page, other);
    await waitPressed(page, mv.toggleLayout, other === "speaker");
    await page.locator(mv.toggleLayout).click();
    await waitForLayout(page, first as string);
    await waitPressed(page, mv.toggleLayout, first === "speaker");
    if ((await layoutOf(page)) !== "tile") {
      await page.locator(mv.toggleLayout).click();
      await waitForLayout(page, "tile");
    }
    expect(await stageTiles(page), "no stage in tile view").toEqual([]);
  });

  it("the W key switches the layout and back", async () => {
    onFailureSaveEvidence("layout-w");
    const page = carol.page;
    const first = await layoutOf(page);
    const other = first === "tile" ? "speaker" : "tile";
    await blurFocus(page);
    await page.keyboard.press("w");
    await waitForLayout(page, other);
    await waitPressed(page, mv.toggleLayout, other === "speaker");
    await page.keyboard.press("w");
    await waitForLayout(page, first as string);
    await waitPressed(page, mv.toggleLayout, first === "speaker");
  });

  it("speaker view: the one talking is the stage, larger than the others; it follows whoever talks", async () => {
    onFailureSaveEvidence("layout-stage");
    const viewer = carol;
    if ((await layoutOf(viewer.page)) !== "speaker") await viewer.page.locator(mv.toggleLayout).click();
    await waitForLayout(viewer.page, "speaker");
    await waitForStage(viewer, alice, 15_000, "Alice talks");
    await expectStageLargest(viewer, alice);

    // Alice falls silent, Bob talks: the stage moves to Bob.
    await setMic(alice, false);
    await setMic(bob, true);
    await viewer.page.locator(speakingSel(bob)).waitFor({ state: "attached", timeout: 20_000 });
    await waitForStage(viewer, bob, 15_000, "Bob talks, Alice muted");
    await expectStageLargest(viewer, bob);
    // Bob entered muted: his microphone was in nobody's subscription until this first unmute; Carol hears him.
    const heard = (await sampleGrowth(viewer.page, 2000)).get(idOf(bob));
    expect(heard?.audioPacketsDelta, "Bob's audio packets on Carol's page").toBeGreaterThan(20);
    expect(heard?.audioEnergyDelta, "Bob's audio energy on Carol's page").toBeGreaterThan(0.001);

    // And back.
    await setMic(bob, false);
    await setMic(alice, true);
    await viewer.page.locator(speakingSel(alice)).waitFor({ state: "attached", timeout: 20_000 });
    await waitForStage(viewer, alice, 15_000, "Alice talks again, Bob muted");
  });

  it("pinning Bob's tile makes it the stage while Alice talks; unpinning gives the stage back", async () => {
    onFailureSaveEvidence("layout-pin");
    const viewer = carol;
    await waitForLayout(viewer.page, "speaker");
    await waitForStage(viewer, alice, 15_000, "Alice talks");
    const pin = await pinButtonOf(viewer, bob);
    await pin.click();
    await waitForStage(viewer, bob, 5000, "Bob pinned");
    // Alice keeps talking (marked speaking at some point over a whole period), Bob keeps the stage.
    let aliceSpoke = false;
    const deadline = Date.now() + 6000;
    while (Date.now() < deadline) {
      const stage = (await stageTiles(viewer.page)).map(
        (s) => `${nameOfId(s.split("/")[0] ?? "")}/${s.split("/")[1]}`,
      );
      expect(stage, "the stage while Bob is pinned").toEqual(["bob/camera"]);
      if ((await viewer.page.locator(speakingSel(alice)).count()) > 0) aliceSpoke = true;
      await sleep(300);
    }
    expect(aliceSpoke, "Alice was marked speaking while Bob was pinned").toBe(true);
    await expectStageLargest(viewer, bob);
    // The pin is Carol's view only: Bob's page, in speaker view (tile view has no stage at all, so counting
    // stage tiles there proves nothing), gives the stage to Alice who talks, not to the tile Carol pinned.
    if ((await layoutOf(bob.page)) !== "speaker") await bob.page.locator(mv.toggleLayout).click();
    await waitForLayout(bob.page, "speaker");
    await waitForStage(bob, alice, 15_000, "Alice talks; Bob's tile is pinned on Carol's page only");

    const unpin = await pinButtonOf(viewer, bob);
    await unpin.click();
    await waitForStage(viewer, alice, 15_000, "unpinned, Alice talks");
  });
});

// Last: judges every line the server printed during the file's tests.
describeServerLog(() => server);
