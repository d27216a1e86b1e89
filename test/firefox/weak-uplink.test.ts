/**
 * A Firefox publisher on a weak uplink: its publish connection capped by the UDP relay, towards the media
 * server, at 200 kbit/s once it sends at least twice that (Firefox's fake camera is a flat colour: it sends far
 * less than Chromium's, and a fixed 400 kbit/s cap may not bind). Its top layer goes off (then m, if that is not enough;
 * l stays), its sound keeps reaching the others, and the layers come back once the cap is lifted. Firefox reports neither
 * `qualityLimitationReason` nor `availableOutgoingBitrate`, which tell Chromium's uplink controller the link is
 * short: the controller reads the standing queue from the round trip instead (adaptation/uplink.ts).
 */
import type { Page as FirefoxPage } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type ImpairedCall,
  joinThroughRelay,
  relayPort,
  startImpairedCall,
} from "../e2e/helpers/degradation.js";
import { receivedFrom } from "../e2e/helpers/received.js";
import { waitForMediaFrom } from "../e2e/helpers/ui.js";
import { describeServerLog } from "../helpers/log-health.js";
import { sleep, waitFor } from "../helpers/wait.js";
import { Cast } from "./helpers/cast.js";
import { type FirefoxParticipant, inPage, joinInFirefox } from "./helpers/firefox.js";

let call: ImpairedCall;
let cast: Cast;
let fiona: FirefoxParticipant;
let fionaId: string;
let bobPage: import("playwright-core").Page;

/** Bytes the page's connections have sent (every outbound stream). */
function bytesSent(page: FirefoxPage): Promise<number> {
  return inPage(
    page,
    `(async () => {
      let n = 0;
      for (const pc of (window.__pcs || [])) {
        if (pc.connectionState === "closed") continue;
        (await pc.getStats()).forEach((s) => { if (s.type === "outbound-rtp") n += (s.bytesSent || 0) + (s.headerBytesSent || 0); });
      }
      return n;
    })()`,
  );
}

/** The camera's simulcast encodings and whether each is on, from the sender's parameters (Firefox's stats
 * have no `active`). */
function cameraLayers(page: FirefoxPage): Promise<Record<string, boolean>> {
  return inPage(
    page,
    `(() => {
      const out = {};
      for (const pc of (window.__pcs || [])) {
        if (pc.connectionState === "closed") continue;
        for (const sender of pc.getSenders()) {
          if (!sender.track || sender.track.kind !== "video") continue;
          for (const e of sender.getParameters().encodings || []) if (e.rid) out[e.rid] = e.active !== false;
        }
      }
      return out;
    })()`,
  );
}

beforeAll(async () => {
  call = await startImpairedCall("firefox-uplink");
  const bob = await joinThroughRelay(call, "Bob", { width: 1280, height: 760 });
  bobPage = bob.participant.page;
  cast = Cast.around(call, "firefox-uplink", { language: "en-US, en" });
  fiona = await cast.firefox("fiona", { relayOnly: true });
  fionaId = await joinInFirefox(fiona.page, call.server.origin, call.room, "Fiona");
  await waitForMediaFrom(bobPage, [fionaId], 40_000);
});

afterAll(async () => {
  await cast?.close();
  await call?.close();
});

describe("a Firefox publisher on an uplink half as wide as what it sends", () => {
  it("turns off its top layer, keeps its sound, and turns it back on once the cap is lifted", async () => {
    cast.evidenceOnFailure("cap");
    await waitFor(async () => Object.values(await cameraLayers(fiona.page)).filter(Boolean).length === 3, {
      timeoutMs: 30_000,
      what: "Firefox's three layers on",
    });
    await sleep(3000); // past the start's probing
    // The cap is 200 kbit/s, at most half of what Firefox sends: wide enough for the sound and the lowest layer,
    // narrow enough to bind. Firefox's rate over 3 s varies from run to run (498 to 2,232 kbit/s in CI runs,
    // 213 once locally: halving that left 106 kbit/s, where even the sound and l alone do not fit), so this
    // waits until it sends at least twice the cap.
    let sendingBps = 0;
    await waitFor(
      async () => {
        const b0 = await bytesSent(fiona.page);
        await sleep(3000);
        sendingBps = ((await bytesSent(fiona.page)) - b0) * (8 / 3);
        return sendingBps >= 400_000;
      },
      { timeoutMs: 40_000, intervalMs: 0, what: "Firefox sending at least 400 kbit/s" },
    );
    const capBps = 200_000;
    const port = await relayPort(call, fiona.page, "publish");
    expect(call.relay.impairPort(port, "toServer", { rateBps: capBps })).toBeGreaterThanOrEqual(1);
    const capped = performance.now();
    console.log(
      `[firefox] sending ${Math.round(sendingBps / 1000)} kbit/s; uplink capped at ${Math.round(capBps / 1000)} kbit/s`,
    );
    const down = await waitFor(
      async () => {
        const e = await cameraLayers(fiona.page);
        return e.h === false && e.l === true ? e : undefined;
      },
      { timeoutMs: 40_000, intervalMs: 250, what: "Firefox's top layer off, l on" },
    );
    const downMs = performance.now() - capped;
    const audioBefore = await receivedFrom(bobPage, fionaId);
    await sleep(3000);
    const audioAfter = await receivedFrom(bobPage, fionaId);
    call.relay.impairPort(port, "toServer", {});
    const lifted = performance.now();
    await waitFor(async () => Object.values(await cameraLayers(fiona.page)).every(Boolean), {
      timeoutMs: 90_000,
      intervalMs: 500,
      what: "Firefox's layers back on after the cap",
    });
    console.log(
      `[firefox] sending ${Math.round(sendingBps / 1000)} kbit/s, uplink capped at ${Math.round(capBps / 1000)} kbit/s: ${JSON.stringify(down)} after ${Math.round(downMs)} ms; all back ${Math.round(performance.now() - lifted)} ms after lifting`,
    );
    expect(
      (audioAfter.audio?.packetsReceived ?? 0) - (audioBefore.audio?.packetsReceived ?? 0),
      "Firefox's audio packets reaching Bob while its uplink is capped",
    ).toBeGreaterThan(100);
  }, 240_000);
});

describeServerLog(() => call?.server);
