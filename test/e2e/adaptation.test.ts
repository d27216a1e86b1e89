/**
 * Poor connections, measured through the UDP relay (test/helpers/udp-relay.ts): every page's media reaches
 * Janus only through it (Janus announces the relay, pages signal no candidates of their own), so each page's
 * subscribe connection is one relay port whose flows can be impaired alone.
 *
 * - A 300 kbit/s cap on Bob's downlink only (relay.impairPort on the relay port of his subscribe
 *   connection, found from its selected candidate pair): Alice's sound keeps arriving (concealed samples < 5 % over the
 *   30 s of the cap), her video drops to the lowest layer (frameWidth ≤ 320) or pauses within 5 s, and comes
 *   back at the top layer (frameWidth 1280) within 15 s of the cap being lifted.
 * - 5 % random loss both ways on Bob's own connection (his publish and subscribe flows): Alice's video keeps
 *   decoding every second, NACKs are sent, audio concealment stays under 10 %, and it lowers nothing: the
 *   layer Bob asks for and the width he decodes never go below where they were before the loss (README: loss
 *   counts only when clearly above 10 % for the packets seen). The same loss on every flow (Alice's uplink
 *   too, so ~10 % end to end): the video keeps its pace (≥ 10 fps on average), never stalls longer than 2 s
 *   (a key frame lost on both hops waits for the next), and again neither the layer nor the width goes down.
 * - The layer follows the tile: Alice in the speaker view's strip (a thumbnail) or in a small window gets the
 *   lowest layer; on stage or in a big window, the top one.
 * - A 400 kbit/s cap on Alice's uplink (her publish connection's flow): her camera's h and m encodings are
 *   turned off (l and her sound keep going), and back on once the cap is lifted.
 * - Last-N = 2 in a room of four: Bob receives exactly two videos and all three sounds; pinning the third
 *   brings its video (and stops another); last-N 20 brings all three back.
 * - Last, the server's log holds no internal error.
 *
 * Times are measured from the moment the harness changes the network to the first poll (every 200 ms) that
 * sees the result; the windows are asserted as they are, and the harness gets its slack from
 * generous overall timeouts. The machine is shared: numbers are logged for the record.
 */
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { describeServerLog } from "../helpers/log-health.js";
import { sleep, waitFor } from "../helpers/wait.js";
import { type Participant, saveEvidence } from "./helpers/browser.js";
import {
  cameraEncodings,
  capScenario,
  type ImpairedCall,
  joinThroughRelay,
  lossScenario,
  loweredUnderLoss,
  relayPort,
  remoteCamera,
  startImpairedCall,
  waitForMediaFrom,
  waitForSteadyTop,
  waitForTop,
} from "./helpers/degradation.js";
import { atLowest, atTop, readReceived, receivedFrom, timeUntil } from "./helpers/received.js";
import { tileOf } from "./helpers/ui.js";
import type { FrameLog } from "./helpers/ws-frames.js";

let call: ImpairedCall;
let alice: Participant;
let bob: Participant;
let aliceId: string;
let bobId: string;
let bobFrames: FrameLog;

/** A page's camera encodings (rid, active, width, frames and key frames encoded), for the evidence. */
const OUTBOUND = `(async () => {
  const out = [];
  for (const pc of (window.__pcs || [])) {
    if (pc.connectionState === "closed") continue;
    (await pc.getStats()).forEach((s) => {
      if (s.type === "outbound-rtp" && s.kind === "video")
        out.push([s.rid, s.active, s.frameWidth, s.framesEncoded, s.keyFramesEncoded, s.qualityLimitationReason]);
    });
  }
  return out;
})()`;

function evidenceOnFailure(tag: string): void {
  onTestFailed(async () => {
    const dir = await saveEvidence(`adaptation-${tag}`, call.participants);
    const seen = await readReceived(bob.page).catch(() => []);
    const configures = bobFrames.sent.filter((f) => f.type === "subscribe.configure").slice(-12);
    const replies = new Map(bobFrames.received.filter((f) => f.id !== undefined).map((f) => [f.id, f.type]));
    const said = configures.map((f) => `${JSON.stringify(f.streams)}→${replies.get(f.id) ?? "no reply"}`);
    console.error(`Bob's last subscribe.configure: ${said.join(" ")}`);
    const sent = await alice.page.evaluate(OUTBOUND).catch(() => null);
    console.error(`Alice's encodings: ${JSON.stringify(sent)}`);
    console.error(
      `evidence in ${dir}\nBob receives: ${JSON.stringify(seen)}\nflows: ${JSON.stringify(call.relay.flows())}`,
    );
  });
}

/**
 * Alice's camera sends all three layers again. After the loss test her own uplink adaptation may have turned
 * h and m off for a while; the size tests need her top layer to exist (harness slack, not a measure).
 */
async function aliceSendsEveryLayer(): Promise<void> {
  await waitFor(async () => Object.values(await cameraEncodings(alice.page)).every(Boolean), {
    timeoutMs: 90_000,
    intervalMs: 500,
    what: "all of Alice's layers on",
  });
}

async function toggleLayout(p: Participant, want: "tile" | "speaker"): Promise<void> {
  const conference = p.page.locator("[data-testid=conference]");
  if ((await conference.getAttribute("data-layout")) !== want)
    await p.page.locator("button[data-testid=toggle-layout]").click();
  await waitFor(async () => (await conference.getAttribute("data-layout")) === want, {
    timeoutMs: 5000,
    what: `${want} view`,
  });
}

beforeAll(async () => {
  call = await startImpairedCall("adaptation");
  ({ participant: alice, id: aliceId } = await joinThroughRelay(call, "Alice", { width: 640, height: 400 }));
  // Bob's window is big enough for Alice on stage to call for the top layer (stage > 800 px wide).
  ({
    participant: bob,
    id: bobId,
    frames: bobFrames,
  } = await joinThroughRelay(call, "Bob", { width: 1280, height: 760 }));
  await waitForMediaFrom(bob.page, [aliceId], 45_000);
  await waitForMediaFrom(alice.page, [bobId], 45_000);
  await toggleLayout(bob, "speaker");
  await bob.page.locator(`${remoteCamera(aliceId)}[data-stage=true]`).waitFor({ timeout: 10_000 });
}, 180_000);

afterAll(async () => {
  await call?.close();
});

describe.sequential("a subscriber whose downlink is capped at 300 kbit/s", () => {
  it("receives Alice on stage at the top layer before the cap", async () => {
    evidenceOnFailure("before-cap");
    await waitForTop(bob.page, aliceId, 60_000);
    expect((await receivedFrom(bob.page, aliceId)).layer).toBe("2");
    // The quality marks come with the first statistics, on every tile.
    for (const [page, id] of [
      [bob.page, aliceId],
      [alice.page, bobId],
    ] as const) {
      const mark = page.locator(`${tileOf(id)} [data-testid=quality-indicator]`);
      await mark.waitFor({ timeout: 10_000 });
      expect(await mark.getAttribute("data-quality")).toMatch(/^(good|fair|poor)$/);
      expect(await mark.getAttribute("aria-label")).toMatch(/^Connection: (good|fair|poor)$/);
    }
    await bob.page.locator(`${tileOf(bobId)} [data-testid=quality-indicator]`).waitFor({ timeout: 10_000 });
  }, 90_000);

  it("keeps the sound, drops the video within 5 s, and brings it back at the top within 15 s", async () => {
    evidenceOnFailure("cap");
    const r = await capScenario(call, bob.page, aliceId, { capBps: 300_000, holdMs: 30_000 });
    console.log(`[adaptation] 300 kbit/s cap on Bob's downlink: ${JSON.stringify(r)}`);
    expect(r.adaptMs, "ms until the lowest layer or a pause").not.toBeNull();
    expect(r.adaptMs ?? Number.POSITIVE_INFINITY).toBeLessThanOrEqual(5_000);
    expect(r.concealment, "concealed share of Alice's audio over the 30 s cap").toBeLessThan(0.05);
    expect(
      r.marks.some((m) => m === "fair" || m === "poor"),
      "the quality mark said so",
    ).toBe(true);
    expect(r.recoverMs, "ms until the top layer once the cap is lifted").not.toBeNull();
    expect(r.recoverMs ?? Number.POSITIVE_INFINITY).toBeLessThanOrEqual(15_000);
  }, 150_000);
});

describe.sequential("5 % random loss both ways", () => {
  it("on Bob's own link: video keeps decoding every second, lost packets are asked for again, audio concealment < 10 %", async () => {
    evidenceOnFailure("loss");
    // Steady at the top first: a scenario that starts as the top layer comes measures that ramp instead.
    await waitForSteadyTop(bob.page, aliceId);
    const r = await lossScenario(call, bob.page, aliceId, {
      loss: 0.05,
      seconds: 15,
      on: "subscriber",
      publisher: alice.page,
    });
    console.log(`[adaptation] 5 % loss both ways on Bob's link: ${JSON.stringify(r)}`);
    expect(r.droppedPackets, "packets the relay dropped").toBeGreaterThan(0);
    expect(Math.min(...r.framesPerSecond), "frames decoded in the slowest second").toBeGreaterThan(0);
    expect(r.nacks, "NACKs sent").toBeGreaterThan(0);
    expect(r.concealment, "concealed share of the audio").toBeLessThan(0.1);
    // README: "an unlucky second of 5 % random loss lowers nothing". Neither the layer Bob asks for nor the
    // pictures he decodes may go below where they were before the loss (Alice's uplink is clean here), except
    // right after loss clearly above 10 % for the packets seen, the README's only exception.
    expect(
      loweredUnderLoss(r),
      `Bob's layer for Alice went below ${r.start.layer}/${r.start.width} (asked/frameWidth) under 5 % random loss on his link, where the README says it lowers nothing`,
    ).toEqual([]);
  }, 90_000);

  it("on every link (Alice's too): Bob's video keeps coming, no freeze over 2 s, lost packets are asked for again", async () => {
    evidenceOnFailure("loss-everyone");
    await waitForSteadyTop(bob.page, aliceId);
    const r = await lossScenario(call, bob.page, aliceId, {
      loss: 0.05,
      seconds: 15,
      on: "everyone",
      publisher: alice.page,
    });
    // What Bob receives crossed two lossy hops (~10 % lost end to end). A key frame lost on both hops can
    // stall the picture for a second or two until the next one arrives: the bound here is that no stall lasts
    // longer and that the video keeps its pace overall. Concealment is logged, not held to the one-link bound.
    console.log(`[adaptation] 5 % loss both ways on every link: ${JSON.stringify(r)}`);
    let stall = 0;
    let longest = 0;
    for (const n of r.framesPerSecond) {
      stall = n === 0 ? stall + 1 : 0;
      longest = Math.max(longest, stall);
    }
    const total = r.framesPerSecond.reduce((a, b) => a + b, 0);
    expect(r.droppedPackets, "packets the relay dropped").toBeGreaterThan(0);
    expect(longest, "longest run of seconds without a decoded frame").toBeLessThanOrEqual(2);
    expect(total / r.framesPerSecond.length, "mean frames decoded per second").toBeGreaterThanOrEqual(10);
    expect(r.nacks, "NACKs sent").toBeGreaterThan(0);
    // Nothing goes down either: "a few per cent of random loss is repaired …, not answered by lowering the
    // picture" (README), on Alice's lossy uplink as on Bob's downlink, whose loss (5 % plus what Alice's hop
    // left unrepaired) is not clearly above 10 %. Each second listed says what Alice sent then.
    expect(
      loweredUnderLoss(r),
      `Bob's layer for Alice went below ${r.start.layer}/${r.start.width} (asked/frameWidth) under 5 % random loss on every link, where the README says it lowers nothing`,
    ).toEqual([]);
  }, 90_000);
});

describe.sequential("the layer follows the tile's size", () => {
  it("a thumbnail in the strip gets the lowest layer; on stage, the top one", async () => {
    evidenceOnFailure("strip");
    await aliceSendsEveryLayer();
    await toggleLayout(bob, "speaker");
    // Bob pins his own tile: it takes the stage, and Alice goes to the strip (13rem wide).
    await bob.page.locator(`${tileOf(bobId)}[data-local=true] [data-testid=pin]`).click();
    await bob.page.locator(`${remoteCamera(aliceId)}:not([data-stage])`).waitFor({ timeout: 10_000 });
    const width = await bob.page.locator(remoteCamera(aliceId)).evaluate((el) => el.clientWidth);
    expect(width).toBeLessThanOrEqual(360);
    const down = await timeUntil(bob.page, aliceId, atLowest, 20_000);
    console.log(`[adaptation] thumbnail ${width} px wide: lowest layer after ${down} ms`);
    expect(down, "ms until the thumbnail is at the lowest layer").not.toBeNull();
    expect((await receivedFrom(bob.page, aliceId)).paused).toBe(false);
    // Unpinned: Alice is on stage again.
    await bob.page.locator(`${tileOf(bobId)}[data-local=true] [data-testid=pin]`).click();
    await bob.page.locator(`${remoteCamera(aliceId)}[data-stage=true]`).waitFor({ timeout: 10_000 });
    const up = await timeUntil(bob.page, aliceId, atTop, 20_000);
    console.log(`[adaptation] back on stage: top layer after ${up} ms`);
    expect(up, "ms until the stage is at the top layer").not.toBeNull();
  }, 180_000);

  it("a small window gets the lowest layer; a big one, the top one", async () => {
    evidenceOnFailure("window");
    await aliceSendsEveryLayer();
    await toggleLayout(bob, "tile");
    await bob.page.setViewportSize({ width: 560, height: 420 });
    const down = await timeUntil(bob.page, aliceId, atLowest, 20_000);
    expect(down, "ms until the lowest layer in a small window").not.toBeNull();
    await bob.page.setViewportSize({ width: 1920, height: 1000 });
    const up = await timeUntil(bob.page, aliceId, atTop, 20_000);
    console.log(`[adaptation] small window: lowest after ${down} ms; big window: top after ${up} ms`);
    expect(up, "ms until the top layer in a big window").not.toBeNull();
    await bob.page.setViewportSize({ width: 1280, height: 760 });
  }, 180_000);
});

describe.sequential("a publisher whose uplink is capped at 400 kbit/s", () => {
  it("turns off its top layers, keeps its sound, and turns them back on once the cap is lifted", async () => {
    evidenceOnFailure("uplink");
    await aliceSendsEveryLayer();
    const port = await relayPort(call, alice.page, "publish");
    expect(call.relay.impairPort(port, "toServer", { rateBps: 400_000 })).toBeGreaterThanOrEqual(1);
    const capped = performance.now();
    const audioBefore = await receivedFrom(bob.page, aliceId);
    const down = await waitFor(
      async () => {
        const e = await cameraEncodings(alice.page);
        return e.h === false && e.m === false && e.l === true ? e : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 250, what: "Alice's h and m layers off, l on" },
    );
    const downMs = performance.now() - capped;
    await sleep(3000);
    const audioAfter = await receivedFrom(bob.page, aliceId);
    call.relay.impairPort(port, "toServer", {});
    const lifted = performance.now();
    await waitFor(async () => Object.values(await cameraEncodings(alice.page)).every(Boolean), {
      timeoutMs: 60_000,
      intervalMs: 500,
      what: "Alice's layers back on after the cap",
    });
    const upMs = performance.now() - lifted;
    console.log(
      `[adaptation] uplink 400 kbit/s: ${JSON.stringify(down)} after ${Math.round(downMs)} ms; all back ${Math.round(upMs)} ms after lifting`,
    );
    expect(
      (audioAfter.audio?.packetsReceived ?? 0) - (audioBefore.audio?.packetsReceived ?? 0),
      "Alice's audio packets reaching Bob while her uplink is capped",
    ).toBeGreaterThan(100);
  }, 240_000);
});

describe.sequential("last-N", () => {
  let carolId: string;
  let daveId: string;

  /** Bob's received videos and sounds over `ms`: who grew. */
  async function growth(ms: number) {
    const before = await readReceived(bob.page);
    await sleep(ms);
    const after = await readReceived(bob.page);
    return after.map((a) => {
      const b = before.find((x) => x.participantId === a.participantId);
      return {
        id: a.participantId,
        layer: a.layer,
        frames: (a.video?.framesDecoded ?? 0) - (b?.video?.framesDecoded ?? 0),
        audio: (a.audio?.packetsReceived ?? 0) - (b?.audio?.packetsReceived ?? 0),
      };
    });
  }

  async function setLastN(n: number): Promise<void> {
    const input = bob.page.locator("input[data-testid=last-n]");
    if (!(await input.isVisible())) await bob.page.locator("button[data-testid=more-menu]").click();
    await input.fill(String(n));
    await input.press("Enter");
    await bob.page.keyboard.press("Escape");
  }

  it("Last-N = 2 in a room of four: exactly two videos and all three sounds", async () => {
    evidenceOnFailure("last-n");
    ({ id: carolId } = await joinThroughRelay(call, "Carol", { width: 480, height: 320 }));
    ({ id: daveId } = await joinThroughRelay(call, "Dave", { width: 480, height: 320 }));
    await waitForMediaFrom(bob.page, [aliceId, carolId, daveId], 60_000);
    await setLastN(2);
    // What was asked takes effect within a couple of seconds; then two grow, the third is still.
    const settled = await waitFor(
      async () => {
        const g = await growth(2000);
        const moving = g.filter((x) => x.frames > 0);
        return moving.length === 2 && g.length === 3 ? g : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 0, what: "exactly two videos growing on Bob's page" },
    );
    console.log(`[adaptation] last-N 2: ${JSON.stringify(settled)}`);
    const g = await growth(3000);
    console.log(`[adaptation] last-N 2, 3 s later: ${JSON.stringify(g)}`);
    expect(g.filter((x) => x.frames > 0)).toHaveLength(2);
    const still = g.find((x) => x.frames === 0);
    expect(still?.layer, "the third tile asks for no video").toBe("off");
    for (const x of g) expect(x.audio, `audio packets from ${x.id} in 3 s`).toBeGreaterThan(50);

    // Pinning the one without video brings it (on stage), and another one stops.
    const stillId = still?.id ?? "";
    await bob.page.locator(`${remoteCamera(stillId)} [data-testid=pin]`).click();
    const pinned = await waitFor(
      async () => {
        const h = await growth(2000);
        const moving = h.filter((x) => x.frames > 0);
        return moving.length === 2 && moving.some((x) => x.id === stillId) ? h : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 0, what: "the pinned participant's video among the two" },
    );
    console.log(`[adaptation] last-N 2 with ${stillId} pinned: ${JSON.stringify(pinned)}`);
    await bob.page.locator(`${remoteCamera(stillId)} [data-testid=pin]`).click();

    await setLastN(20);
    const all = await waitFor(
      async () => {
        const h = await growth(2000);
        return h.filter((x) => x.frames > 0).length === 3 ? h : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 0, what: "all three videos growing with last-N 20" },
    );
    console.log(`[adaptation] last-N 20: ${JSON.stringify(all)}`);
  }, 180_000);
});

// Last: judges every line the server printed during the file's tests.
describeServerLog(() => call?.server);
