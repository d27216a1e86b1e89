/**
 * The end-to-end requirement: three headless Chromium participants join one room through the real UI
 * and see and hear each other; a mute shows on the others and silences the audio; a hang-up removes the tile
 * within 2 s; a late joiner sees the remaining participants. Plus: the page talks to no origin but the server,
 * and its documents carry a Content-Security-Policy.
 *
 * The tests run in order and share one room (later steps build on earlier ones).
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { describeServerLog } from "../helpers/log-health.js";
import { type ServerHandle, startServer, tail } from "../helpers/server.js";
import { VETH_ADDRESS } from "../helpers/veth.js";
import { sleep } from "../helpers/wait.js";
import { launchChromium, newParticipant, type Participant, saveEvidence } from "./helpers/browser.js";
import {
  configuredIceServers,
  readTiles,
  remoteTiles,
  sampleGrowth,
  selectedCandidatePairs,
  type TileInfo,
} from "./helpers/rtc.js";
import { joinViaUi, sel, tileOf, waitForMediaFrom, waitForRemoteSet } from "./helpers/ui.js";

let server: ServerHandle;
let browser: Browser;
const everyone: Participant[] = [];
const ids = new Map<Participant, string>();
const room = `e2e-call-${Date.now().toString(36)}`;
let alice: Participant;
let bob: Participant;
let carol: Participant;
let dave: Participant;

const idOf = (p: Participant): string => {
  const id = ids.get(p);
  if (!id) throw new Error(`${p.label} has not joined`);
  return id;
};

function onFailureSaveEvidence(tag: string): void {
  onTestFailed(async () => {
    const dir = await saveEvidence(tag, everyone);
    console.error(`evidence in ${dir}\nserver log ${server.logFile} (tail):\n${tail(server.lines, 60)}`);
  });
}

function describeTiles(tiles: TileInfo[]): string {
  return JSON.stringify(
    tiles.map((t) => ({
      id: t.participantId,
      local: t.local,
      muted: t.micMuted,
      frames: t.video?.framesDecoded,
      audioPackets: t.audio?.packetsReceived,
      energy: t.audio?.totalAudioEnergy,
    })),
  );
}

beforeAll(async () => {
  server = await startServer({ name: "e2e-call" });
  browser = await launchChromium();
});

afterAll(async () => {
  for (const p of everyone) await p.close();
  await browser?.close();
  if (server) await server.stop();
});

describe.sequential("a three-person call through the UI", () => {
  it("three pages join through the UI and each sees two remote tiles with video decoding and audio arriving", async () => {
    onFailureSaveEvidence("call-join");
    alice = await newParticipant(browser, "alice");
    bob = await newParticipant(browser, "bob");
    carol = await newParticipant(browser, "carol");
    everyone.push(alice, bob, carol);
    for (const [p, name] of [
      [alice, "Alice"],
      [bob, "Bob"],
      [carol, "Carol"],
    ] as const) {
      ids.set(p, await joinViaUi(p.page, server.origin, room, name));
    }
    expect(new Set(ids.values()).size, "three distinct participant ids").toBe(3);

    const trio = [alice, bob, carol];
    for (const p of trio) {
      const others = trio.filter((o) => o !== p).map(idOf);
      await waitForRemoteSet(p.page, others);
      await waitForMediaFrom(p.page, others);
      // Names are shown on the tiles.
      const tiles = await remoteTiles(p.page);
      const names = Object.fromEntries(tiles.map((t) => [t.participantId, t.name?.trim()]));
      for (const o of trio.filter((o) => o !== p)) {
        expect(names[idOf(o)], `${p.label} shows ${o.label}'s name`).toContain(
          o === alice ? "Alice" : o === bob ? "Bob" : "Carol",
        );
      }
    }

    // Sample twice, ~2 s apart, on all three pages at once.
    const growths = await Promise.all(trio.map((p) => sampleGrowth(p.page, 2000)));
    trio.forEach((p, i) => {
      const g = growths[i];
      for (const o of trio.filter((o) => o !== p)) {
        const d = g?.get(idOf(o));
        expect(d, `${p.label} has a tile for ${o.label}`).toBeDefined();
        expect(d?.videoFramesDelta, `${p.label} decodes ${o.label}'s video (frames in 2 s)`).toBeGreaterThan(
          10,
        );
        expect(
          d?.audioPacketsDelta,
          `${p.label} receives ${o.label}'s audio (packets in 2 s)`,
        ).toBeGreaterThan(20);
      }
    });

    // Media goes through Janus on the veth address it was told to use (JANUS_ICE_INTERFACE=pal0), nowhere else.
    const janusAddress = VETH_ADDRESS.replace(/\/32$/, "");
    for (const p of trio) {
      const pairs = await selectedCandidatePairs(p.page);
      expect(
        pairs.length,
        `${p.label}: connected peer connections (publish + subscribe)`,
      ).toBeGreaterThanOrEqual(2);
      for (const pair of pairs)
        expect(pair.remote, `${p.label}: Janus side of the ICE pair`).toBe(janusAddress);
    }
  });

  it("Alice mutes: the others show mic-muted on her tile and her audio goes silent there", async () => {
    onFailureSaveEvidence("call-mute");
    const observers = [bob, carol];
    const aliceId = idOf(alice);
    for (const p of observers) {
      expect(await p.page.locator(`${tileOf(aliceId)} ${sel.micMuted}`).count(), "not muted yet").toBe(0);
    }
    // Before muting: Alice's audio is being played out with energy on both observers (the fake mic beeps), so
    // "energy stops growing" below is a real change, not a meter that never moved.
    const before = await Promise.all(observers.map((p) => sampleGrowth(p.page, 2000)));
    observers.forEach((p, i) => {
      const d = before[i]?.get(aliceId);
      expect(d?.audioPacketsDelta, `${p.label}: Alice's audio packets before mute`).toBeGreaterThan(20);
      expect(d?.audioEnergyDelta, `${p.label}: Alice's audio energy before mute`).toBeGreaterThan(0.001);
    });

    await alice.page.locator(sel.toggleMic).click();

    await Promise.all(
      observers.map((p) =>
        p.page.locator(`${tileOf(aliceId)} ${sel.micMuted}`).waitFor({ state: "attached", timeout: 5000 }),
      ),
    );
    // Only Alice is shown muted.
    for (const p of observers) {
      const tiles = await readTiles(p.page);
      for (const t of tiles) {
        expect(
          t.micMuted,
          `${p.label}: mic-muted on ${t.participantId} (${t.local ? "local" : "remote"})`,
        ).toBe(t.participantId === aliceId);
      }
    }

    await sleep(1000); // let in-flight audio drain
    const after = await Promise.all(observers.map((p) => sampleGrowth(p.page, 2000)));
    const report: Record<string, unknown> = {};
    observers.forEach((p, i) => {
      const d = after[i]?.get(aliceId);
      expect(d, `${p.label} still has Alice's tile`).toBeDefined();
      report[p.label] = {
        audioPacketsDelta: d?.audioPacketsDelta,
        audioBytesDelta: d?.audioBytesDelta,
        audioEnergyDelta: d?.audioEnergyDelta,
        audioLevel: d?.after.audio?.audioLevel,
      };
      // Muting stops the audio RTP altogether (the sender's encoding is deactivated): no packets arrive,
      // and what a listener hears is nothing.
      expect(d?.audioPacketsDelta, `${p.label}: Alice's audio packets after mute`).toBeLessThanOrEqual(2);
      expect(d?.audioEnergyDelta, `${p.label}: Alice's audio energy after mute`).toBeLessThan(1e-6);
      expect(d?.after.audio?.audioLevel ?? 0, `${p.label}: Alice's audio level after mute`).toBeLessThan(
        0.001,
      );
      // Her video is unaffected.
      expect(d?.videoFramesDelta, `${p.label}: Alice's video after mute`).toBeGreaterThan(10);
      // And the others' audio still flows with energy (the measurement can see sound).
      const other = p === bob ? carol : bob;
      const od = after[i]?.get(idOf(other));
      expect(od?.audioEnergyDelta, `${p.label}: ${other.label}'s audio energy`).toBeGreaterThan(0.001);
    });
    console.log(`[mute] Alice's audio on the others after mute: ${JSON.stringify(report)}`);
  });

  it("Carol hangs up: her tile disappears from Alice's and Bob's pages within 2 s", async () => {
    onFailureSaveEvidence("call-hangup");
    const carolId = idOf(carol);
    for (const p of [alice, bob]) {
      expect(await p.page.locator(tileOf(carolId)).count(), `${p.label} shows Carol before`).toBe(1);
    }
    const clickedAt = Date.now();
    await carol.page.locator(sel.hangup).click();
    const gone = await Promise.all(
      [alice, bob].map(async (p) => {
        await p.page.locator(tileOf(carolId)).waitFor({ state: "detached", timeout: 2000 });
        return Date.now() - clickedAt;
      }),
    );
    console.log(`[hangup] Carol's tile gone after ${gone.join(" / ")} ms`);
    await carol.page.locator(sel.leftScreen).waitFor({ state: "visible", timeout: 5000 });
    await waitForRemoteSet(alice.page, [idOf(bob)], 3000);
    await waitForRemoteSet(bob.page, [idOf(alice)], 3000);
  });

  it("a fourth participant joins late and decodes the remaining participants' video", async () => {
    onFailureSaveEvidence("call-late");
    dave = await newParticipant(browser, "dave");
    everyone.push(dave);
    ids.set(dave, await joinViaUi(dave.page, server.origin, room, "Dave"));
    const remaining = [idOf(alice), idOf(bob)];
    await waitForRemoteSet(dave.page, remaining);
    const tiles = await waitForMediaFrom(dave.page, remaining, 30_000, [idOf(bob)]);
    expect(tiles.map((t) => t.participantId).sort()).toEqual([...remaining].sort());
    const g = await sampleGrowth(dave.page, 2000);
    for (const p of [alice, bob]) {
      const d = g.get(idOf(p));
      expect(d?.videoFramesDelta, `Dave decodes ${p.label}'s video`).toBeGreaterThan(10);
    }
    // Bob talks; Alice is muted, so her microphone sends nothing at all.
    expect(g.get(idOf(bob))?.audioPacketsDelta, "Dave receives Bob's audio").toBeGreaterThan(20);
    expect(
      g.get(idOf(alice))?.audioPacketsDelta ?? 0,
      "Dave receives no audio from muted Alice",
    ).toBeLessThanOrEqual(2);
    // Alice is still muted, as Dave sees it from the start.
    expect(await dave.page.locator(`${tileOf(idOf(alice))} ${sel.micMuted}`).count()).toBe(1);
    expect(await dave.page.locator(`${tileOf(idOf(bob))} ${sel.micMuted}`).count()).toBe(0);
    // And the two see Dave.
    for (const p of [alice, bob]) {
      const others = [alice, bob].filter((o) => o !== p).map(idOf);
      await waitForRemoteSet(p.page, [...others, idOf(dave)]);
      await waitForMediaFrom(p.page, [idOf(dave)]);
    }
    const tilesNow = await Promise.all([alice, bob, dave].map((p) => readTiles(p.page)));
    console.log(`[late] tiles: ${tilesNow.map(describeTiles).join(" | ")}`);
  });
});

describe.sequential("after the call changes", () => {
  it("Alice unmutes: mic-muted goes away on Bob's and Dave's pages and her audio has energy again", async () => {
    onFailureSaveEvidence("call-unmute");
    const aliceId = idOf(alice);
    const observers = [bob, dave];
    await alice.page.locator(sel.toggleMic).click();
    await Promise.all(
      observers.map((p) =>
        p.page.locator(`${tileOf(aliceId)} ${sel.micMuted}`).waitFor({ state: "detached", timeout: 5000 }),
      ),
    );
    await sleep(500);
    const growth = await Promise.all(observers.map((p) => sampleGrowth(p.page, 2500)));
    observers.forEach((p, i) => {
      const d = growth[i]?.get(aliceId);
      expect(d?.audioPacketsDelta, `${p.label}: Alice's audio packets after unmute`).toBeGreaterThan(20);
      expect(d?.audioEnergyDelta, `${p.label}: Alice's audio energy after unmute`).toBeGreaterThan(0.001);
    });
  });
});

describe("privacy and security of the page", () => {
  it("every request of every participant went to the server's origin (or data:/blob:)", async () => {
    expect(everyone.length, "the call tests ran").toBeGreaterThanOrEqual(3);
    const foreign: string[] = [];
    for (const p of everyone) {
      expect(p.requests.length, `${p.label} made requests`).toBeGreaterThan(0);
      for (const url of p.requests) {
        const ok = url.startsWith(`${server.origin}/`) || url.startsWith("data:") || url.startsWith("blob:");
        if (!ok) foreign.push(`${p.label}: ${url}`);
      }
      for (const url of p.websockets) {
        if (!url.startsWith(`ws://127.0.0.1:${server.port}/`)) foreign.push(`${p.label} (websocket): ${url}`);
      }
    }
    expect(foreign).toEqual([]);
  });

  it("the peer connections use no ICE server beyond the operator's (none configured here)", async () => {
    for (const p of everyone) {
      if (p.page.isClosed()) continue;
      const servers = await configuredIceServers(p.page);
      expect(servers.length, `${p.label} created peer connections`).toBeGreaterThan(0);
      expect(servers.flat(), `${p.label}'s ICE servers`).toEqual([]);
    }
  });

  it("documents are served with a Content-Security-Policy that forbids inline and foreign scripts", async () => {
    const docs = everyone.flatMap((p) => p.documents);
    expect(docs.length).toBeGreaterThan(0);
    for (const doc of docs) {
      const csp = doc.headers["content-security-policy"];
      expect(csp, `CSP on ${doc.url}`).toBeTruthy();
    }
    for (const path of ["/", `/${room}`, "/some-other-room"]) {
      const res = await fetch(`${server.origin}${path}`);
      expect(res.status, path).toBe(200);
      const csp = res.headers.get("content-security-policy") ?? "";
      expect(csp, `CSP on ${path}`).not.toBe("");
      const directives = new Map(
        csp
          .split(";")
          .map((d) => d.trim().split(/\s+/))
          .filter((parts) => parts[0])
          .map((parts) => [parts[0]?.toLowerCase() ?? "", parts.slice(1)]),
      );
      const scriptSrc = directives.get("script-src") ?? directives.get("default-src");
      expect(scriptSrc, `script-src or default-src in ${csp}`).toBeDefined();
      expect(scriptSrc, csp).not.toContain("'unsafe-inline'");
      // Our own scripts, and WebAssembly compiled from our own files (noise suppression); no eval of text.
      expect([...(scriptSrc ?? [])].sort(), csp).toEqual(["'self'", "'wasm-unsafe-eval'"]);
      expect(scriptSrc, csp).not.toContain("*");
      expect(scriptSrc?.some((s) => /^https?:/.test(s)) ?? false, `no foreign script origin in ${csp}`).toBe(
        false,
      );
    }
  });

  it("no page logged an uncaught error", async () => {
    const errors = everyone.flatMap((p) =>
      p.console.filter((l) => l.startsWith("[pageerror]")).map((l) => `${p.label} ${l}`),
    );
    expect(errors).toEqual([]);
  });
});

// Last: judges every line the server printed during the file's tests.
describeServerLog(() => server);
