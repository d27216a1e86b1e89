/**
 * Speaker stats through the real UI (PROTOCOL.md "Speaker statistics", README "Moderators' tools"): Mona, the
 * moderator, has Chromium's default fake microphone (a beep Janus never judges talking); Alice's browser plays
 * synthesised speech (helpers/speech.ts). Mona opens ⋯ → Speaker stats: Alice's time grows while she talks,
 * first in the list; Mona's stays 0:00. Alice, a participant, has no such item. Closing the dialog stops the
 * asking.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { type ServerHandle, startServer, tail } from "../helpers/server.js";
import { waitFor } from "../helpers/wait.js";
import { launchChromium, newParticipant, type Participant, saveEvidence } from "./helpers/browser.js";
import { sourceTile } from "./helpers/media-views.js";
import { launchTalkingChromium } from "./helpers/speech.js";
import { joinViaUi, waitForRemoteSet } from "./helpers/ui.js";
import { type FrameLog, recordFrames } from "./helpers/ws-frames.js";

let server: ServerHandle;
let quiet: Browser;
let talking: Browser;
const people: Participant[] = [];
let mona: { p: Participant; id: string; frames: FrameLog };
let alice: { p: Participant; id: string; frames: FrameLog };
const room = `speaker-stats-e2e-${Date.now().toString(36)}`;

async function enter(browser: Browser, label: string, name: string) {
  const p = await newParticipant(browser, label);
  people.push(p);
  const frames = recordFrames(p.page);
  const id = await joinViaUi(p.page, server.origin, room, name);
  return { p, id, frames };
}

/** Each row of the open dialog: who, and the time it says (ms, and as shown). */
async function rows(): Promise<{ id: string | null; ms: number; text: string }[]> {
  return mona.p.page.locator("[data-testid=speaker-stat]").evaluateAll((els) =>
    els.map((el) => ({
      id: el.getAttribute("data-participant-id"),
      ms: Number(el.getAttribute("data-ms")),
      text: el.textContent ?? "",
    })),
  );
}

beforeAll(async () => {
  server = await startServer({ name: "e2e-speaker-stats" });
  quiet = await launchChromium();
  talking = await launchTalkingChromium();
  mona = await enter(quiet, "mona", "Mona");
  alice = await enter(talking, "alice", "Alice");
  await waitForRemoteSet(mona.p.page, [alice.id]);
});

afterAll(async () => {
  for (const p of people) await p.close();
  await quiet?.close();
  await talking?.close();
  if (server) await server.stop();
});

describe("speaker stats", () => {
  it("the moderator sees who talked how long, live; a participant has no such item", async () => {
    onTestFailed(async () => {
      const dir = await saveEvidence("speaker-stats", people);
      console.error(`evidence in ${dir}\nserver log ${server.logFile} (tail):\n${tail(server.lines, 40)}`);
    });
    const page = mona.p.page;
    await page.locator(`${sourceTile(alice.id, "camera")}[data-speaking=true]`).waitFor({ timeout: 30_000 });

    await page.locator("[data-testid=more-menu]").click();
    await page.locator("[data-testid=open-speaker-stats]").click();
    await page.locator("[data-testid=speaker-stats-dialog]").waitFor({ state: "visible", timeout: 10_000 });
    await waitFor(async () => ((await rows()).find((r) => r.id === alice.id)?.ms ?? 0) > 2000, {
      timeoutMs: 20_000,
      what: "Alice's talking time past 2 s in Mona's dialog",
    });
    const first = await rows();
    expect(first.map((r) => r.id)).toEqual([alice.id, mona.id]);
    expect(first[0]?.text).toContain("Alice");
    expect(first[1]).toMatchObject({ ms: 0 });
    expect(first[1]?.text).toContain("0:00");
    // Live: the dialog asks again every 2 s, and Alice goes on talking.
    await waitFor(async () => ((await rows())[0]?.ms ?? 0) > (first[0]?.ms ?? 0), {
      timeoutMs: 10_000,
      what: "Alice's time growing",
    });

    // Closed, it asks no more.
    await page.keyboard.press("Escape");
    await page.locator("[data-testid=speaker-stats-dialog]").waitFor({ state: "detached", timeout: 5000 });
    const asked = mona.frames.sent.filter((f) => f.type === "speakers.stats").length;
    expect(asked).toBeGreaterThanOrEqual(2);
    await page.waitForTimeout(4500);
    expect(mona.frames.sent.filter((f) => f.type === "speakers.stats")).toHaveLength(asked);

    // Alice is not a moderator: no item, and she never asked.
    await alice.p.page.locator("[data-testid=more-menu]").click();
    await alice.p.page.locator("[data-testid=more-menu-panel]").waitFor({ state: "visible", timeout: 5000 });
    expect(await alice.p.page.locator("[data-testid=open-speaker-stats]").count()).toBe(0);
    expect(alice.frames.sent.some((f) => f.type === "speakers.stats")).toBe(false);
  });
});
