/**
 * A meeting of Firefox only, no Chromium: two participants (two contexts of Debian's Firefox ESR, English UI)
 * join through the UI, each decodes the other's video and receives its audio (getStats), chat goes both ways,
 * and hanging up removes the tile from the other page. The tests run in order and share one meeting.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { flowing, type Growth, sampleUntilSteady, selectedCandidatePairs } from "../e2e/helpers/rtc.js";
import { sel, tileOf, waitForMediaFrom, waitForRemoteSet } from "../e2e/helpers/ui.js";
import { describeServerLog } from "../helpers/log-health.js";
import { VETH_ADDRESS } from "../helpers/veth.js";
import { waitFor } from "../helpers/wait.js";
import { Cast } from "./helpers/cast.js";
import {
  chatTextsInFirefox,
  type FirefoxParticipant,
  inPage,
  joinInFirefox,
  openChatInFirefox,
  seesInFirefox,
  sendChatInFirefox,
} from "./helpers/firefox.js";

let cast: Cast;
let fiona: FirefoxParticipant;
let fionaId: string;
let felix: FirefoxParticipant;
let felixId: string;
const room = `firefox-only-${Date.now().toString(36)}`;

beforeAll(async () => {
  cast = await Cast.start("firefox-only", { language: "en-US, en" });
  // Each in a window of its own: as tabs of one window, the first page would be hidden (see the helper).
  fiona = await cast.firefox("fiona", { ownWindow: true });
  felix = await cast.firefox("felix", { ownWindow: true });
});

afterAll(async () => {
  await cast?.close();
});

describe.sequential("two Firefox participants, no Chromium", () => {
  it("join through the UI; each decodes the other's video and receives its audio, through Janus on pal0", async () => {
    cast.evidenceOnFailure("join");
    fionaId = await joinInFirefox(fiona.page, cast.server.origin, room, "Fiona");
    felixId = await joinInFirefox(felix.page, cast.server.origin, room, "Felix");
    for (const p of [fiona, felix])
      expect(await inPage<string>(p.page, "document.visibilityState"), `${p.label}'s page shown`).toBe(
        "visible",
      );
    await waitForRemoteSet(fiona.page, [felixId], 30_000);
    await waitForRemoteSet(felix.page, [fionaId], 30_000);
    await waitForMediaFrom(fiona.page, [felixId], 40_000);
    await waitForMediaFrom(felix.page, [fionaId], 40_000);
    // Steady flow both ways, not the first seconds after the media started (sampleUntilSteady).
    const [inFiona, inFelix] = (await sampleUntilSteady(
      [fiona.page, felix.page],
      ([x, y]) => flowing(x?.get(felixId)) && flowing(y?.get(fionaId)),
    )) as [Map<string, Growth>, Map<string, Growth>];
    const fromFelix = inFiona.get(felixId);
    const fromFiona = inFelix.get(fionaId);
    console.log(
      `[firefox only] in 3 s: Fiona decoded ${fromFelix?.videoFramesDelta} frames and ${fromFelix?.audioPacketsDelta} audio packets of Felix; Felix ${fromFiona?.videoFramesDelta} and ${fromFiona?.audioPacketsDelta} of Fiona`,
    );
    expect(fromFelix?.videoFramesDelta, "Fiona decodes Felix's video").toBeGreaterThan(15);
    expect(fromFelix?.audioPacketsDelta, "Fiona receives Felix's audio").toBeGreaterThan(30);
    expect(fromFiona?.videoFramesDelta, "Felix decodes Fiona's video").toBeGreaterThan(15);
    expect(fromFiona?.audioPacketsDelta, "Felix receives Fiona's audio").toBeGreaterThan(30);
    // The frames are real pictures, not a 0×0 placeholder.
    for (const g of [fromFelix, fromFiona]) expect(g?.after.video?.frameWidth ?? 0).toBeGreaterThan(0);
    const janus = VETH_ADDRESS.replace(/\/32$/, "");
    for (const p of [fiona, felix]) {
      const pairs = await selectedCandidatePairs(p.page);
      expect(pairs.length, `${p.label}: connected peer connections`).toBeGreaterThanOrEqual(2);
      for (const pair of pairs) expect(pair.remote, `${p.label}: Janus's side of the ICE pair`).toBe(janus);
    }
  });

  it("chat goes both ways", async () => {
    cast.evidenceOnFailure("chat");
    const shows = (p: FirefoxParticipant, texts: string[]) =>
      waitFor(async () => (await chatTextsInFirefox(p.page)).join("|") === texts.join("|"), {
        timeoutMs: 15_000,
        what: `${JSON.stringify(texts)} in ${p.label}'s chat`,
      });
    await openChatInFirefox(felix.page);
    await sendChatInFirefox(fiona.page, "Hello from Fiona");
    await shows(felix, ["Hello from Fiona"]);
    await sendChatInFirefox(felix.page, "Hello from Felix");
    await shows(fiona, ["Hello from Fiona", "Hello from Felix"]);
    await shows(felix, ["Hello from Fiona", "Hello from Felix"]);
  });

  it("Felix hangs up: his page says so, and his tile leaves Fiona's page", async () => {
    cast.evidenceOnFailure("hangup");
    await felix.page.click(sel.hangup);
    await felix.page.waitForSelector(sel.leftScreen, { visible: true, timeout: 10_000 });
    await seesInFirefox(fiona.page, tileOf(felixId), "Felix's tile gone from Fiona's page", {
      gone: true,
      timeoutMs: 10_000,
    });
    await waitForRemoteSet(fiona.page, [], 5000);
  });
});

describe("the pages", () => {
  it("logged no uncaught error", () => {
    const errors = [fiona, felix].flatMap((p) =>
      p.console.filter((l) => l.startsWith("[pageerror]")).map((l) => `${p.label} ${l}`),
    );
    expect(errors).toEqual([]);
  });
});

describeServerLog(() => cast?.server);
