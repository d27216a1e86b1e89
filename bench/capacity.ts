/**
 * Capacity: what one machine spends on rooms of 10, 25, 50 and 100 participants, and what of it is ours.
 *
 *   npm run bench:capacity
 *   npm run bench:capacity -- --scenarios 100:10:5:15:9,30:30:5:24:30 --window 10 --no-raw --no-page
 *
 * A scenario n:v:s[:fps[:lastN]] puts n bots in one room (a fresh server + Janus each time, on loopback): the
 * first v publish video (320×180 at fps frames a second, 15 by default; one encoding: the low layer), up to 5
 * of them send a tone, everyone else publishes a muted microphone; the last s bots receive everyone's media,
 * the others receive nothing (the page sets its last-N, if given, in the ⋯ menu). Once all are in:
 *   - a steady window (--window s): Janus's and our server's CPU (% of one core, from /proc) and RSS,
 *     WebSocket messages per second (GET /metrics), bots' media checked flowing, and where the whole
 *     machine's CPU went (the bots share it with what they measure);
 *   - one more bot joins, then leaves: WebSocket messages (in + out, whole server) per join and per leave;
 *   - one real Chromium page joins last through the UI: click → first remote video frame, then how many
 *     videos it decodes and at what frame rate (over 8 s), and our server's CPU meanwhile; then a bot that
 *     joined muted unmutes for the first time (bench/first-unmute.ts);
 *   - the raw cost: the same bots with the same media straight on a Janus of our own (no Palabre), same
 *     window: Janus CPU and RSS; "overhead" = (Janus + server CPU with Palabre) / (raw Janus CPU).
 * Prints one markdown table (bench/capacity-report.ts), the CPU breakdowns and first unmutes, the command, and
 * the machine's load. Each scenario is bounded in time.
 */
import type { Browser } from "playwright-core";
import { defaultShards } from "../bots/cli.js";
import { shardedSwarm } from "../bots/shards.js";
import { PalabreBot, planRoles, Swarm, sleep } from "../bots/swarm.js";
import { launchChromium, newParticipant, type Participant } from "../test/e2e/helpers/browser.js";
import { fillName, openPrejoin } from "../test/e2e/helpers/ui.js";
import { ensureClientBuild } from "../test/helpers/client-build.js";
import { type ServerHandle, startServer, tail } from "../test/helpers/server.js";
import { ensureVeth } from "../test/helpers/veth.js";
import { withTimeout } from "../test/helpers/wait.js";
import { printReport, type Row, type Scenario, table } from "./capacity-report.js";
import { measureFirstUnmute } from "./first-unmute.js";
import { JoinMilestones } from "./join-milestones.js";
import {
  CpuBreakdown,
  CpuWindow,
  machineLoad,
  metric,
  pageDecoded,
  quiet,
  scrapeMetrics,
  udpReceiveBufferDrops,
  wsTotal,
} from "./lib.js";
import { RawBot, RawJanus } from "./raw-janus.js";

/** Runs in the joining page: clicks Join, resolves with ms to the first remote video frame (or null). */
const FIRST_FRAME = `async (timeoutMs) => {
  const button = document.querySelector("button[data-testid=join]");
  if (!button) throw new Error("no Join button");
  let first = null, finish;
  const done = new Promise((r) => { finish = r; });
  const seen = new WeakSet();
  const check = () => {
    for (const video of document.querySelectorAll("[data-testid=tile][data-local=false] video")) {
      if (seen.has(video)) continue;
      seen.add(video);
      if (typeof video.requestVideoFrameCallback === "function") {
        video.requestVideoFrameCallback(() => { if (first === null) { first = performance.now(); finish(); } });
      }
    }
  };
  const observer = new MutationObserver(check);
  observer.observe(document.documentElement, { subtree: true, childList: true, attributes: true });
  const timer = setTimeout(() => finish(), timeoutMs);
  const t0 = performance.now();
  button.click();
  check();
  await done;
  clearTimeout(timer);
  observer.disconnect();
  return first === null ? null : Math.round(first - t0);
}`;

/** Why a page decodes fewer videos than it should: its remote tiles by data-layer, and its inbound streams. */
const TILES = `async () => {
  const layers = {};
  for (const t of document.querySelectorAll("[data-testid=tile][data-local=false]")) {
    const l = t.getAttribute("data-layer") || "none";
    layers[l] = (layers[l] || 0) + 1;
  }
  let video = 0, audio = 0, transceivers = 0;
  for (const pc of (window.__pcs || [])) {
    if (pc.connectionState === "closed") continue;
    transceivers += pc.getTransceivers().length;
    (await pc.getStats()).forEach((s) => {
      if (s.type === "inbound-rtp") s.kind === "video" ? video++ : audio++;
    });
  }
  const area = document.querySelector(".tile-area");
  const pager = document.querySelector(".pager-label");
  return "tiles by layer " + JSON.stringify(layers) + " (" + (area ? area.getAttribute("data-layout") : "no") + " view, " +
    innerWidth + "×" + innerHeight + (pager ? ", " + pager.textContent : "") + "), inbound video " + video +
    ", audio " + audio + ", transceivers " + transceivers;
}`;

function parseArgs(argv: string[]) {
  const opts = {
    scenarios: [
      { n: 10, video: 2, subscribe: 3, fps: 15, lastN: null },
      { n: 25, video: 5, subscribe: 5, fps: 15, lastN: null },
      { n: 50, video: 10, subscribe: 5, fps: 15, lastN: null },
      { n: 100, video: 10, subscribe: 5, fps: 15, lastN: 9 },
      { n: 30, video: 30, subscribe: 5, fps: 24, lastN: 30 },
    ] as Scenario[],
    window: 10,
    raw: true,
    page: true,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--scenarios") {
      opts.scenarios = (argv[++i] ?? "").split(",").map((s) => {
        const [n, video, subscribe, fps = 15, lastN] = s.split(":").map(Number);
        if (!n || video === undefined || subscribe === undefined || video > n || subscribe > n || !(fps > 0))
          throw new Error(`bad scenario '${s}' (n:video:subscribe[:fps[:lastN]])`);
        return { n, video, subscribe, fps, lastN: lastN && lastN > 0 ? lastN : null };
      });
    } else if (a === "--window") opts.window = Number(argv[++i]);
    else if (a === "--no-raw") opts.raw = false;
    else if (a === "--no-page") opts.page = false;
    else
      throw new Error(
        "usage: npm run bench:capacity -- [--scenarios n:v:s[:fps[:lastN]],…] [--window s] [--no-raw] [--no-page]",
      );
  }
  return opts;
}

/** Sets the page's last-N through the ⋯ menu, as a person would. */
async function setLastN(page: Participant, n: number): Promise<void> {
  const input = page.page.locator("input[data-testid=last-n]");
  if (!(await input.isVisible())) await page.page.locator("button[data-testid=more-menu]").click();
  await input.fill(String(n));
  await page.page.keyboard.press("Escape");
}

/** The processes of a scenario, by role, for CpuBreakdown. */
function cpuGroups(
  janusPid: number,
  serverPid: number,
  shards: { pid: number; subscribers: boolean }[],
): { name: string; pids: number[] }[] {
  return [
    { name: "Janus", pids: [janusPid] },
    { name: "bench", pids: [process.pid] },
    { name: "server", pids: [serverPid] },
    { name: "bots", pids: shards.filter((s) => !s.subscribers).map((s) => s.pid) },
    { name: "subscriber bots", pids: shards.filter((s) => s.subscribers).map((s) => s.pid) },
  ];
}

async function palabreScenario(
  sc: Scenario,
  windowS: number,
  browser: Browser | undefined,
  row: Row,
): Promise<void> {
  // The bots' frame rate travels by environment: the shards forked below inherit it.
  process.env.PALABRE_BOT_FPS = String(sc.fps);
  // Room for the n bots, the join/leave probe and the page.
  const server: ServerHandle = await startServer({
    name: `capacity-${sc.n}`,
    logLevel: "info",
    // Every bot connects from 127.0.0.1: one address, more sockets than the default per-address cap.
    env: {
      MAX_PARTICIPANTS: String(Math.max(100, sc.n + 5)),
      MAX_CONNECTIONS_PER_ADDRESS: String(Math.max(100, 2 * sc.n + 20)),
    },
  });
  const room = `cap-${sc.n}-${Date.now().toString(36)}`;
  const roles = planRoles({
    count: sc.n,
    video: sc.video,
    subscribe: sc.subscribe,
    unmuted: Math.max(1, Math.min(sc.video, 5)),
    mutedPublish: true,
    namePrefix: "cap",
  });
  const sharded = shardedSwarm(server.wsUrl, room, roles, { shards: defaultShards(sc.n, sc.subscribe) });
  const swarm = sharded.swarm;
  let page: Participant | undefined;
  try {
    const janusPid = metric(await scrapeMetrics(server.origin), "palabre_janus_pid");
    await swarm.start({ concurrency: 4, deadline: Date.now() + 60_000 + sc.n * 1500 });
    row.notes.push(...swarm.startFailures.slice(0, 3));
    await quiet(server.origin, 2000, 30_000);
    await sleep(2000);

    // Steady window, bots only.
    const s0 = await swarm.sample();
    const m0 = await wsTotal(server.origin);
    const janus = new CpuWindow(janusPid);
    const ours = new CpuWindow(server.pid);
    // Bots share this machine with what they measure: where its CPU goes says whether a page's frame rate
    // is Palabre's or the load generators'.
    const groups = cpuGroups(janusPid, server.pid, sharded.processes());
    const breakdown = new CpuBreakdown(groups);
    await sleep(windowS * 1000);
    const j = janus.end();
    const o = ours.end();
    row.cpuBotsOnly = breakdown.end();
    const m1 = await wsTotal(server.origin);
    const s1 = await swarm.sample();
    row.joined = s1.joined;
    if (s1.joined < sc.n) {
      // Why some are not in: their states, and the first reasons their bots give.
      const states: Record<string, number> = {};
      for (const r of s1.reports) states[r.state] = (states[r.state] ?? 0) + 1;
      const reasons = s1.reports.flatMap((r) => r.failures.map((f) => `${r.name}: ${f}`));
      row.notes.push(`bots by state ${JSON.stringify(states)}`, ...reasons.slice(0, 3));
    }
    row.janusCpu = j.cpuPercent;
    row.janusRss = j.rssMb;
    row.serverCpu = o.cpuPercent;
    row.serverRss = o.rssMb;
    row.wsPerSecond = (m1 - m0) / o.seconds;
    row.flows = swarm.checkFlows(s0, s1);
    row.notes.push(...row.flows.problems.slice(0, 2));

    // One join event and one leave event, counted on the whole server.
    const probe = new PalabreBot(server.wsUrl, room, {
      name: "cap-probe",
      audio: "muted",
      video: false,
      subscribe: false,
    });
    const before = await quiet(server.origin, 1500, 10_000);
    await probe.start();
    const afterJoin = await quiet(server.origin, 2000, 20_000);
    row.msgsPerJoin = afterJoin - before;
    await probe.leave();
    const afterLeave = await quiet(server.origin, 2000, 20_000);
    row.msgsPerLeave = afterLeave - afterJoin;

    // The real browser joins last.
    if (browser) {
      page = await newParticipant(browser, `capacity-${sc.n}`);
      const milestones = new JoinMilestones(page.page);
      await openPrejoin(page.page, server.origin, room);
      await fillName(page.page, "Chromium");
      const withPage = new CpuWindow(server.pid);
      const pageBreakdown = new CpuBreakdown(groups);
      const udpDrops0 = udpReceiveBufferDrops();
      const clicked = performance.now();
      row.pageFirstFrameMs = (await withTimeout(
        page.page.evaluate(`(${FIRST_FRAME})(20000)`),
        30_000,
        "the page's first frame",
      )) as number | null;
      row.notes.push(`page: ${milestones.since(clicked)}, first frame +${row.pageFirstFrameMs ?? "—"} ms`);
      if (sc.lastN !== null) await setLastN(page, sc.lastN);
      // Let the page's subscription take everyone in, then count what it decodes.
      await sleep(4000);
      const d0 = await pageDecoded(page.page);
      const t0 = performance.now();
      await sleep(8000);
      const d1 = await pageDecoded(page.page);
      const dt = (performance.now() - t0) / 1000;
      const fps = Object.keys(d1.video)
        .map((k) => ((d1.video[k] ?? 0) - (d0.video[k] ?? 0)) / dt)
        .filter((f) => f > 0.5);
      row.pageVideos = fps.length;
      row.pageFpsMean = fps.length ? fps.reduce((a, b) => a + b, 0) / fps.length : 0;
      row.pageFpsMin = fps.length ? Math.min(...fps) : 0;
      // Sound actually decoded: the stream's energy grew (the muted microphones' stays put).
      row.pageHeard = Object.keys(d1.audio).filter((k) => (d1.audio[k] ?? 0) > (d0.audio[k] ?? 0)).length;
      row.serverCpuWithPage = withPage.end().cpuPercent;
      row.cpuWithPage = pageBreakdown.end();
      const udpDrops = udpReceiveBufferDrops() - udpDrops0;
      if (udpDrops > 0)
        row.notes.push(
          `${udpDrops} UDP datagrams dropped by full receive buffers (machine) while the page was in`,
        );
      row.firstUnmute = await measureFirstUnmute(server.origin, server.wsUrl, room, page).catch((e) => {
        row.notes.push(`first unmute not measured: ${e instanceof Error ? e.message : String(e)}`);
        return null;
      });
      const expected = Math.min(sc.video, sc.lastN ?? sc.video);
      if (row.pageVideos < expected) {
        row.notes.push(`page: ${await page.page.evaluate(`(${TILES})()`)}`);
        row.notes.push(...page.console.slice(-3));
      }
    }
    const errors = server.lines.filter((l) => /"level":"error"/.test(l));
    if (errors.length > 0) row.notes.push(`${errors.length} error line(s) in the server log`);
  } catch (err) {
    row.notes.push(`failed: ${err instanceof Error ? err.message : String(err)}`);
    console.error(`[capacity] n=${sc.n}: ${String(err)}\n${tail(server.lines, 15)}`);
  } finally {
    await page?.close();
    await withTimeout(swarm.leave(), 30_000, "bots leaving").catch(() => swarm.close());
    await sharded.shutdown();
    await server.stop();
  }
}

async function rawScenario(sc: Scenario, windowS: number, row: Row): Promise<void> {
  process.env.PALABRE_BOT_FPS = String(sc.fps);
  const base = 20_000 + 1000 * Math.floor(Math.random() * 20);
  const janus = new RawJanus([base, base + 999]);
  const roles = planRoles({
    count: sc.n,
    video: sc.video,
    subscribe: sc.subscribe,
    unmuted: Math.max(1, Math.min(sc.video, 5)),
    mutedPublish: true,
    namePrefix: "raw",
  });
  const swarm = new Swarm(roles.map((r) => new RawBot(r, janus)));
  try {
    await janus.start(sc.n + 10);
    await swarm.start({ concurrency: 4, deadline: Date.now() + 60_000 + sc.n * 1500 });
    await sleep(4000);
    const pid = janus.pid;
    if (pid === undefined) throw new Error("raw janus has no pid");
    const s0 = await swarm.sample();
    const w = new CpuWindow(pid);
    await sleep(windowS * 1000);
    const r = w.end();
    const s1 = await swarm.sample();
    row.rawJanusCpu = r.cpuPercent;
    row.rawJanusRss = r.rssMb;
    row.rawJoined = s1.joined;
    const flows = swarm.checkFlows(s0, s1);
    if (flows.problems.length > 0) row.notes.push(`raw: ${flows.problems[0]}`);
  } catch (err) {
    row.notes.push(`raw failed: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    await withTimeout(swarm.leave(), 20_000, "raw bots leaving").catch(() => swarm.close());
    await janus.stop();
  }
}

async function main(): Promise<number> {
  const opts = parseArgs(process.argv.slice(2));
  const command = `npm run bench:capacity -- ${process.argv.slice(2).join(" ")}`.trim();
  ensureVeth();
  if (opts.page) ensureClientBuild((l) => console.log(`[capacity] ${l}`));
  const browser = opts.page ? await launchChromium() : undefined;
  const rows: Row[] = [];
  const loads: string[] = [];
  try {
    for (const sc of opts.scenarios) {
      const row: Row = {
        ...sc,
        joined: 0,
        janusCpu: Number.NaN,
        janusRss: Number.NaN,
        serverCpu: Number.NaN,
        serverRss: Number.NaN,
        serverCpuWithPage: Number.NaN,
        wsPerSecond: Number.NaN,
        msgsPerJoin: Number.NaN,
        msgsPerLeave: Number.NaN,
        flows: undefined,
        pageFirstFrameMs: null,
        pageVideos: 0,
        pageFpsMean: Number.NaN,
        pageFpsMin: Number.NaN,
        pageHeard: 0,
        rawJanusCpu: Number.NaN,
        rawJanusRss: Number.NaN,
        rawJoined: 0,
        cpuBotsOnly: "",
        cpuWithPage: "",
        firstUnmute: null,
        notes: [],
      };
      console.log(`[capacity] n=${sc.n} video=${sc.video} subscribe=${sc.subscribe}; ${machineLoad()}`);
      loads.push(`n=${sc.n}: ${machineLoad()}`);
      await withTimeout(
        palabreScenario(sc, opts.window, browser, row),
        240_000 + sc.n * 3000,
        `scenario n=${sc.n}`,
      ).catch((e) => row.notes.push(String(e)));
      if (opts.raw) {
        await withTimeout(rawScenario(sc, opts.window, row), 120_000 + sc.n * 2000, `raw n=${sc.n}`).catch(
          (e) => row.notes.push(String(e)),
        );
      }
      rows.push(row);
      console.log(table([row]).slice(2).join("\n"));
    }
  } finally {
    await browser?.close().catch(() => {});
  }
  printReport(rows, command, loads);
  console.log(
    `BENCH_JSON ${JSON.stringify({ bench: "capacity", rows: rows.map((r) => ({ ...r, flows: r.flows ? { ...r.flows, problems: r.flows.problems.length } : null })) })}`,
  );
  const bad = rows.some((r) => r.joined < r.n || r.notes.some((n) => n.startsWith("failed")));
  return bad ? 1 : 0;
}

process.exit(await main());
