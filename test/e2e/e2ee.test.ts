/**
 * Issue 21, end-to-end encryption in Chromium (Firefox: test/firefox/e2ee.test.ts). Ana opens the meeting with a
 * passphrase in her link and, being its first (a moderator), turns E2EE on; Ben comes with the same link.
 * Asserted: both decode each other's video and hear each other; every frame they send went through the worker
 * encrypted; the safety code is the same on both screens; simulcast layers still switch (Janus reads only what
 * stays clear). Wes comes with another passphrase: media reaches his
 * page (packets) and none of it decodes (0 frames, no sound), and the others are told someone has another
 * passphrase; Ana's shared screen likewise (Ben decodes it, Wes does not). Rita, with the right one, is removed: every sender's key changes, Ben keeps seeing and hearing Ana
 * through the change, and the keys of what is sent after are keys Rita never held (her worker says which it
 * holds; Wes's says which tags arrive on the wire).
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { describeServerLog } from "../helpers/log-health.js";
import { type ServerHandle, startServer, tail } from "../helpers/server.js";
import { sleep, waitFor } from "../helpers/wait.js";
import { launchChromium, newParticipant, type Participant, saveEvidence } from "./helpers/browser.js";
import { E2EE_WORKER_TAP, e2eeStats, openWithKey, safetyCode, waitForE2ee } from "./helpers/e2ee.js";
import {
  closeMoreMenu,
  mv,
  openMoreMenu,
  readMediaTiles,
  sourceTile,
  waitForDecodingTile,
  waitPressed,
} from "./helpers/media-views.js";
import { openParticipants, participantAction } from "./helpers/moderation-ui.js";
import { concealment, receivedFrom } from "./helpers/received.js";
import { readTiles, type TileInfo } from "./helpers/rtc.js";
import { fillName, joinFromPrejoin, joinViaUi, sel, waitForMediaFrom } from "./helpers/ui.js";

let server: ServerHandle;
let browser: Browser;
const everyone: Participant[] = [];
const room = `e2e-e2ee-${Date.now().toString(36)}`;
const PASSPHRASE = "hYb2-correct-horse";
const ids = new Map<string, string>();

function evidence(tag: string): void {
  onTestFailed(async () => {
    const dir = await saveEvidence(tag, everyone);
    console.error(`evidence in ${dir}\nserver log (tail):\n${tail(server.lines, 60)}`);
  });
}

async function person(label: string, passphrase: string): Promise<Participant> {
  const p = await newParticipant(browser, label);
  await p.context.addInitScript(E2EE_WORKER_TAP);
  everyone.push(p);
  await openWithKey(p.page, server.origin, room, passphrase);
  ids.set(label, await joinFromPrejoin(p.page, label));
  return p;
}

const id = (label: string): string => {
  const v = ids.get(label);
  if (!v) throw new Error(`${label} has not joined`);
  return v;
};

async function tileOf(p: Participant, label: string): Promise<TileInfo> {
  const tile = (await readTiles(p.page)).find((t) => t.participantId === id(label));
  if (!tile) throw new Error(`${p.label} has no tile for ${label}`);
  return tile;
}

/** Frames decoded and audio energy received from `label` over `ms`. */
async function growth(
  p: Participant,
  label: string,
  ms = 2000,
): Promise<{ frames: number; energy: number; packets: number }> {
  const a = await tileOf(p, label);
  await sleep(ms);
  const b = await tileOf(p, label);
  return {
    frames: (b.video?.framesDecoded ?? 0) - (a.video?.framesDecoded ?? 0),
    energy: (b.audio?.totalAudioEnergy ?? 0) - (a.audio?.totalAudioEnergy ?? 0),
    packets: (b.video?.packetsReceived ?? 0) - (a.video?.packetsReceived ?? 0),
  };
}

let ana: Participant;
let ben: Participant;
let wes: Participant;

beforeAll(async () => {
  server = await startServer({ name: "e2e-e2ee" });
  browser = await launchChromium();
});

afterAll(async () => {
  for (const p of everyone) await p.close();
  await browser?.close();
  if (server) await server.stop();
});

describe.sequential("end-to-end encryption (Chromium)", () => {
  it("the first, with a passphrase in the link, turns it on; the same link brings Ben in: media both ways, all of it through the worker, one safety code", async () => {
    evidence("e2ee-on");
    ana = await person("Ana", PASSPHRASE);
    await waitForE2ee(ana.page, "on");
    ben = await person("Ben", PASSPHRASE);
    await waitForE2ee(ben.page, "on");
    await waitForMediaFrom(ana.page, [id("Ben")], 30_000);
    await waitForMediaFrom(ben.page, [id("Ana")], 30_000);
    const toBen = await growth(ben, "Ana");
    const toAna = await growth(ana, "Ben");
    for (const [what, g] of [
      ["Ben from Ana", toBen],
      ["Ana from Ben", toAna],
    ] as const) {
      expect(g.frames, what).toBeGreaterThan(20);
      expect(g.energy, what).toBeGreaterThan(0);
    }
    const [sa, sb] = [await e2eeStats(ana.page), await e2eeStats(ben.page)];
    console.log(`[e2ee] Ana ${JSON.stringify(sa)}\n[e2ee] Ben ${JSON.stringify(sb)}`);
    expect(sa?.encrypted).toBeGreaterThan(100);
    expect(sb?.decrypted).toBeGreaterThan(100);
    expect(sb?.keyTags).toContain(sa?.sendingTag);
    // One connection each way per page, encrypted from its first frame: Ana turned it on before publishing,
    // without coming back on new connections (which would mean she had first sent in clear).
    for (const p of [ana, ben])
      expect(await p.page.evaluate("(window.__pcs || []).length"), `${p.label}'s peer connections`).toBe(2);
    const codes = [await safetyCode(ana.page), await safetyCode(ben.page)];
    expect(codes[0]).toMatch(/^\d{4} \d{4} \d{4} \d{4}$/);
    expect(codes[1]).toBe(codes[0]);
  });

  it("simulcast still switches layers on what it cannot read: Ben asks for low, then high quality, and decodes Ana at each size", async () => {
    evidence("e2ee-layers");
    const width = async () => (await tileOf(ben, "Ana")).video?.frameWidth ?? 0;
    const top = await width();
    await openMoreMenu(ben.page);
    await ben.page.locator(mv.quality("low")).click();
    await closeMoreMenu(ben.page);
    const low = await waitFor(
      async () => ((await width()) > 0 && (await width()) < top ? width() : undefined),
      {
        timeoutMs: 20_000,
        what: "Ana's video at a lower layer at Ben",
      },
    );
    expect((await growth(ben, "Ana")).frames, "frames at the low layer").toBeGreaterThan(10);
    await openMoreMenu(ben.page);
    await ben.page.locator(mv.quality("high")).click();
    await closeMoreMenu(ben.page);
    const high = await waitFor(async () => ((await width()) > low ? width() : undefined), {
      timeoutMs: 20_000,
      what: "Ana's video back at a higher layer at Ben",
    });
    console.log(`[e2ee] Ana's video at Ben: ${top} px wide, ${low} at low quality, ${high} at high again`);
    expect((await growth(ben, "Ana")).frames, "frames at the high layer").toBeGreaterThan(10);
  });

  it("a page with another passphrase gets the packets and decodes none of them; the others are told", async () => {
    evidence("e2ee-wrong-key");
    wes = await person("Wes", "a-different-passphrase");
    await waitFor(async () => ((await tileOf(wes, "Ana")).video?.packetsReceived ?? 0) > 100, {
      timeoutMs: 30_000,
      what: "Ana's video packets at Wes",
    });
    const fromAna = await growth(wes, "Ana", 3000);
    const fromBen = await growth(wes, "Ben", 3000);
    expect(fromAna.packets, "packets from Ana at Wes").toBeGreaterThan(30);
    expect((await tileOf(wes, "Ana")).video?.framesDecoded ?? 0, "frames of Ana decoded at Wes").toBe(0);
    expect((await tileOf(wes, "Ben")).video?.framesDecoded ?? 0, "frames of Ben decoded at Wes").toBe(0);
    expect(fromAna.energy + fromBen.energy, "sound at Wes").toBeLessThan(1e-6);
    const sw = await e2eeStats(wes.page);
    expect(sw?.decrypted).toBe(0);
    expect(sw?.undecryptable).toBeGreaterThan(100);
    for (const p of [ana, ben]) await p.page.locator("[data-testid=e2ee-badge]").click();
    for (const p of [ana, ben]) {
      await p.page.locator("[data-testid=e2ee-mismatch]").waitFor({ state: "visible", timeout: 10_000 });
      await p.page.locator("[data-testid=e2ee-dialog] [data-testid=dialog-close]").click();
    }
    // Nothing changed for the two who share the key: Ben keeps decoding Ana. At 5 pictures a second or more:
    // with three pages and their workers on 2 cores, CI saw 17 in 2 s (the stream whole, the machine busy).
    expect((await growth(ben, "Ana", 3000)).frames).toBeGreaterThan(15);
  });

  it("a shared screen is encrypted too: Ben decodes it, Wes gets its packets and decodes none", async () => {
    evidence("e2ee-screen");
    const sent = (await e2eeStats(ana.page))?.encrypted ?? 0;
    await ana.page.locator(mv.toggleScreen).click();
    await waitPressed(ana.page, mv.toggleScreen, true, 15_000);
    const g = await waitForDecodingTile(ben.page, id("Ana"), "screen", { timeoutMs: 30_000, minFrames: 3 });
    console.log(`[e2ee] Ben decodes Ana's screen: frames ${g.before} → ${g.after}, width ${g.width}`);
    await wes.page.locator(sourceTile(id("Ana"), "screen")).waitFor({ state: "attached", timeout: 20_000 });
    await sleep(3000);
    const atWes = (await readMediaTiles(wes.page)).find(
      (t) => t.participantId === id("Ana") && t.source === "screen",
    );
    expect(atWes?.framesDecoded ?? 0, "Ana's screen decoded at Wes").toBe(0);
    expect((await e2eeStats(ana.page))?.encrypted ?? 0).toBeGreaterThan(sent);
    await ana.page.locator(mv.toggleScreen).click();
    await waitPressed(ana.page, mv.toggleScreen, false, 15_000);
  });

  it("after a removal every key changes, without a gap for those who stay, and the removed page holds none of the new ones", async () => {
    evidence("e2ee-removal");
    const rita = await person("Rita", PASSPHRASE);
    await waitForMediaFrom(rita.page, [id("Ana"), id("Ben")], 30_000);
    const before = { ana: await e2eeStats(ana.page), ben: await e2eeStats(ben.page) };
    const ritaBefore = await e2eeStats(rita.page);
    expect(ritaBefore?.keyTags).toContain(before.ana?.sendingTag);
    const heard = await tileOf(ben, "Ana");
    const audioBefore = await receivedFrom(ben.page, id("Ana"));
    await participantAction(ana.page, id("Rita"), "remove");
    await ana.page.locator("[data-testid=remove-confirm]").click();
    await rita.page.locator("[data-testid=removed-screen]").waitFor({ state: "visible", timeout: 10_000 });
    // The new keys are given at once and used two seconds later.
    await waitFor(
      async () => {
        const a = await e2eeStats(ana.page);
        const b = await e2eeStats(ben.page);
        return a?.sendingTag !== before.ana?.sendingTag && b?.sendingTag !== before.ben?.sendingTag
          ? [a, b]
          : undefined;
      },
      { timeoutMs: 10_000, what: "Ana and Ben encrypting with new keys" },
    );
    await sleep(2000);
    const after = { ana: await e2eeStats(ana.page), ben: await e2eeStats(ben.page) };
    const ritaAfter = await e2eeStats(rita.page);
    const wesAfter = await e2eeStats(wes.page);
    console.log(
      `[e2ee] removal: Ana ${before.ana?.sendingTag} → ${after.ana?.sendingTag}, Ben ${before.ben?.sendingTag} → ${after.ben?.sendingTag}; Rita holds ${JSON.stringify(ritaAfter?.keyTags)}; on the wire at Wes ${JSON.stringify(wesAfter?.seenTags)}`,
    );
    for (const tag of [after.ana?.sendingTag, after.ben?.sendingTag]) {
      expect(ritaAfter?.keyTags, "keys Rita holds").not.toContain(tag);
      // What arrives on the wire does carry the new tags.
      expect(wesAfter?.seenTags).toContain(tag);
    }
    // Ben saw and heard Ana throughout: frames kept decoding, and the sound was not concealed.
    const now = await tileOf(ben, "Ana");
    expect((now.video?.framesDecoded ?? 0) - (heard.video?.framesDecoded ?? 0)).toBeGreaterThan(50);
    expect((await growth(ben, "Ana")).energy).toBeGreaterThan(0);
    // No gap: Ben dropped none of Ana's frames for want of her new key (he had it before she used it). (He
    // does drop all of Wes's: another key.) The sound's concealment over the window is logged, not judged: on
    // a loaded machine the network's own losses weigh in it.
    const newAna = String(after.ana?.sendingTag);
    console.log(
      `[e2ee] Ben's frames dropped for a key not yet there, by tag: ${JSON.stringify(after.ben?.keyMissing)}`,
    );
    expect(after.ben?.keyMissing[newAna] ?? 0, "Ana's frames Ben dropped for want of her new key").toBe(0);
    expect(ritaAfter?.keyTags).not.toContain(after.ana?.sendingTag);
    const hidden = concealment(audioBefore, await receivedFrom(ben.page, id("Ana")));
    console.log(
      `[e2ee] Ana's sound at Ben concealed over the removal and the key changes: ${(hidden * 100).toFixed(2)} %`,
    );
  });
});

describe.sequential("end-to-end encryption turned on during a call (Chromium)", () => {
  const room2 = `e2e-e2ee-during-${Date.now().toString(36)}`;
  let cleo: Participant;
  let dan: Participant;
  let cleoId: string;
  let danId: string;

  it("everyone comes back on encrypted connections; who has no passphrase sees nothing until it is typed", async () => {
    evidence("e2ee-during");
    cleo = await newParticipant(browser, "Cleo");
    dan = await newParticipant(browser, "Dan");
    for (const p of [cleo, dan]) {
      await p.context.addInitScript(E2EE_WORKER_TAP);
      everyone.push(p);
    }
    cleoId = await joinViaUi(cleo.page, server.origin, room2, "Cleo");
    danId = await joinViaUi(dan.page, server.origin, room2, "Dan");
    await waitForMediaFrom(dan.page, [cleoId], 30_000);
    expect(await e2eeStats(dan.page), "no worker before E2EE").toBeNull();

    await openParticipants(cleo.page);
    await cleo.page.locator("[data-testid=e2ee-turn-on]").click();
    await waitForE2ee(cleo.page, "on");
    const link = await cleo.page.locator("[data-testid=e2ee-settings-link]").inputValue();
    expect(link).toMatch(/#e2ee=[A-Za-z0-9_-]{20,}$/);
    // Dan is asked; meanwhile nothing of Cleo decodes at his page, and nothing of his at hers.
    await waitForE2ee(dan.page, "needs-passphrase");
    await dan.page.locator("[data-testid=e2ee-passphrase]").waitFor({ state: "visible", timeout: 5000 });
    await sleep(3000);
    const stuck = await e2eeStats(dan.page);
    expect(stuck?.decrypted ?? 0).toBe(0);
    expect(stuck?.encrypted ?? 0).toBe(0);
    const frames = async (p: Participant, from: string) =>
      (await readTiles(p.page)).find((t) => t.participantId === from)?.video?.framesDecoded ?? 0;
    const danSaw = await frames(dan, cleoId);
    await sleep(2000);
    expect(await frames(dan, cleoId), "Cleo's frames at Dan without the passphrase").toBe(danSaw);

    await dan.page
      .locator("[data-testid=e2ee-passphrase]")
      .fill(decodeURIComponent(link.split("#e2ee=")[1] ?? ""));
    await dan.page.locator("[data-testid=e2ee-passphrase-use]").click();
    await waitForE2ee(dan.page, "on");
    await waitFor(async () => (await frames(dan, cleoId)) > danSaw + 20, {
      timeoutMs: 30_000,
      what: "Cleo's video decoding at Dan with the passphrase",
    });
    await waitFor(async () => (await frames(cleo, danId)) > 20, {
      timeoutMs: 30_000,
      what: "Dan's video decoding at Cleo",
    });
    const [sc, sd] = [await e2eeStats(cleo.page), await e2eeStats(dan.page)];
    expect(sc?.decrypted).toBeGreaterThan(20);
    expect(sd?.decrypted).toBeGreaterThan(20);
    expect(await safetyCode(dan.page)).toBe(await safetyCode(cleo.page));
  });

  it("a browser that cannot encrypt is refused with the reason, and never offers its media", async () => {
    evidence("e2ee-unsupported");
    const old = await newParticipant(browser, "Olga");
    everyone.push(old);
    await old.context.addInitScript("delete window.RTCRtpScriptTransform;");
    await openWithKey(old.page, server.origin, room2, "whatever");
    await fillName(old.page, "Olga");
    await old.page.locator(sel.join).click();
    const screen = old.page.locator("[data-testid=error-screen]");
    await screen.waitFor({ state: "visible", timeout: 20_000 });
    expect(await screen.textContent()).toContain("cannot encrypt its media");
    const offers = await old.page.evaluate(
      "(window.__pcs || []).filter((pc) => pc.localDescription && pc.localDescription.type === 'offer').length",
    );
    expect(offers, "publish offers made by the refused page").toBe(0);
  });
});

describeServerLog(() => server);
