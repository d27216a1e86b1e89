/**
 * A publisher whose uplink cannot carry even its camera's lowest layer beside its sound: the video goes, the
 * sound stays (README: "audio has priority over video, always").
 *
 * Alice (Chromium) publishes through the UDP relay; her publish flow towards the media server is capped at
 * 64 kbit/s, a 200 ms drop-tail queue (test/helpers/udp-relay.ts). Her sound alone fits; beside her lowest
 * layer it does not, and every packet, the sound's too, risks the drop. Without the pause (measured before it
 * was built, 2026-12-08), Chromium's own estimate did not save the sound: Bob concealed 12 to 40 % of it in
 * every 3 s of the 30 s the cap lasted (19 to 34 % at 56 kbit/s; at 80 kbit/s it recovered after 6 s).
 *
 * - Within 30 s every camera encoding of Alice's is off, and her page says why (`uplink-video-paused`).
 * - From then on, over 6 s, Bob receives at least 95 % of the 50 audio packets a second Alice sends, and
 *   conceals under 5 % of her sound.
 * - The cap lifted, her lowest layer comes back within 60 s (the clean while it waits doubles after a layer
 *   brought back had to go again), and Bob decodes her video again; the notice goes.
 */
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { describeServerLog } from "../helpers/log-health.js";
import { sleep, waitFor } from "../helpers/wait.js";
import { type Participant, saveEvidence } from "./helpers/browser.js";
import {
  cameraEncodings,
  type ImpairedCall,
  joinThroughRelay,
  relayPort,
  startImpairedCall,
} from "./helpers/degradation.js";
import { concealment, receivedFrom } from "./helpers/received.js";
import { waitForMediaFrom } from "./helpers/ui.js";

const CAP_BPS = 64_000;

let call: ImpairedCall;
let alice: Participant;
let bob: Participant;
let aliceId: string;

beforeAll(async () => {
  call = await startImpairedCall("starved-uplink");
  ({ participant: alice, id: aliceId } = await joinThroughRelay(call, "Alice", { width: 640, height: 400 }));
  ({ participant: bob } = await joinThroughRelay(call, "Bob", { width: 1024, height: 700 }));
  await waitForMediaFrom(bob.page, [aliceId], 45_000);
}, 180_000);

afterAll(async () => {
  await call?.close();
});

describe.sequential(`a publisher whose uplink is capped at ${CAP_BPS / 1000} kbit/s`, () => {
  it("turns its camera's encodings off, keeps its sound whole, says so, and brings the video back", async () => {
    const windows: string[] = [];
    onTestFailed(async () => {
      const dir = await saveEvidence("starved-uplink", [alice, bob]);
      console.error(
        `evidence in ${dir}\nsound per 3 s under the cap: ${windows.join(" ")}\nflows: ${JSON.stringify(call.relay.flows())}`,
      );
    });
    await waitFor(async () => Object.values(await cameraEncodings(alice.page)).some(Boolean), {
      timeoutMs: 30_000,
      what: "Alice's camera sending",
    });
    const port = await relayPort(call, alice.page, "publish");
    expect(call.relay.impairPort(port, "toServer", { rateBps: CAP_BPS })).toBeGreaterThanOrEqual(1);
    const capped = performance.now();

    // What Bob receives of Alice's sound, every 3 s, until her camera is off: the cost of the way there.
    let last = await receivedFrom(bob.page, aliceId);
    const off = await waitFor(
      async () => {
        const e = await cameraEncodings(alice.page);
        const now = await receivedFrom(bob.page, aliceId);
        if (performance.now() - capped >= windows.length * 3000 + 3000) {
          const packets = (now.audio?.packetsReceived ?? 0) - (last.audio?.packetsReceived ?? 0);
          windows.push(`${packets}/${(concealment(last, now) * 100).toFixed(1)}%`);
          last = now;
        }
        return Object.values(e).every((on) => !on) ? e : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 250, what: "every camera encoding of Alice's off" },
    );
    const offMs = performance.now() - capped;
    await alice.page.locator("[data-testid=uplink-video-paused]").waitFor({ timeout: 5000 });

    await sleep(1000); // the queue drains
    const before = await receivedFrom(bob.page, aliceId);
    await sleep(6000);
    const after = await receivedFrom(bob.page, aliceId);
    const bobSees = (await bob.page
      .locator(`[data-testid=tile][data-participant-id="${aliceId}"][data-source=camera] .tile-avatar`)
      .count())
      ? "initials"
      : "a picture";
    const packets = (after.audio?.packetsReceived ?? 0) - (before.audio?.packetsReceived ?? 0);
    const concealed = concealment(before, after);

    call.relay.impairPort(port, "toServer", {});
    const lifted = performance.now();
    await waitFor(async () => (await cameraEncodings(alice.page)).l === true, {
      timeoutMs: 60_000,
      intervalMs: 500,
      what: "Alice's lowest layer back on after the cap",
    });
    const backMs = performance.now() - lifted;
    const framesBack = (await receivedFrom(bob.page, aliceId)).video?.framesDecoded ?? 0;
    await waitFor(
      async () => ((await receivedFrom(bob.page, aliceId)).video?.framesDecoded ?? 0) > framesBack,
      {
        timeoutMs: 10_000,
        what: "Bob decoding Alice's video again",
      },
    );
    await alice.page
      .locator("[data-testid=uplink-video-paused]")
      .waitFor({ state: "detached", timeout: 5000 });

    console.log(
      `[starved-uplink] ${CAP_BPS / 1000} kbit/s: sound (packets in 3 s / concealed) on the way ${windows.join(" ") || "-"}; camera off after ${Math.round(offMs)} ms (${JSON.stringify(off)}); then ${packets} audio packets in 6 s, ${(concealed * 100).toFixed(2)} % concealed; l back ${Math.round(backMs)} ms after the lift; Bob's tile of Alice, paused, shows ${bobSees}`,
    );
    expect(packets, "Alice's audio packets reaching Bob in 6 s, her camera off").toBeGreaterThanOrEqual(285);
    expect(concealed, "share of Alice's sound Bob concealed, her camera off").toBeLessThan(0.05);
  }, 240_000);
});

describeServerLog(() => call?.server);
