/**
 * Degradation: how the client copes with a poor downlink, through the UDP relay (test/helpers/udp-relay.ts).
 *
 * Starts the real server (Janus announcing the relay), two Chromium pages: Alice publishes, Bob receives her
 * on the speaker view's stage (big enough for the top layer). Then, each scenario BENCH_RUNS times (default
 * 2):
 *
 * - baseline: nothing impaired; audio concealment over the same window (what this machine's load alone costs).
 * - cap: Bob's subscribe connection capped at BENCH_CAP_BPS (default 300 kbit/s) for BENCH_HOLD_MS (30 s),
 *   then lifted. Time to adapt (the lowest layer, or a pause), audio concealment and audio loss over the
 *   capped period, time back to the top layer once lifted.
 * - loss on Bob's link: BENCH_LOSS (default 5 %) random loss both ways on Bob's own connection (his publish
 *   and subscribe flows) for BENCH_LOSS_SECONDS (15 s). Frames decoded per second (the slowest second), the
 *   picture's freezes (count and total time, as Chromium counts them), NACKs sent, audio concealment and loss.
 * - loss on every link: the same on every flow (Alice's uplink too: ~10 % end to end). Same figures.
 *
 * BENCH_SCENARIOS picks some of baseline,cap,loss-own,loss-all (all by default). BENCH_TRACE_MS=4000 prints,
 * under each cap run, what Bob's client said of its downlink from 1 s before the cap to 4 s after it.
 *
 *   npm run bench:degradation
 *   BENCH_SCENARIOS=loss-own BENCH_LOSS_SECONDS=120 BENCH_RUNS=1 npm run bench:degradation
 *
 * Prints a line per run and a BENCH_JSON summary; exits non-zero if a run could not be measured.
 */

import {
  type CapResult,
  capScenario,
  type ImpairedCall,
  joinThroughRelay,
  type LossResult,
  lossScenario,
  remoteCamera,
  startImpairedCall,
  waitForMediaFrom,
  waitForSteadyTop,
  waitForTop,
} from "../test/e2e/helpers/degradation.js";
import { audioLoss, concealment, receivedFrom } from "../test/e2e/helpers/received.js";
import { ensureClientBuild } from "../test/helpers/client-build.js";
import { tail } from "../test/helpers/server.js";
import { ensureVeth, removeVeth } from "../test/helpers/veth.js";
import { sleep, waitFor, withTimeout } from "../test/helpers/wait.js";

const RUNS = Number(process.env.BENCH_RUNS ?? 2);
const CAP_BPS = Number(process.env.BENCH_CAP_BPS ?? 300_000);
const HOLD_MS = Number(process.env.BENCH_HOLD_MS ?? 30_000);
const LOSS = Number(process.env.BENCH_LOSS ?? 0.05);
const LOSS_SECONDS = Number(process.env.BENCH_LOSS_SECONDS ?? 15);
/** Which scenarios each run holds (BENCH_SCENARIOS, comma-separated); all four by default. */
const SCENARIOS = new Set((process.env.BENCH_SCENARIOS ?? "baseline,cap,loss-own,loss-all").split(","));
/** BENCH_TRACE_MS: print Bob's client's own lines (the downlink estimate, …) from 1 s before a cap to this long after it. */
const TRACE_MS = Number(process.env.BENCH_TRACE_MS ?? 0);
const RUN_TIMEOUT_MS = 120_000 + RUNS * (HOLD_MS * 1.5 + 2 * LOSS_SECONDS * 1000 + 120_000);

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
const ms = (x: number | null) => (x === null ? "never" : `${(x / 1000).toFixed(1)} s`);

/** "2/1280 170 s, 0/320 10 s": how long the received video spent on each layer. */
function secondsPerLayer(layers: readonly string[]): string {
  const seconds = new Map<string, number>();
  for (const l of layers) seconds.set(l, (seconds.get(l) ?? 0) + 1);
  return [...seconds].map(([layer, n]) => `${layer} ${n} s`).join(", ");
}

async function run(call: ImpairedCall): Promise<boolean> {
  const { participant: alice, id: aliceId } = await joinThroughRelay(call, "Alice", {
    width: 640,
    height: 400,
  });
  const { participant: bob, frames: bobFrames } = await joinThroughRelay(call, "Bob", {
    width: 1280,
    height: 760,
  });
  /** Key frames Bob's client asked for a stuck picture (subscribe.configure with keyframe), so far. */
  const keyFrameAsks = () =>
    bobFrames.sent.filter(
      (f) =>
        f.type === "subscribe.configure" &&
        Array.isArray(f.streams) &&
        f.streams.some((x: unknown) => (x as { keyframe?: unknown }).keyframe === true),
    ).length;
  await waitForMediaFrom(bob.page, [aliceId], 45_000);
  // Speaker view: Alice on stage, wider than 800 px, so her top layer is what Bob asks for.
  await bob.page.locator("button[data-testid=toggle-layout]").click();
  await bob.page.locator(`${remoteCamera(aliceId)}[data-stage=true]`).waitFor({ timeout: 10_000 });
  await waitForTop(bob.page, aliceId, 60_000);
  console.log(
    `[bench] cap ${CAP_BPS / 1000} kbit/s for ${HOLD_MS / 1000} s on Bob's downlink; loss ${pct(LOSS)} both ways for ${LOSS_SECONDS} s; ${RUNS} runs`,
  );

  const baselines: number[] = [];
  const caps: CapResult[] = [];
  const losses: (LossResult & { on: string; asks: number })[] = [];
  let ok = true;
  for (let i = 1; i <= RUNS; i++) {
    await waitForTop(bob.page, aliceId, 60_000);
    if (SCENARIOS.has("baseline")) {
      const before = await receivedFrom(bob.page, aliceId);
      await sleep(HOLD_MS / 2);
      const after = await receivedFrom(bob.page, aliceId);
      baselines.push(concealment(before, after));
      console.log(
        `  run ${i} baseline: audio concealment ${pct(concealment(before, after))}, audio loss ${pct(audioLoss(before, after))} over ${HOLD_MS / 2000} s`,
      );
    }

    if (SCENARIOS.has("cap")) {
      const cap = await capScenario(call, bob.page, aliceId, { capBps: CAP_BPS, holdMs: HOLD_MS });
      caps.push(cap);
      console.log(
        `  run ${i} cap:      adapted in ${ms(cap.adaptMs)} (lowest layer decoded after ${ms(cap.decodedLowestMs)}); audio concealment ${pct(cap.concealment)}, audio loss ${pct(cap.audioLoss)} over the cap; top layer again ${ms(cap.recoverMs)} after it was lifted`,
      );
      console.log(`               layers (asked/frameWidth@ms): ${cap.layers.join(" ")}`);
      console.log(`               sound concealed (ms@ms): ${cap.concealed.join(" ")}`);
      if (TRACE_MS > 0)
        for (const line of bob.console) {
          const t = Number(line.slice(0, line.indexOf(" "))) - cap.cappedAt;
          if (t >= -1000 && t <= TRACE_MS)
            console.log(`               ${Math.round(t)} ms: ${line.slice(line.indexOf(" ") + 1)}`);
        }
      if (cap.adaptMs === null || cap.recoverMs === null) ok = false;
    }

    for (const on of ["subscriber", "everyone"] as const) {
      if (!SCENARIOS.has(on === "subscriber" ? "loss-own" : "loss-all")) continue;
      await waitForSteadyTop(bob.page, aliceId).catch(() => {});
      const asksBefore = keyFrameAsks();
      const loss = await lossScenario(call, bob.page, aliceId, {
        loss: LOSS,
        seconds: LOSS_SECONDS,
        on,
        publisher: alice.page,
      });
      const asks = keyFrameAsks() - asksBefore;
      losses.push({ ...loss, on, asks });
      const label = on === "subscriber" ? "loss, Bob's link:" : "loss, every link:";
      console.log(
        `  run ${i} ${label} frames/s min ${Math.min(...loss.framesPerSecond)} (${loss.framesPerSecond.join(",")}); freezes ${loss.freezes} (${loss.frozenMs} ms); key frames ${loss.keyFrames} (asked for stuck pictures ${asks}, browser PLIs ${loss.plis}); NACKs ${loss.nacks}; audio concealment ${pct(loss.concealment)}, audio loss ${pct(loss.audioLoss)}`,
      );
      console.log(`               seconds per layer (asked/frameWidth): ${secondsPerLayer(loss.layers)}`);
      // The seconds that decoded less than half the usual, with the second before: why the picture stalled.
      const usual = [...loss.framesPerSecond].sort((a, b) => a - b)[loss.framesPerSecond.length >> 1] ?? 0;
      loss.framesPerSecond.forEach((n, k) => {
        if (n >= usual / 2) return;
        for (const j of [k - 1, k]) {
          if (j < 0) continue;
          console.log(`               second ${j + 1}: ${loss.layers[j]} ${loss.video[j]}`);
        }
      });
    }
    // Let the link settle before the next run.
    await waitFor(async () => (await receivedFrom(bob.page, aliceId)).layer === "2", {
      timeoutMs: 30_000,
      what: "the top layer asked again",
    }).catch(() => {});
  }
  console.log(
    `BENCH_JSON ${JSON.stringify({
      bench: "degradation",
      capBps: CAP_BPS,
      holdMs: HOLD_MS,
      lossRate: LOSS,
      baselineConcealment: baselines,
      cap: caps.map((c) => ({
        adaptMs: c.adaptMs,
        decodedLowestMs: c.decodedLowestMs,
        concealment: c.concealment,
        audioLoss: c.audioLoss,
        recoverMs: c.recoverMs,
      })),
      loss: losses.map((l) => ({
        on: l.on,
        minFramesPerSecond: Math.min(...l.framesPerSecond),
        freezes: l.freezes,
        frozenMs: l.frozenMs,
        keyFrames: l.keyFrames,
        plis: l.plis,
        keyFrameAsks: l.asks,
        nacks: l.nacks,
        concealment: l.concealment,
        audioLoss: l.audioLoss,
      })),
    })}`,
  );
  return ok;
}

async function main(): Promise<number> {
  const { created } = ensureVeth();
  ensureClientBuild((line) => console.log(`[bench] ${line}`));
  let call: ImpairedCall | undefined;
  let ok = false;
  try {
    call = await startImpairedCall("bench-degradation");
    const started = call;
    ok = await withTimeout(run(started), RUN_TIMEOUT_MS, `the whole benchmark (${RUN_TIMEOUT_MS} ms)`);
  } catch (e) {
    console.error(`[bench] failed: ${e instanceof Error ? e.message : String(e)}`);
    if (call) console.error(`[bench] server log tail:\n${tail(call.server.lines, 30)}`);
  } finally {
    await call?.close();
    if (created) removeVeth();
  }
  return ok ? 0 : 1;
}

process.exit(await main());
