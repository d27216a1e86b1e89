/**
 * Three participants click Join at the same moment in a fresh room: the server must fold the publish /
 * subscribe changes that race each other (PROTOCOL.md: one subscribe.offer at a time, changes meanwhile folded
 * into the next) so that everyone ends up seeing and hearing everyone.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, it, onTestFailed } from "vitest";
import { describeServerLog } from "../helpers/log-health.js";
import { type ServerHandle, startServer, tail } from "../helpers/server.js";
import { launchChromium, newParticipant, type Participant, saveEvidence } from "./helpers/browser.js";
import { localParticipantId, sampleGrowth } from "./helpers/rtc.js";
import { fillName, openPrejoin, sel, waitForMediaFrom, waitForRemoteSet } from "./helpers/ui.js";

let server: ServerHandle;
let browser: Browser;
const people: Participant[] = [];

beforeAll(async () => {
  server = await startServer({ name: "e2e-concurrent" });
  browser = await launchChromium();
});

afterAll(async () => {
  for (const p of people) await p.close();
  await browser?.close();
  if (server) await server.stop();
});

it("three participants who click Join together all end up decoding each other", async () => {
  onTestFailed(async () => {
    const dir = await saveEvidence("concurrent-join", people);
    console.error(`evidence in ${dir}\nserver log ${server.logFile} (tail):\n${tail(server.lines, 60)}`);
  });
  const room = `together-${Date.now().toString(36)}`;
  for (const label of ["ann", "ben", "cat"]) people.push(await newParticipant(browser, label));
  // Everyone on the prejoin screen with a name typed; then all three clicks in the same instant.
  await Promise.all(people.map((p) => openPrejoin(p.page, server.origin, room)));
  await Promise.all(people.map((p) => fillName(p.page, p.label.toUpperCase())));
  await Promise.all(people.map((p) => p.page.locator(sel.join).click()));
  await Promise.all(
    people.map((p) => p.page.locator(sel.localTile).waitFor({ state: "attached", timeout: 20_000 })),
  );

  const ids = await Promise.all(people.map((p) => localParticipantId(p.page)));
  expect(new Set(ids).size, `distinct ids ${JSON.stringify(ids)}`).toBe(3);
  for (const [i, p] of people.entries()) {
    const others = ids.filter((_, j) => j !== i) as string[];
    await waitForRemoteSet(p.page, others);
    await waitForMediaFrom(p.page, others);
  }
  const growth = await Promise.all(people.map((p) => sampleGrowth(p.page, 2000)));
  for (const [i, p] of people.entries()) {
    for (const [j, other] of ids.entries()) {
      if (i === j || other === null) continue;
      const d = growth[i]?.get(other);
      expect(d?.videoFramesDelta, `${p.label} decodes participant ${j}'s video`).toBeGreaterThan(10);
      expect(d?.audioPacketsDelta, `${p.label} receives participant ${j}'s audio`).toBeGreaterThan(20);
    }
  }
});

// Last: judges every line the server printed during the file's tests.
describeServerLog(() => server);
