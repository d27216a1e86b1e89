/**
 * Issue 21 across browsers: end-to-end encryption between Chromium and Firefox, both directions, in French.
 * Ana (Chromium) opens the meeting with a passphrase in her link and turns E2EE on; Fabien (Firefox) comes
 * with the same link. Asserted: each decodes the other's video and receives the other's sound, every frame
 * through the worker of each browser (Firefox encrypts what Chromium decrypts, and the other way), one safety
 * code on both screens. Wanda (Firefox) comes with another passphrase: the packets reach her and nothing
 * decodes. The workers are reached through the test's own tap (e2ee.ts), nothing of the product's.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Participant } from "../e2e/helpers/browser.js";
import {
  E2EE_WORKER_TAP,
  e2eeStats,
  linkWithKey,
  openWithKey,
  safetyCode,
  waitForE2ee,
} from "../e2e/helpers/e2ee.js";
import { flowing, type Growth, readTiles, sampleGrowth, sampleUntilSteady } from "../e2e/helpers/rtc.js";
import { joinFromPrejoin, waitForMediaFrom } from "../e2e/helpers/ui.js";
import { describeServerLog } from "../helpers/log-health.js";
import { waitFor } from "../helpers/wait.js";
import { Cast } from "./helpers/cast.js";
import { enterFromPrejoin, type FirefoxParticipant, inPage, seesInFirefox } from "./helpers/firefox.js";

let cast: Cast;
let ana: Participant;
let anaId: string;
let fabien: FirefoxParticipant;
let fabienId: string;
const room = `firefox-e2ee-${Date.now().toString(36)}`;
const PASSPHRASE = "Zq9-cheval-batterie-agrafe";

async function firefoxWithKey(label: string, passphrase: string): Promise<[FirefoxParticipant, string]> {
  const p = await cast.firefox(label, { ownWindow: true });
  await p.page.evaluateOnNewDocument(E2EE_WORKER_TAP);
  await p.page.goto(linkWithKey(cast.server.origin, room, passphrase), { waitUntil: "load" });
  return [p, await enterFromPrejoin(p.page, label)];
}

beforeAll(async () => {
  cast = await Cast.start("firefox-e2ee", { language: "fr-FR, fr" });
});

afterAll(async () => {
  await cast?.close();
});

describe.sequential("end-to-end encryption, Chromium and Firefox", () => {
  it("Chromium turns it on, Firefox comes with the link: video and sound both ways, each frame through each browser's worker, one safety code", async () => {
    cast.evidenceOnFailure("e2ee");
    ana = await cast.chromium("ana", { locale: "fr-FR" });
    await ana.context.addInitScript(E2EE_WORKER_TAP);
    await openWithKey(ana.page, cast.server.origin, room, PASSPHRASE);
    anaId = await joinFromPrejoin(ana.page, "Ana");
    await waitForE2ee(ana.page, "on");
    [fabien, fabienId] = await firefoxWithKey("Fabien", PASSPHRASE);
    await seesInFirefox(
      fabien.page,
      "[data-testid=e2ee-badge][data-status=on]",
      "the E2EE badge on in Firefox",
      {
        timeoutMs: 20_000,
      },
    );
    expect(
      await inPage<string>(fabien.page, `document.querySelector("[data-testid=e2ee-badge]").textContent`),
    ).toBe("Chiffré de bout en bout");
    await waitForMediaFrom(ana.page, [fabienId], 40_000);
    await waitForMediaFrom(fabien.page, [anaId], 40_000);
    // Steady flow both ways, not the first seconds after the media started (sampleUntilSteady).
    const [inAna, inFabien] = (await sampleUntilSteady(
      [ana.page, fabien.page],
      ([x, y]) => flowing(x?.get(fabienId)) && flowing(y?.get(anaId)),
    )) as [Map<string, Growth>, Map<string, Growth>];
    const fromFabien = inAna.get(fabienId);
    const fromAna = inFabien.get(anaId);
    console.log(
      `[firefox e2ee] in 3 s: Ana decoded ${fromFabien?.videoFramesDelta} frames and ${fromFabien?.audioPacketsDelta} audio packets of Fabien; Fabien ${fromAna?.videoFramesDelta} and ${fromAna?.audioPacketsDelta} of Ana`,
    );
    expect(fromFabien?.videoFramesDelta, "Chromium decodes Firefox's video").toBeGreaterThan(15);
    expect(fromFabien?.audioPacketsDelta, "Chromium receives Firefox's sound").toBeGreaterThan(30);
    expect(fromAna?.videoFramesDelta, "Firefox decodes Chromium's video").toBeGreaterThan(15);
    expect(fromAna?.audioPacketsDelta, "Firefox receives Chromium's sound").toBeGreaterThan(30);
    // Chromium hears Firefox's sound, decrypted: energy, not the silence of dropped frames.
    const energy = (await readTiles(ana.page)).find((t) => t.participantId === fabienId)?.audio
      ?.totalAudioEnergy;
    expect(energy ?? 0, "sound energy from Firefox at Chromium").toBeGreaterThan(0);
    const [sa, sf] = [await e2eeStats(ana.page), await e2eeStats(fabien.page)];
    console.log(
      `[firefox e2ee] Chromium ${JSON.stringify(sa)}\n[firefox e2ee] Firefox ${JSON.stringify(sf)}`,
    );
    for (const [who, s] of [
      ["Chromium", sa],
      ["Firefox", sf],
    ] as const) {
      expect(s?.encrypted, `${who} encrypted`).toBeGreaterThan(100);
      expect(s?.decrypted, `${who} decrypted`).toBeGreaterThan(100);
    }
    expect(sa?.keyTags).toContain(sf?.sendingTag);
    expect(sf?.keyTags).toContain(sa?.sendingTag);
    const chromiumCode = await safetyCode(ana.page);
    await fabien.page.click("[data-testid=e2ee-badge]");
    await seesInFirefox(fabien.page, "[data-testid=e2ee-safety-code]", "the safety code in Firefox");
    const firefoxCode = await waitFor(
      async () => {
        const text = await inPage<string>(
          fabien.page,
          `document.querySelector("[data-testid=e2ee-safety-code]").textContent.trim()`,
        );
        return /^\d{4} \d{4} \d{4} \d{4}$/.test(text) ? text : undefined;
      },
      { what: "a safety code in Firefox" },
    );
    expect(firefoxCode).toBe(chromiumCode);
    await fabien.page.click("[data-testid=e2ee-dialog] [data-testid=dialog-close]");
  });

  it("a Firefox page with another passphrase gets the packets and decodes none of them", async () => {
    cast.evidenceOnFailure("e2ee-wrong-key");
    const [wanda] = await firefoxWithKey("Wanda", "une-autre-phrase");
    const packetsFrom = async (id: string) =>
      (await readTiles(wanda.page)).find((t) => t.participantId === id)?.video ?? null;
    await waitFor(async () => ((await packetsFrom(anaId))?.packetsReceived ?? 0) > 100, {
      timeoutMs: 40_000,
      what: "Ana's video packets at Wanda",
    });
    const growth = await sampleGrowth(wanda.page, 3000);
    for (const id of [anaId, fabienId]) {
      const v = await packetsFrom(id);
      expect(v?.packetsReceived ?? 0, `packets from ${id} at Wanda`).toBeGreaterThan(30);
      expect(v?.framesDecoded ?? 0, `frames from ${id} decoded at Wanda`).toBe(0);
      expect(growth.get(id)?.videoFramesDelta ?? 0).toBe(0);
    }
    const sw = await e2eeStats(wanda.page);
    expect(sw?.decrypted).toBe(0);
    expect(sw?.undecryptable).toBeGreaterThan(100);
  });
});

describeServerLog(() => cast.server);
