/**
 * The screen stays on in the meeting, and the call survives the page going to the background (issue 26).
 * Alice is on an emulated phone (390×844, touch, mobile user agent) whose context is granted
 * "screen-wake-lock" (headless Chromium refuses the lock otherwise, see helpers/phone.ts); Bob is on a
 * desktop page without that grant.
 *
 * - On the pre-join screen Alice's page holds no lock; in the meeting it holds exactly one, as Chromium's
 *   own sentinels say (helpers/phone.ts records them, the API untouched) and as <html data-wake-lock> says.
 *   Bob's page, refused by Chromium, is in the meeting all the same ("refused").
 * - Alice's tab hidden (helpers/visibility.ts: headless Chromium has no way to hide a page for real —
 *   Emulation.setFocusEmulationEnabled, Page.setWebLifecycleState frozen/active and bringing another tab to
 *   the front all leave visibilityState "visible", probed on Chromium 156 — so the page is told, as a browser
 *   tells a background tab): the sentinel is released at once (the app lets it go: the real document stays
 *   visible, so Chromium would not have), Bob's video stops reaching her while his sound goes on. Shown
 *   again after ~8 s: a new sentinel is held, a notice says she was away and that video paused while sound
 *   went on (stamped in the page, within 2 s of the showing; axe finds no serious issue on it), and Bob's
 *   video is decoded again.
 * - A camera the phone ended while the page was hidden (the track stopped and "ended" fired, as when another
 *   app takes it) is opened again when the page is shown: the notice says so, Alice sends a new live track,
 *   and Bob decodes her video again.
 * - Hanging up releases the lock.
 * - In another room whose moderator (Bob) turned the lobby on, Alice waiting in the lobby holds the lock (the
 *   wait can be long, see features/wake-lock); refused, on the "denied" screen, she holds none.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { describeServerLog } from "../helpers/log-health.js";
import { type ServerHandle, startServer, tail } from "../helpers/server.js";
import { sleep, waitFor } from "../helpers/wait.js";
import { launchChromium, newParticipant, type Participant, saveEvidence } from "./helpers/browser.js";
import { clickJoin, msel, setLobby, waitForConference } from "./helpers/moderation-ui.js";
import {
  graveFindingsOn,
  PHONE,
  WAKE_LOCK_RECORDER_SCRIPT,
  waitForWakeLock,
  wakeLockSeen,
} from "./helpers/phone.js";
import { receivedFrom } from "./helpers/received.js";
import { joinFromPrejoin, joinViaUi, openPrejoin, sel, stampWhen, waitForMediaFrom } from "./helpers/ui.js";
import { setTabHidden } from "./helpers/visibility.js";

let server: ServerHandle;
let browser: Browser;
const people: Participant[] = [];
let alice: Participant;
let bob: Participant;
let aliceId = "";
let bobId = "";
const room = `e2e-wake-lock-${Date.now().toString(36)}`;

function evidenceOnFailure(tag: string): void {
  onTestFailed(async () => {
    const dir = await saveEvidence(`wake-lock-${tag}`, people);
    console.error(`evidence in ${dir}\nserver log ${server.logFile} (tail):\n${tail(server.lines, 40)}`);
  });
}

/**
 * What Alice received from Bob over `ms`: video frames decoded, audio packets. Frames count only when both
 * readings found Bob's video: a paused tile has none, and the first reading after it comes back carries every
 * frame decoded before the pause (counting those once read "decoding again" a second before it was).
 */
async function growth(ms: number) {
  const a = await receivedFrom(alice.page, bobId);
  await sleep(ms);
  const b = await receivedFrom(alice.page, bobId);
  return {
    frames: a.video && b.video ? b.video.framesDecoded - a.video.framesDecoded : 0,
    videoBytes: (b.video?.bytesReceived ?? 0) - (a.video?.bytesReceived ?? 0),
    audioPackets: (b.audio?.packetsReceived ?? 0) - (a.audio?.packetsReceived ?? 0),
  };
}

/**
 * Bob's frames decoded on Alice's page, read in the page every 250 ms for `ms` (no round trip between
 * readings, so a loaded machine slows the decoding measured, not the measuring). Returns the growth over each
 * whole second, between the readings that frame it (a reading may itself take over a second under load).
 */
async function framesPerSecond(ms: number): Promise<number[]> {
  return (await alice.page.evaluate(
    async ([id, total]) => {
      const pcs = (window as unknown as { __pcs?: RTCPeerConnection[] }).__pcs ?? [];
      const read = async () => {
        const video = document.querySelector(
          `[data-testid=tile][data-participant-id="${id}"][data-source=camera] video`,
        ) as HTMLVideoElement | null;
        const track = (video?.srcObject as MediaStream | null)?.getVideoTracks()[0];
        let frames: number | null = null;
        for (const pc of pcs) {
          if (pc.connectionState === "closed") continue;
          (await pc.getStats()).forEach((r) => {
            if (r.type === "inbound-rtp" && track && r.trackIdentifier === track.id)
              frames = r.framesDecoded ?? 0;
          });
        }
        return frames;
      };
      const start = performance.now();
      const samples: { t: number; frames: number | null }[] = [];
      // Until a reading at or after the end: on a loaded machine one getStats round may take longer than a
      // second, and a second must be framed by readings on both sides, not read twice from the same one.
      for (;;) {
        const t = performance.now() - start;
        samples.push({ t, frames: await read() });
        if (t >= total) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      const perSecond: number[] = [];
      for (let s = 1; s * 1000 <= total; s++) {
        // The last reading at or before the second's start, the first at or after its end. A second whose
        // ends were not read (no such tile, no stats for its track) counts as no frame.
        const before = [...samples].reverse().find((x) => x.t <= (s - 1) * 1000)?.frames ?? null;
        const after = samples.find((x) => x.t >= s * 1000)?.frames ?? null;
        perSecond.push(before === null || after === null ? 0 : after - before);
      }
      return perSecond;
    },
    [bobId, ms] as const,
  )) as number[];
}

beforeAll(async () => {
  server = await startServer({ name: "e2e-wake-lock" });
  browser = await launchChromium();
  alice = await newParticipant(browser, "alice", { device: PHONE });
  bob = await newParticipant(browser, "bob");
  people.push(alice, bob);
  await alice.context.grantPermissions(["screen-wake-lock"], { origin: server.origin });
  for (const p of people) await p.context.addInitScript(WAKE_LOCK_RECORDER_SCRIPT);
}, 120_000);

afterAll(async () => {
  for (const p of people) await p.close();
  await browser?.close();
  if (server) await server.stop();
});

describe.sequential("the screen's wake lock", () => {
  it("is held in the meeting, not before; a page refused it is in the meeting all the same", async () => {
    evidenceOnFailure("held");
    await openPrejoin(alice.page, server.origin, room);
    await sleep(1000);
    expect(await wakeLockSeen(alice.page), "Alice's page on the pre-join screen").toEqual({
      given: 0,
      held: 0,
      status: "off",
    });
    aliceId = await joinFromPrejoin(alice.page, "Alice");
    const held = await waitForWakeLock(alice.page, { held: 1, status: "held" });
    expect(held.given, "sentinels Alice's page was given").toBe(1);

    bobId = await joinViaUi(bob.page, server.origin, room, "Bob");
    expect((await waitForWakeLock(bob.page, { status: "refused" })).held, "Bob's held locks").toBe(0);
    await waitForMediaFrom(alice.page, [bobId], 45_000);
    await waitForMediaFrom(bob.page, [aliceId], 45_000);
  }, 120_000);

  it("is let go when the tab hides and taken again when shown; video comes back, and a notice says why it paused", async () => {
    evidenceOnFailure("hidden");
    // Bob's video plays on Alice's shown tab, every second of two, before anything is hidden (the previous test
    // may leave a second's stall on a busy machine: CI once read [0, 26]).
    let before: number[] = [];
    await waitFor(
      async () => {
        before = await framesPerSecond(2000);
        return before.length === 2 && before.every((n) => n > 0);
      },
      {
        timeoutMs: 15_000,
        what: "Bob's video every second of two on Alice's shown tab",
      },
    );

    expect(await setTabHidden(alice.page, true)).toBe("hidden");
    const hidden = await waitForWakeLock(alice.page, { held: 0, status: "waiting" }, 2000);
    expect(hidden.given, "no new lock asked for while hidden").toBe(1);
    await sleep(5000);
    // By now the adaptation has stopped Bob's video (within 5 s, video-pause.test.ts): it stays stopped.
    const away = await growth(3000);
    console.log(`[wake-lock] hidden, 3 s: ${JSON.stringify(away)}`);
    expect(away.frames, "Bob's frames decoded on Alice's hidden tab").toBe(0);
    expect(away.audioPackets, "Bob's audio packets reaching Alice's hidden tab in 3 s").toBeGreaterThan(100);
    expect(await wakeLockSeen(alice.page), "no lock asked for while hidden").toMatchObject({
      given: 1,
      held: 0,
    });

    const notice = await stampWhen(alice.page, "[data-testid=away-notice]");
    const shownAt = (await alice.page.evaluate("Date.now()")) as number;
    expect(await setTabHidden(alice.page, false)).toBe("visible");
    const back = await waitForWakeLock(alice.page, { held: 1, status: "held" }, 5000);
    expect(back.given, "sentinels Alice's page was given: the first, and one after the showing").toBe(2);
    const noticeAt = await notice(5000);
    expect(noticeAt, "the away notice appeared").not.toBeNull();
    console.log(`[wake-lock] notice ${(noticeAt ?? 0) - shownAt} ms after the showing`);
    expect((noticeAt ?? 0) - shownAt, "ms from the showing to the notice").toBeLessThan(2000);
    const text = (await alice.page.locator("[data-testid=away-notice]").textContent()) ?? "";
    expect(text).toMatch(/You were away for (\d+) s: video was paused, sound kept going\./);
    expect(Number(/for (\d+) s/.exec(text)?.[1]), "seconds away, as said").toBeGreaterThanOrEqual(7);
    const axe = await graveFindingsOn(alice.page, "away-notice");
    expect(axe.ours, "serious or critical axe findings on the away notice").toEqual([]);

    const startedAt = performance.now();
    const decodingMs = await waitFor(
      async () => ((await growth(500)).frames > 0 ? performance.now() - startedAt : undefined),
      { timeoutMs: 15_000, intervalMs: 0, what: "Bob's video decoded again on Alice's shown tab" },
    );
    console.log(`[wake-lock] Bob's video decoded again within ${Math.round(decodingMs)} ms of the showing`);
    // Decoding again, and going on: every second of the last three of the next four brings frames (how many is
    // the machine's load), and more than 30 in all. The first second may be empty: a resumed video stalled for
    // a second after its first frames in 2 of about 10 runs (CI read [0, 26, 24], a local run [0, 26, 26, 26];
    // once also right after a join), cause not found; a video that stops again leaves later seconds empty.
    const again = await framesPerSecond(4000);
    console.log(`[wake-lock] Bob's frames Alice decoded each second after: ${JSON.stringify(again)}`);
    expect(again, "seconds measured").toHaveLength(4);
    for (const n of again.slice(1))
      expect(n, `Bob's frames per second on Alice's shown tab ${JSON.stringify(again)}`).toBeGreaterThan(0);
    expect(
      again.reduce((a, b) => a + b, 0),
      `Bob's frames in four seconds on Alice's shown tab ${JSON.stringify(again)}`,
    ).toBeGreaterThan(30);
  }, 120_000);

  it("a camera the phone ended while hidden is opened again when shown, and Bob sees Alice again", async () => {
    evidenceOnFailure("camera-ended");
    expect(await setTabHidden(alice.page, true)).toBe("hidden");
    // The last test's notice (shown for 12 s) goes when the page hides: the next showing brings its own.
    await alice.page.locator("[data-testid=away-notice]").waitFor({ state: "detached", timeout: 2000 });
    // What a phone does when another app takes the camera: the track ends, and "ended" fires (stop() alone
    // fires nothing, so the event is dispatched as the browser would).
    const endedId = await alice.page.evaluate(`(() => {
      const v = document.querySelector(${JSON.stringify(`${sel.localTile} video`)});
      const track = v && v.srcObject && v.srcObject.getVideoTracks()[0];
      track.stop();
      track.dispatchEvent(new Event("ended"));
      return track.id;
    })()`);
    await waitFor(
      async () =>
        (await alice.page.locator(sel.toggleCamera).getAttribute("aria-pressed")) === "false"
          ? true
          : undefined,
      { timeoutMs: 5000, what: "Alice's camera toggle off once the track ended" },
    );
    await sleep(6000);
    const notice = await stampWhen(alice.page, "[data-testid=away-notice]");
    expect(await setTabHidden(alice.page, false)).toBe("visible");
    expect(await notice(10_000), "the away notice appeared").not.toBeNull();
    const text = (await alice.page.locator("[data-testid=away-notice]").textContent()) ?? "";
    expect(text).toContain("Your camera was turned back on.");
    const sent = await alice.page.evaluate(`(() => (window.__pcs || [])
      .filter((pc) => pc.signalingState !== "closed")
      .flatMap((pc) => pc.getSenders())
      .filter((s) => s.track && s.track.kind === "video" && s.track.readyState === "live")
      .map((s) => s.track.id))()`);
    expect(sent, "Alice's live video senders' tracks").toHaveLength(1);
    expect(sent, "a new camera track, not the ended one").not.toContain(endedId);
    expect(
      await alice.page.locator(sel.toggleCamera).getAttribute("aria-pressed"),
      "Alice's camera toggle",
    ).toBe("true");
    const bobFrames = async () => (await receivedFrom(bob.page, aliceId)).video?.framesDecoded ?? 0;
    const from = await bobFrames();
    const startedAt = performance.now();
    await waitFor(async () => ((await bobFrames()) > from + 10 ? true : undefined), {
      timeoutMs: 15_000,
      intervalMs: 200,
      what: "Bob decoding Alice's reopened camera",
    });
    console.log(
      `[wake-lock] Bob decodes Alice's reopened camera within ${Math.round(performance.now() - startedAt)} ms`,
    );
  }, 120_000);

  it("is let go when Alice hangs up", async () => {
    evidenceOnFailure("hangup");
    await alice.page.locator(sel.hangup).click();
    await alice.page.locator(sel.leftScreen).waitFor({ timeout: 10_000 });
    const after = await waitForWakeLock(alice.page, { held: 0, status: "off" }, 5000);
    expect(after.given, "no lock asked for after hanging up (two showings: three locks)").toBe(3);
  }, 60_000);

  it("is held while waiting in the lobby, and let go when refused", async () => {
    evidenceOnFailure("lobby");
    const lobbyRoom = `${room}-lobby`;
    await bob.page.locator(sel.hangup).click();
    await bob.page.locator(sel.leftScreen).waitFor({ timeout: 10_000 });
    await clickJoin(bob.page, server.origin, lobbyRoom, "Bob");
    await waitForConference(bob.page);
    await setLobby(bob.page, true);

    await clickJoin(alice.page, server.origin, lobbyRoom, "Alice");
    await alice.page.locator(msel.lobbyScreen).waitFor({ state: "visible", timeout: 20_000 });
    const waiting = await waitForWakeLock(alice.page, { held: 1, status: "held" });
    expect(waiting.given, "locks given to the room's new page").toBe(1);

    const knock = bob.page.locator(msel.knock).filter({ hasText: "Alice" });
    await knock.locator(msel.knockDeny).click();
    await alice.page.locator(msel.deniedScreen).waitFor({ state: "visible", timeout: 10_000 });
    expect((await waitForWakeLock(alice.page, { held: 0, status: "off" }, 5000)).given).toBe(1);
  }, 90_000);
});

describeServerLog(() => server);
