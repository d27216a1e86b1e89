/**
 * A newcomer to a big room: twenty bots are in (seventeen with a muted microphone, then three with a camera,
 * joining last), and a Chromium page joins through the UI. Its first subscription holds at most 16 feeds,
 * the cameras first whatever their join order; once that connection is up, a second offer brings everyone
 * else. The page decodes the three cameras and ends up with every microphone's m-line.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BotRole, Swarm } from "../../bots/swarm.js";
import { uniqueRoom } from "../helpers/room-clients.js";
import { type ServerHandle, startServer } from "../helpers/server.js";
import { waitFor } from "../helpers/wait.js";
import { launchChromium, newParticipant, type Participant } from "./helpers/browser.js";
import { joinViaUi, waitForMediaFrom } from "./helpers/ui.js";
import { type FrameLog, recordFrames } from "./helpers/ws-frames.js";

const FIRST_FEEDS = 16;
const MUTED = 17;
const CAMERAS = 3;

let server: ServerHandle;
let browser: Browser;
let swarm: Swarm;
let page: Participant;
let frames: FrameLog;
const room = uniqueRoom("big");

beforeAll(async () => {
  server = await startServer({ name: "big-room" });
  const roles: BotRole[] = [
    ...Array.from({ length: MUTED }, (_, i) => ({
      name: `mic-${i + 1}`,
      audio: "muted" as const,
      video: false,
      subscribe: false,
    })),
    ...Array.from({ length: CAMERAS }, (_, i) => ({
      name: `cam-${i + 1}`,
      audio: "muted" as const,
      video: true,
      subscribe: false,
    })),
  ];
  swarm = Swarm.palabre(server.wsUrl, room, roles);
  // One at a time, so the cameras really are the last to come.
  await swarm.start({ concurrency: 1 });
  expect(swarm.startFailures).toEqual([]);
  browser = await launchChromium();
  page = await newParticipant(browser, "newcomer");
  frames = recordFrames(page.page);
}, 120_000);

afterAll(async () => {
  await page?.close();
  await browser?.close();
  await swarm?.leave().catch(() => swarm.close());
  await server?.stop();
});

describe("a newcomer to a room of twenty", () => {
  it("is first offered 16 feeds, the cameras among them, then everyone once connected", async () => {
    const reports = (await swarm.sample()).reports;
    const cameras = reports.filter((r) => r.name.startsWith("cam-")).map((r) => r.id ?? "");
    const everyone = reports.map((r) => r.id ?? "");
    expect(cameras.every((id) => id !== "")).toBe(true);

    await joinViaUi(page.page, server.origin, room, "Newcomer");
    const offers = await waitFor(
      () => {
        const o = frames.received.filter((f) => f.type === "subscribe.offer");
        const last = o.at(-1);
        const feeds = new Set((last?.streams ?? []).map((s: { participantId: string }) => s.participantId));
        return feeds.size === everyone.length ? o : undefined;
      },
      { timeoutMs: 30_000, what: "an offer with all twenty feeds" },
    );
    const first = offers[0];
    const firstFeeds = new Set((first?.streams ?? []).map((s: { participantId: string }) => s.participantId));
    expect(firstFeeds.size, "feeds in the first offer").toBe(FIRST_FEEDS);
    for (const id of cameras) expect(firstFeeds.has(id), `camera ${id} in the first offer`).toBe(true);
    // The rest came after the page answered the first offer.
    const firstAnswer = frames.sent.findIndex((f) => f.type === "subscribe.answer");
    expect(firstAnswer).toBeGreaterThanOrEqual(0);
    expect(offers.length).toBeGreaterThanOrEqual(2);

    // Every camera decodes on the page; every microphone has its m-line.
    await waitForMediaFrom(page.page, cameras, 45_000, []);
    const audioMids = await page.page.evaluate(`(window.__pcs || [])
      .filter((pc) => pc.connectionState !== "closed")
      .flatMap((pc) => pc.getTransceivers())
      .filter((t) => t.receiver.track.kind === "audio" && t.currentDirection === "recvonly").length`);
    expect(audioMids).toBe(everyone.length);
  }, 120_000);
});
