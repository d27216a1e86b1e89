/**
 * A newcomer to a big room: twenty-three bots are in (three silent ones with a muted microphone, seventeen
 * with their microphone on, then three with a camera and a muted microphone, joining last), and a Chromium
 * page joins through the UI. Its first subscription holds at most 16 feeds, the cameras first whatever their
 * join order; once that connection is up, a second offer brings everyone else. The page decodes the three
 * cameras and ends up with an m-line for every microphone that is on, and none for the muted ones.
 * Its window holds 20 tiles a page (800×500), so the tile view pages: the cameras, last to come, are on the
 * first page all the same (cameras that are on come first when there are pages; off-page tiles get no video).
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BotRole, Swarm } from "../../bots/swarm.js";
import { describeServerLog } from "../helpers/log-health.js";
import { uniqueRoom } from "../helpers/room-clients.js";
import { type ServerHandle, startServer } from "../helpers/server.js";
import { waitFor } from "../helpers/wait.js";
import { launchChromium, newParticipant, type Participant } from "./helpers/browser.js";
import { joinViaUi, waitForMediaFrom } from "./helpers/ui.js";
import { type FrameLog, recordFrames } from "./helpers/ws-frames.js";

const FIRST_FEEDS = 16;
const SILENT = 3;
const TALKING = 17;
const CAMERAS = 3;

let server: ServerHandle;
let browser: Browser;
let swarm: Swarm;
let page: Participant;
let frames: FrameLog;
/** Every frame's direction and type, sent and received interleaved, in the order they happened. */
const order: string[] = [];
const room = uniqueRoom("big");

beforeAll(async () => {
  // Every bot connects from 127.0.0.1: one address, more sockets than the default per-address cap.
  server = await startServer({ name: "big-room", env: { MAX_CONNECTIONS_PER_ADDRESS: "1000" } });
  const roles: BotRole[] = [
    ...Array.from({ length: SILENT }, (_, i) => ({
      name: `silent-${i + 1}`,
      audio: "muted" as const,
      video: false,
      subscribe: false,
    })),
    ...Array.from({ length: TALKING }, (_, i) => ({
      name: `mic-${i + 1}`,
      audio: "on" as const,
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
  await page.page.setViewportSize({ width: 800, height: 500 });
  frames = recordFrames(page.page);
  // FrameLog keeps sent and received apart; an ordering between them needs the one interleaved list.
  page.page.on("websocket", (ws) => {
    const typeOf = (payload: string | Buffer) => {
      try {
        return String(JSON.parse(typeof payload === "string" ? payload : payload.toString("utf8")).type);
      } catch {
        return "?";
      }
    };
    ws.on("framereceived", ({ payload }) => order.push(`in ${typeOf(payload)}`));
    ws.on("framesent", ({ payload }) => order.push(`out ${typeOf(payload)}`));
  });
}, 120_000);

afterAll(async () => {
  await page?.close();
  await browser?.close();
  await swarm?.leave().catch(() => swarm.close());
  await server?.stop();
});

describe("a newcomer to a room of twenty-three", () => {
  it("is first offered 16 feeds, the cameras among them, then everyone once connected", async () => {
    const reports = (await swarm.sample()).reports;
    const cameras = reports.filter((r) => r.name.startsWith("cam-")).map((r) => r.id ?? "");
    const silent = reports.filter((r) => r.name.startsWith("silent-")).map((r) => r.id ?? "");
    // Everyone with something to receive: a camera, or a microphone that is on.
    const everyone = reports.filter((r) => !r.name.startsWith("silent-")).map((r) => r.id ?? "");
    expect(everyone).toHaveLength(TALKING + CAMERAS);
    expect([...cameras, ...silent].every((id) => id !== "")).toBe(true);

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
    // Three silent bots publish a microphone that was never on: no offer ever carries it.
    for (const offer of offers)
      for (const stream of offer.streams ?? [])
        expect(silent, "a never-unmuted microphone in an offer").not.toContain(stream.participantId);
    const first = offers[0];
    const firstFeeds = new Set((first?.streams ?? []).map((s: { participantId: string }) => s.participantId));
    expect(firstFeeds.size, "feeds in the first offer").toBe(FIRST_FEEDS);
    for (const id of cameras) expect(firstFeeds.has(id), `camera ${id} in the first offer`).toBe(true);
    // The rest came after the page answered the first offer: in the interleaved frames, the first
    // subscribe.answer the page sent lies between the first and the second subscribe.offer it received.
    expect(offers.length).toBeGreaterThanOrEqual(2);
    const offerAt = order.flatMap((t, i) => (t === "in subscribe.offer" ? [i] : []));
    const firstAnswer = order.indexOf("out subscribe.answer");
    expect(firstAnswer, "the page answered an offer").toBeGreaterThanOrEqual(0);
    expect(firstAnswer, "the first answer came after the first offer").toBeGreaterThan(
      offerAt[0] ?? Infinity,
    );
    expect(offerAt[1], "the second offer came after the first answer").toBeGreaterThan(firstAnswer);

    // Every camera decodes on the page; every microphone that is on has its m-line (the cameras' muted ones
    // do not).
    await waitForMediaFrom(page.page, cameras, 45_000, []);
    expect(await page.page.locator("[data-testid=page-next]").count(), "the tile view has pages").toBe(1);
    const shown = await page.page
      .locator("[data-testid=tile][data-source=camera]")
      .evaluateAll((els) => els.map((e) => e.getAttribute("data-participant-id")));
    expect(shown.length, "tiles on the first page").toBeLessThan(TALKING + CAMERAS + SILENT + 1);
    for (const id of cameras) expect(shown, `camera ${id} on the first page`).toContain(id);
    const audioMids = await page.page.evaluate(`(window.__pcs || [])
      .filter((pc) => pc.connectionState !== "closed")
      .flatMap((pc) => pc.getTransceivers())
      .filter((t) => t.receiver.track.kind === "audio" && t.currentDirection === "recvonly").length`);
    expect(audioMids).toBe(TALKING);
  }, 120_000);
});

// Last: judges every line the server printed during the file's tests.
describeServerLog(() => server);
