/**
 * Many machines, measured (README "Many machines"): real nodes, each with its Janus, sharing a real Redis.
 *
 *   npm run bench:multinode
 *   BENCH_MEETINGS=20 BENCH_BOTS=5 BENCH_SAMPLES=20 BENCH_TAKEOVERS=10 NODE_TTL_SECONDS=2 npm run bench:multinode
 *
 * 1. Placement: BENCH_MEETINGS meetings of BENCH_BOTS bots (a muted microphone each), the bots' sockets
 *    alternating between the two nodes: how many meetings and participants each node holds (from Redis).
 * 2. The relay's cost: one bot publishes video in a meeting; BENCH_SAMPLES times, a subscribing bot joins
 *    through the node holding the meeting, then through the other (its frames relayed by Redis): ms from its
 *    connect to the first video frame received (p50, p95 of each).
 * 3. Takeover: BENCH_TAKEOVERS times, two Chromium pages in a call (sockets on both nodes, behind a TCP load
 *    balancer) and the node holding the meeting killed with SIGKILL: ms from the kill until both pages decode
 *    each other's video and hear each other's audio again, on new connections (p50, max). The killed node is
 *    started again (a new node) for the next run.
 *
 * Prints every figure; exits non-zero if a sample failed.
 */
import type { Browser } from "playwright-core";
import { Bot } from "../bots/bot.js";
import { launchChromium, newParticipant } from "../test/e2e/helpers/browser.js";
import { markConnectionsOld, waitForNewMedia } from "../test/e2e/helpers/recovery.js";
import { joinViaUi, waitForMediaFrom } from "../test/e2e/helpers/ui.js";
import { startBalancer } from "../test/helpers/balancer.js";
import { ensureClientBuild } from "../test/helpers/client-build.js";
import { type ClusterHandle, startCluster } from "../test/helpers/cluster.js";
import { ensureVeth } from "../test/helpers/veth.js";
import { waitFor } from "../test/helpers/wait.js";
import { quantile } from "./lib.js";

const MEETINGS = Number(process.env.BENCH_MEETINGS ?? 20);
const BOTS = Number(process.env.BENCH_BOTS ?? 5);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 20);
const TAKEOVERS = Number(process.env.BENCH_TAKEOVERS ?? 10);
const TTL_SECONDS = Number(process.env.NODE_TTL_SECONDS ?? 2);

let failures = 0;

async function placement(cluster: ClusterHandle): Promise<void> {
  const bots: Bot[] = [];
  const rooms = Array.from({ length: MEETINGS }, (_, m) => `bench-place-${Date.now().toString(36)}-${m}`);
  // Meetings start five at a time, as a busy hour's would: each with its bots one after the other.
  for (let first = 0; first < rooms.length; first += 5) {
    await Promise.all(
      rooms.slice(first, first + 5).map(async (room, k) => {
        for (let b = 0; b < BOTS; b++) {
          const node = cluster.nodes[(first + k + b) % cluster.nodes.length];
          const bot = new Bot({
            url: node?.wsUrl as string,
            room,
            name: `bot ${b}`,
            audio: "muted",
            video: false,
            subscribe: false,
          });
          bots.push(bot);
          await bot.start();
        }
      }),
    );
  }
  // Announcements are written every third of a time to live.
  await new Promise((resolve) => setTimeout(resolve, (TTL_SECONDS * 1000) / 2));
  const holders = await Promise.all(rooms.map((r) => cluster.holderOf(r)));
  for (const [i, node] of cluster.nodes.entries()) {
    const held = holders.filter((h) => h === node).length;
    const announced = JSON.parse((await cluster.redis.client.get(`palabre:node:${cluster.ids[i]}`)) ?? "{}");
    console.log(
      `placement: node ${i} holds ${held} of ${rooms.length} meetings, ${announced.participants} participants, ` +
        `Janus ${announced.janusCpu ?? "?"} % of a core`,
    );
  }
  if (holders.some((h) => h === undefined)) {
    failures++;
    console.log("placement: a meeting has no holder");
  }
  await Promise.all(bots.map((b) => b.leave()));
}

/** ms from a subscriber's connect to the first video frame of `publisherId`. */
async function firstFrame(url: string, room: string, publisherId: string): Promise<number> {
  const bot = new Bot({ url, room, name: "viewer", audio: "off", video: false, subscribe: true });
  const t0 = performance.now();
  try {
    await bot.start();
    await waitFor(async () => ((await bot.report()).inByParticipant.get(publisherId)?.frames ?? 0) > 0, {
      timeoutMs: 15_000,
      intervalMs: 5,
      what: "a first video frame",
    });
    return performance.now() - t0;
  } finally {
    await bot.leave();
  }
}

async function relayCost(cluster: ClusterHandle): Promise<void> {
  const room = `bench-relay-${Date.now().toString(36)}`;
  const publisher = new Bot({
    url: cluster.nodes[0]?.wsUrl as string,
    room,
    name: "publisher",
    audio: "off",
    video: true,
    subscribe: false,
  });
  await publisher.start();
  const holder = await waitFor(() => cluster.holderOf(room), { what: "the holder" });
  const other = cluster.nodes.find((n) => n !== holder);
  if (!other || !publisher.id) throw new Error("no second node");
  const direct: number[] = [];
  const relayed: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    direct.push(await firstFrame(holder.wsUrl, room, publisher.id));
    relayed.push(await firstFrame(other.wsUrl, room, publisher.id));
  }
  const line = (label: string, v: number[]) =>
    `${label}: p50 ${quantile(v, 0.5).toFixed(0)} ms, p95 ${quantile(v, 0.95).toFixed(0)} ms ` +
    `(${v.map((x) => x.toFixed(0)).join(" ")})`;
  console.log(line("join → first frame, socket on the holding node", direct));
  console.log(line("join → first frame, socket on the other node  ", relayed));
  await publisher.leave();
}

async function takeover(cluster: ClusterHandle, browser: Browser): Promise<void> {
  const balancer = await startBalancer(cluster.nodes.map((n) => n.port));
  const times: number[] = [];
  try {
    for (let run = 0; run < TAKEOVERS; run++) {
      const room = `bench-takeover-${Date.now().toString(36)}-${run}`;
      const pages = [await newParticipant(browser, `a${run}`), await newParticipant(browser, `b${run}`)];
      try {
        const ids: string[] = [];
        for (const [i, p] of pages.entries()) {
          balancer.steerNextSockets(i);
          ids.push(await joinViaUi(p.page, balancer.origin, room, `Person ${i}`));
        }
        for (const [i, p] of pages.entries()) await waitForMediaFrom(p.page, [ids[1 - i] as string], 30_000);
        for (const p of pages) await markConnectionsOld(p.page);
        const holder = await waitFor(() => cluster.holderOf(room), { what: "the holder" });
        const index = cluster.nodes.indexOf(holder);
        const killedAt = Date.now();
        process.kill(holder.pid, "SIGKILL");
        const back = await Promise.all(
          pages.map((p, i) => waitForNewMedia(p.page, [ids[1 - i] as string], killedAt, 30_000)),
        );
        const ms = Math.max(...back.map((b) => b.ms));
        times.push(ms);
        console.log(`takeover ${run + 1}: media back on both pages ${ms} ms after the kill`);
        await holder.stop(5000, { allowUnclean: true });
        balancer.replaceBackend(index, (await cluster.restartNode(index)).port);
      } catch (err) {
        failures++;
        console.log(`takeover ${run + 1} failed: ${(err as Error).message}`);
      } finally {
        for (const p of pages) await p.close();
      }
    }
  } finally {
    await balancer.close();
  }
  if (times.length > 0) {
    console.log(
      `takeover after SIGKILL (NODE_TTL_SECONDS=${TTL_SECONDS}): p50 ${quantile(times, 0.5)} ms, ` +
        `max ${Math.max(...times)} ms over ${times.length} runs`,
    );
  }
}

async function main(): Promise<void> {
  ensureVeth();
  ensureClientBuild();
  const cluster = await startCluster({ name: "bench-mn", nodes: 2, ttlSeconds: TTL_SECONDS });
  let browser: Browser | undefined;
  try {
    await placement(cluster);
    await relayCost(cluster);
    if (TAKEOVERS > 0) {
      browser = await launchChromium();
      await takeover(cluster, browser);
    }
  } finally {
    await browser?.close();
    await cluster.stop().catch((err) => {
      failures++;
      console.log(`a node did not stop cleanly: ${(err as Error).message}`);
    });
  }
  process.exit(failures > 0 ? 1 : 0);
}

await main();
