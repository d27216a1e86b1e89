/**
 * Join latency: how long from clicking "Join meeting" until the first remote video frame is on screen.
 *
 * Starts the real server (and its Janus) on loopback with the veth trick, puts one Chromium page A in a room
 * publishing camera + mic, then 10 times opens a fresh browser context on the room, types a name and clicks
 * Join. Each sample is measured inside the joining page with performance.now(): t0 just before the click, t1 at
 * the first requestVideoFrameCallback of a remote tile's <video> (a frame presented). Also reported: the first
 * time inbound-rtp framesDecoded > 0 (polled every 20 ms) and when the conference view appeared, and each
 * join's signaling steps (bench/join-milestones.ts: `join` sent, `joined`, the first subscribe.offer, the answer), timed
 * from just before the in-page click on Node's clock (a few ms early).
 *
 *   npm run bench            (BENCH_ITERATIONS=N to change the count)
 *
 * Prints every sample and p50/p95 in ms; exits non-zero if any sample failed or the run overran its time limit.
 */
import type { Browser } from "playwright-core";
import { launchChromium, newParticipant, type Participant } from "../test/e2e/helpers/browser.js";
import { outboundSummary, remoteTiles } from "../test/e2e/helpers/rtc.js";
import { fillName, joinViaUi, openPrejoin, sel } from "../test/e2e/helpers/ui.js";
import { ensureClientBuild } from "../test/helpers/client-build.js";
import { type ServerHandle, startServer, tail } from "../test/helpers/server.js";
import { ensureVeth, removeVeth } from "../test/helpers/veth.js";
import { waitFor, withTimeout } from "../test/helpers/wait.js";
import { JoinMilestones } from "./join-milestones.js";

const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 10);
const SAMPLE_TIMEOUT_MS = 20_000;
const RUN_TIMEOUT_MS = 60_000 + ITERATIONS * 40_000;

interface Marks {
  /** ms after the click; null if it never happened within the sample timeout. */
  conference: number | null;
  remoteTile: number | null;
  /** First requestVideoFrameCallback on a remote tile video. */
  frame: number | null;
  /** First inbound-rtp video framesDecoded > 0. */
  decoded: number | null;
}

/** Runs in the joining page: clicks Join and times what follows. Plain JS (see rtc.ts for why). */
const MEASURE = `async (timeoutMs) => {
  const button = document.querySelector("button[data-testid=join]");
  if (!button) throw new Error("no Join button");
  const marks = { conference: null, remoteTile: null, frame: null, decoded: null };
  let finish;
  const done = new Promise((resolve) => { finish = resolve; });
  const seen = new WeakSet();
  const maybeDone = () => { if (marks.frame !== null && marks.decoded !== null) finish(); };
  const check = () => {
    if (marks.conference === null && document.querySelector("[data-testid=conference]")) marks.conference = performance.now();
    for (const video of document.querySelectorAll("[data-testid=tile][data-local=false] video")) {
      if (seen.has(video)) continue;
      seen.add(video);
      if (marks.remoteTile === null) marks.remoteTile = performance.now();
      if (typeof video.requestVideoFrameCallback === "function") {
        video.requestVideoFrameCallback(() => {
          if (marks.frame === null) { marks.frame = performance.now(); maybeDone(); }
        });
      }
    }
  };
  const observer = new MutationObserver(check);
  observer.observe(document.documentElement, { subtree: true, childList: true, attributes: true });
  let busy = false;
  const poll = setInterval(async () => {
    check();
    if (busy || marks.decoded !== null) return;
    busy = true;
    try {
      for (const pc of (window.__pcs || [])) {
        if (pc.connectionState === "closed") continue;
        const report = await pc.getStats();
        report.forEach((s) => {
          if (marks.decoded === null && s.type === "inbound-rtp" && s.kind === "video" && (s.framesDecoded || 0) > 0) {
            marks.decoded = performance.now();
          }
        });
      }
    } catch (e) { /* a pc closed under us */ }
    busy = false;
    maybeDone();
  }, 20);
  const timer = setTimeout(() => finish(), timeoutMs);
  const t0 = performance.now();
  button.click();
  check();
  await done;
  clearInterval(poll);
  clearTimeout(timer);
  observer.disconnect();
  const rel = (t) => (t === null ? null : Math.round((t - t0) * 10) / 10);
  return { conference: rel(marks.conference), remoteTile: rel(marks.remoteTile), frame: rel(marks.frame), decoded: rel(marks.decoded) };
}`;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] ?? Number.NaN;
}

const fmt = (v: number | null) => (v === null ? "   —  " : `${v.toFixed(0).padStart(5)} `);

async function run(state: {
  server?: ServerHandle;
  browser?: Browser;
  people: Participant[];
}): Promise<boolean> {
  ensureClientBuild((line) => console.log(`[bench] ${line}`));
  const server = await startServer({ name: "bench-join-latency", logLevel: "info" });
  state.server = server;
  console.log(`[bench] server ${server.origin} (log ${server.logFile})`);
  const browser = await launchChromium();
  state.browser = browser;
  const room = `bench-${Date.now().toString(36)}`;

  const publisher = await newParticipant(browser, "publisher");
  state.people.push(publisher);
  await joinViaUi(publisher.page, server.origin, room, "Publisher");
  await waitFor(async () => (await outboundSummary(publisher.page)).videoFrames > 30, {
    timeoutMs: 20_000,
    what: "page A encoding and sending video",
  });
  console.log(`[bench] page A is in ${room} and publishing; ${ITERATIONS} joins follow`);
  console.log("  #   click→frame  click→decoded  click→conference  click→tile");

  const frames: number[] = [];
  const decoded: number[] = [];
  let failures = 0;
  for (let i = 1; i <= ITERATIONS; i++) {
    const joiner = await newParticipant(browser, `joiner-${i}`);
    state.people.push(joiner);
    let marks: Marks | null = null;
    let error = "";
    const milestones = new JoinMilestones(joiner.page);
    let clicked = 0;
    try {
      await openPrejoin(joiner.page, server.origin, room);
      await fillName(joiner.page, `Joiner ${i}`);
      clicked = performance.now();
      marks = (await withTimeout(
        joiner.page.evaluate(`(${MEASURE})(${SAMPLE_TIMEOUT_MS})`),
        SAMPLE_TIMEOUT_MS + 5000,
        "the in-page measurement",
      )) as Marks;
    } catch (e) {
      error = e instanceof Error ? (e.message.split("\n")[0] ?? "") : String(e);
    }
    const sample = marks?.frame ?? null;
    if (marks && sample !== null) frames.push(sample);
    if (marks?.decoded != null) decoded.push(marks.decoded);
    if (sample === null) failures++;
    console.log(
      `  ${String(i).padStart(2)}  ${fmt(marks?.frame ?? null)}       ${fmt(marks?.decoded ?? null)}        ${fmt(
        marks?.conference ?? null,
      )}          ${fmt(marks?.remoteTile ?? null)}${sample === null ? `  FAILED ${error || "(no remote frame within the timeout)"}` : ""}`,
    );
    if (clicked > 0) console.log(`      ${milestones.since(clicked)}`);

    // Leave cleanly and wait until A is alone again, so every sample joins the same room state.
    try {
      const hangup = joiner.page.locator(sel.hangup);
      if (await hangup.isVisible()) await hangup.click({ timeout: 2000 });
    } catch {
      /* closing the context below also leaves */
    }
    await joiner.close();
    state.people.splice(state.people.indexOf(joiner), 1);
    await waitFor(async () => (await remoteTiles(publisher.page)).length === 0, {
      timeoutMs: 10_000,
      what: "page A alone again",
    }).catch((e: Error) => {
      console.log(`[bench] warning: ${e.message}`);
    });
  }

  console.log("");
  if (frames.length > 0) {
    console.log(
      `[bench] click→first remote frame (requestVideoFrameCallback): n=${frames.length} p50=${percentile(frames, 50).toFixed(0)} ms p95=${percentile(frames, 95).toFixed(0)} ms min=${Math.min(...frames).toFixed(0)} max=${Math.max(...frames).toFixed(0)}`,
    );
  }
  if (decoded.length > 0) {
    console.log(
      `[bench] click→framesDecoded>0 (stats, 20 ms poll):        n=${decoded.length} p50=${percentile(decoded, 50).toFixed(0)} ms p95=${percentile(decoded, 95).toFixed(0)} ms`,
    );
  }
  console.log(
    `BENCH_JSON ${JSON.stringify({
      bench: "join-latency",
      iterations: ITERATIONS,
      failures,
      clickToFrameMs: { samples: frames, p50: percentile(frames, 50), p95: percentile(frames, 95) },
      clickToDecodedMs: { samples: decoded, p50: percentile(decoded, 50), p95: percentile(decoded, 95) },
    })}`,
  );
  if (failures > 0) {
    console.error(
      `[bench] ${failures} of ${ITERATIONS} joins saw no remote frame; server log tail:\n${tail(server.lines, 30)}`,
    );
  }
  return failures === 0;
}

async function main(): Promise<number> {
  const { created } = ensureVeth();
  const state: { server?: ServerHandle; browser?: Browser; people: Participant[] } = { people: [] };
  let ok = false;
  try {
    ok = await withTimeout(run(state), RUN_TIMEOUT_MS, `the whole benchmark (${RUN_TIMEOUT_MS} ms)`);
  } catch (e) {
    console.error(`[bench] failed: ${e instanceof Error ? e.message : String(e)}`);
    if (state.server) console.error(`[bench] server log tail:\n${tail(state.server.lines, 30)}`);
  } finally {
    for (const p of state.people) await p.close();
    await state.browser?.close().catch(() => {});
    if (state.server) {
      const report = await state.server.stop();
      if (report.leftoverDescendants.length > 0) {
        console.error(
          `[bench] the server left processes behind: ${JSON.stringify(report.leftoverDescendants)}`,
        );
      }
    }
    if (created) removeVeth();
  }
  return ok ? 0 : 1;
}

process.exit(await main());
