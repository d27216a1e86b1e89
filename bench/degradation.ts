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
 *   and subscribe flows) for 15 s. Frames decoded per second (the slowest second), NACKs sent, audio
 *   concealment and loss.
 * - loss on every link: the same on every flow (Alice's uplink too: ~10 % end to end). Same figures.
 *
 *   npm run bench:degradation
 *
 * Prints a line per run and a BENCH_JSON summary; exits non-zero if a run could not be measured.
 */

import {
  audioLoss,
  type CapResult,
  capScenario,
  concealment,
  type ImpairedCall,
  joinThroughRelay,
  type LossResult,
  lossScenario,
  receivedFrom,
  remoteCamera,
  startImpairedCall,
  waitForMediaFrom,
  waitForSteadyTop,
  waitForTop,
} from "../test/e2e/helpers/degradation.js";
import { ensureClientBuild } from "../test/helpers/client-build.js";
import { tail } from "../test/helpers/server.js";
import { ensureVeth, removeVeth } from "../test/helpers/veth.js";
import { sleep, waitFor, withTimeout } from "../test/helpers/wait.js";

const RUNS = Number(process.env.BENCH_RUNS ?? 2);
const CAP_BPS = Number(process.env.BENCH_CAP_BPS ?? 300_000);
const HOLD_MS = Number(process.env.BENCH_HOLD_MS ?? 30_000);
const LOSS = Number(process.env.BENCH_LOSS ?? 0.05);
const LOSS_SECONDS = 15;
const RUN_TIMEOUT_MS = 120_000 + RUNS * (HOLD_MS + 120_000);

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
const ms = (x: number | null) => (x === null ? "never" : `${(x / 1000).toFixed(1)} s`);

async function run(call: ImpairedCall): Promise<boolean> {
  const { id: aliceId } = await joinThroughRelay(call, "Alice", { width: 640, height: 400 });
  const { participant: bob } = await joinThroughRelay(call, "Bob", { width: 1280, height: 760 });
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
  const losses: (LossResult & { on: string })[] = [];
  let ok = true;
  for (let i = 1; i <= RUNS; i++) {
    await waitForTop(bob.page, aliceId, 60_000);
    const before = await receivedFrom(bob.page, aliceId);
    await sleep(HOLD_MS / 2);
    const after = await receivedFrom(bob.page, aliceId);
    baselines.push(concealment(before, after));
    console.log(
      `  run ${i} baseline: audio concealment ${pct(concealment(before, after))}, audio loss ${pct(audioLoss(before, after))} over ${HOLD_MS / 2000} s`,
    );

    const cap = await capScenario(call, bob.page, aliceId, { capBps: CAP_BPS, holdMs: HOLD_MS });
    caps.push(cap);
    console.log(
      `  run ${i} cap:      adapted in ${ms(cap.adaptMs)} (lowest layer decoded after ${ms(cap.decodedLowestMs)}); audio concealment ${pct(cap.concealment)}, audio loss ${pct(cap.audioLoss)} over the cap; top layer again ${ms(cap.recoverMs)} after it was lifted`,
    );
    console.log(`               layers (asked/frameWidth@ms): ${cap.layers.join(" ")}`);
    if (cap.adaptMs === null || cap.recoverMs === null) ok = false;

    for (const on of ["subscriber", "everyone"] as const) {
      await waitForSteadyTop(bob.page, aliceId).catch(() => {});
      const loss = await lossScenario(call, bob.page, aliceId, { loss: LOSS, seconds: LOSS_SECONDS, on });
      losses.push({ ...loss, on });
      const label = on === "subscriber" ? "loss, Bob's link:" : "loss, every link:";
      console.log(
        `  run ${i} ${label} frames/s min ${Math.min(...loss.framesPerSecond)} (${loss.framesPerSecond.join(",")}); NACKs ${loss.nacks}; audio concealment ${pct(loss.concealment)}, audio loss ${pct(loss.audioLoss)}`,
      );
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
