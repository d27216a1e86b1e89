/**
 * A Firefox receiver on a poor link: its downlink capped at 300 kbit/s by the UDP relay for 30 s while it
 * receives a Chromium camera on stage at the top layer. The sound holds (concealment under 7 %), the video
 * adapts (the lowest layer or a pause within 15 s), and the top layer comes back once the cap is lifted.
 * Firefox's estimate works from what Firefox reports of what it receives, like Chromium's.
 *
 * The bound is Firefox's own, from what it measured: on a quiet machine (ten runs, four of them clean-clone CIs,
 * 2026-12-06/07) Firefox concealed 3.2-5.6 % of the sound over the 30 s, against Chromium's 2.5-4.4 % in the
 * same call (e2e/adaptation holds Chromium to 5 %). Firefox also lost more of the audio packets (2.6-4.9 %):
 * more overflow reached it before it adapted; why, is not established. A receiver that does not adapt loses far
 * more of the sound under this cap and fails this bound (shown in the 2026-12-07 closing note).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  capScenario,
  type ImpairedCall,
  joinThroughRelay,
  startImpairedCall,
} from "../e2e/helpers/degradation.js";
import { atAdaptedTop, atTop, timeUntil } from "../e2e/helpers/received.js";
import { sel, waitForMediaFrom } from "../e2e/helpers/ui.js";
import { describeServerLog } from "../helpers/log-health.js";
import { waitFor } from "../helpers/wait.js";
import { Cast } from "./helpers/cast.js";
import { type FirefoxParticipant, inPage, joinInFirefox } from "./helpers/firefox.js";

let call: ImpairedCall;
let cast: Cast;
let fiona: FirefoxParticipant;
let aliceId: string;

beforeAll(async () => {
  call = await startImpairedCall("firefox-poor-link");
  ({ id: aliceId } = await joinThroughRelay(call, "Alice", { width: 640, height: 400 }));
  cast = Cast.around(call, "firefox-poor-link", { language: "en-US, en" });
  fiona = await cast.firefox("fiona", { relayOnly: true });
  await fiona.page.setViewport({ width: 1280, height: 760 });
  await joinInFirefox(fiona.page, call.server.origin, call.room, "Fiona");
  await waitForMediaFrom(fiona.page, [aliceId], 40_000);
  // Speaker view: Alice alone on a stage over 800 px wide calls for her top layer.
  if (
    (await inPage<string>(
      fiona.page,
      `document.querySelector(${JSON.stringify(sel.conference)}).dataset.layout`,
    )) !== "speaker"
  )
    await fiona.page.click("button[data-testid=toggle-layout]");
});

afterAll(async () => {
  await cast?.close();
  await call?.close();
});

describe("a Firefox receiver under a 300 kbit/s cap", () => {
  it("keeps the sound (concealment < 7 %), drops the video within 15 s, and brings the top layer back", async () => {
    cast.evidenceOnFailure("cap");
    // Alice's top layer waits for her own browser's estimate of her uplink (through the relay) to allow it: on a
    // busy machine that took 29.5 s once (mixed-call's log), and her uplink controller may hold it back for a
    // while meanwhile (adaptation/uplink.ts). Chromium may also send it narrower than 1280 when short of CPU.
    const top = await timeUntil(fiona.page, aliceId, atAdaptedTop, 60_000);
    console.log(`[firefox] Alice's top layer on Firefox's stage after ${Math.round(top ?? -1)} ms`);
    expect(top, "Alice's top layer on Firefox's stage before the cap").not.toBeNull();
    const r = await capScenario(call, fiona.page, aliceId);
    console.log(
      `[firefox] cap: lowest/pause after ${r.adaptMs} ms, concealment ${(r.concealment * 100).toFixed(2)} %, audio loss ${(r.audioLoss * 100).toFixed(2)} %, top again ${r.recoverMs} ms after the lift; layers ${r.layers.join(" ")}; sound concealed (ms@ms) ${r.concealed.join(" ")}`,
    );
    expect(r.adaptMs, "ms until the lowest layer or a pause").not.toBeNull();
    expect(r.concealment, "audio concealed under the cap").toBeLessThan(0.07);
    expect(r.recoverMs, "ms until the top layer after the cap").not.toBeNull();
    await waitFor(async () => (await timeUntil(fiona.page, aliceId, atTop, 1000)) !== null, {
      timeoutMs: 5000,
      what: "the top layer still there",
    });
  }, 180_000);
});

describeServerLog(() => call?.server);
