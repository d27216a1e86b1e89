/**
 * A meeting link opened on a slow mobile link: how long until the pre-join screen is usable (the name field
 * enabled and the Join button visible), first with an empty cache, then again with the service worker and
 * its cache warm (issue 26, target: under 2 s cold).
 *
 * Starts the real server like the other benches, then N times: a fresh browser context (empty HTTP cache,
 * no service worker), DevTools network emulation on Chromium's "Slow 4G" preset, the meeting link opened; once
 * the service worker controls the page, the link opened again in the same context. Each time runs from the
 * moment the link is opened to the moment a MutationObserver, armed before any script, sees the screen usable.
 *
 *   npm run bench:slow-4g            (BENCH_ITERATIONS=N to change the count, default 5)
 *
 * The emulation applies to the page's requests (its navigation, scripts, styles, icons). The worker's own
 * requests, in its own target, are not throttled: on a cold load it fetches the shell only after the page's
 * load event (and from the HTTP cache), on a warm one everything but the navigation comes from Cache Storage.
 * Prints every sample, then min/median/max; exits non-zero if a sample failed or the cold median misses 2 s.
 */
import os from "node:os";
import type { Browser, BrowserContext, CDPSession, Page } from "playwright-core";
import { launchChromium } from "../test/e2e/helpers/browser.js";
import { RTC_RECORDER_SCRIPT } from "../test/e2e/helpers/rtc.js";
import { ensureClientBuild } from "../test/helpers/client-build.js";
import { type ServerHandle, startServer, tail } from "../test/helpers/server.js";
import { ensureVeth, removeVeth } from "../test/helpers/veth.js";
import { withTimeout } from "../test/helpers/wait.js";

const ms = (v: number, width: number) => (Number.isFinite(v) ? v.toFixed(0) : "—").padStart(width);

const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 5);
const TARGET_COLD_MS = 2000;
const SAMPLE_TIMEOUT_MS = 30_000;
const RUN_TIMEOUT_MS = 60_000 + ITERATIONS * 2 * SAMPLE_TIMEOUT_MS;

/**
 * Chromium DevTools' "Slow 4G" preset (front_end/core/sdk/NetworkManager.ts, the same figures as Puppeteer's
 * PredefinedNetworkConditions['Slow 4G'], the old "Fast 3G" renamed): 1.6 Mbit/s down and 750 kbit/s up, each
 * times 0.9, and 150 ms round trips times 3.75 (562.5 ms), in bytes per second and milliseconds.
 */
const SLOW_4G = {
  offline: false,
  downloadThroughput: ((1.6 * 1000 * 1000) / 8) * 0.9,
  uploadThroughput: ((750 * 1000) / 8) * 0.9,
  latency: 150 * 3.75,
};

/**
 * Armed in every document before its scripts: stamps the moment the pre-join screen is usable. Also the moment
 * the first response byte came (navigation timing), to show where the time went. Plain JS (an init script).
 */
const STAMP_USABLE = `(() => {
  const usable = () => {
    const name = document.querySelector("input#display-name");
    const join = document.querySelector("button[data-testid=join]");
    return !!name && !name.disabled && !!join && join.getClientRects().length > 0 &&
      getComputedStyle(join).visibility !== "hidden";
  };
  const observer = new MutationObserver(() => {
    if (window.__usableAt === undefined && usable()) {
      window.__usableAt = performance.now();
      observer.disconnect();
    }
  });
  observer.observe(document, { subtree: true, childList: true, attributes: true });
})();`;

interface Sample {
  /** From the moment the link is opened (Page.navigate sent) until the pre-join screen is usable. */
  usableMs: number;
  /**
   * When the app's script was in (its last byte, or its answer from the worker), from the same moment: the
   * network's share. What follows it (running the script, drawing the screen) is the machine's, and grows
   * when other processes take the CPU.
   */
  scriptMs: number;
  /** Whether the service worker controlled the page. */
  controlled: boolean;
}

/** Wall-clock times (ms) at which each URL finished loading, from the DevTools protocol's network events. */
function watchLoads(cdp: CDPSession): Map<string, number> {
  const started = new Map<string, { url: string; wall: number; mono: number }>();
  const finished = new Map<string, number>();
  cdp.on("Network.requestWillBeSent", (e) => {
    started.set(e.requestId, { url: e.request.url, wall: e.wallTime * 1000, mono: e.timestamp * 1000 });
  });
  cdp.on("Network.loadingFinished", (e) => {
    const s = started.get(e.requestId);
    if (s) finished.set(s.url, s.wall + (e.timestamp * 1000 - s.mono));
  });
  return finished;
}

async function loadOnce(page: Page, loads: Map<string, number>, url: string): Promise<Sample> {
  loads.clear();
  // Wall clock on both sides (one machine): the page's timeOrigin + performance.now() is its Date.now().
  const opened = Date.now();
  await page.goto(url, { waitUntil: "commit", timeout: SAMPLE_TIMEOUT_MS });
  await page.waitForFunction(() => (window as { __usableAt?: number }).__usableAt !== undefined, null, {
    timeout: SAMPLE_TIMEOUT_MS,
    polling: 100,
  });
  const seen = await page.evaluate(() => ({
    usableAt: performance.timeOrigin + ((window as { __usableAt?: number }).__usableAt ?? Number.NaN),
    script: (document.querySelector("script[type=module]") as HTMLScriptElement | null)?.src ?? "",
    controlled: navigator.serviceWorker.controller !== null,
  }));
  return {
    usableMs: seen.usableAt - opened,
    scriptMs: (loads.get(seen.script) ?? Number.NaN) - opened,
    controlled: seen.controlled,
  };
}

async function freshContext(
  browser: Browser,
): Promise<{ context: BrowserContext; page: Page; loads: Map<string, number> }> {
  const context = await browser.newContext({
    locale: "en-US",
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
    permissions: ["camera", "microphone"],
  });
  await context.addInitScript(RTC_RECORDER_SCRIPT);
  await context.addInitScript(STAMP_USABLE);
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  const loads = watchLoads(cdp);
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions", SLOW_4G);
  return { context, page, loads };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  return sorted.length % 2
    ? (sorted[Math.floor(mid)] ?? 0)
    : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

function stats(values: number[]): string {
  const [min, max] = [Math.min(...values), Math.max(...values)];
  return `min ${min.toFixed(0)} ms, median ${median(values).toFixed(0)} ms, max ${max.toFixed(0)} ms (n=${values.length})`;
}

async function run(state: { server?: ServerHandle; browser?: Browser }): Promise<boolean> {
  ensureClientBuild((line) => console.log(`[bench] ${line}`));
  const server = await startServer({ name: "bench-slow-4g", logLevel: "info" });
  state.server = server;
  const browser = await launchChromium();
  state.browser = browser;
  console.log(`[bench] server ${server.origin}; Slow 4G: ${JSON.stringify(SLOW_4G)}`);
  console.log(
    `[bench] load average at the start: ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")} (${os.cpus().length} cores)`,
  );
  console.log("   #   cold: script in  usable   warm: script in  usable   controlled");
  const cold: number[] = [];
  const warm: number[] = [];
  const coldScript: number[] = [];
  const warmScript: number[] = [];
  let failures = 0;
  for (let i = 1; i <= ITERATIONS; i++) {
    const url = `${server.origin}/slow-4g-${Date.now().toString(36)}-${i}`;
    const { context, page, loads } = await freshContext(browser);
    try {
      const first = await loadOnce(page, loads, url);
      // The worker installs after the page's load, then claims the page: wait for that before the second load.
      await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, {
        timeout: SAMPLE_TIMEOUT_MS,
      });
      await page.evaluate(async () => {
        await navigator.serviceWorker.ready;
      });
      const second = await loadOnce(page, loads, url);
      cold.push(first.usableMs);
      warm.push(second.usableMs);
      coldScript.push(first.scriptMs);
      warmScript.push(second.scriptMs);
      console.log(
        `  ${String(i).padStart(2)}   ${ms(first.scriptMs, 14)} ${ms(first.usableMs, 7)}   ${ms(second.scriptMs, 14)} ${ms(second.usableMs, 7)}   ${first.controlled}/${second.controlled}`,
      );
    } catch (e) {
      failures++;
      console.log(
        `  ${String(i).padStart(2)}   FAILED ${e instanceof Error ? e.message.split("\n")[0] : String(e)}`,
      );
    } finally {
      await context.close().catch(() => {});
    }
  }
  console.log("");
  if (cold.length > 0) {
    console.log(`[bench] cold load (empty cache) until usable: ${stats(cold)}`);
    console.log(`[bench]   of which the network, until the script is in: ${stats(coldScript)}`);
  }
  if (warm.length > 0) {
    console.log(`[bench] warm load (worker and cache) until usable: ${stats(warm)}`);
    console.log(`[bench]   of which the network, until the script is in: ${stats(warmScript)}`);
  }
  console.log(
    `[bench] load average at the end: ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")}`,
  );
  const met = cold.length > 0 && median(cold) < TARGET_COLD_MS;
  console.log(`[bench] target: cold median under ${TARGET_COLD_MS} ms: ${met ? "met" : "MISSED"}`);
  console.log(
    `BENCH_JSON ${JSON.stringify({ bench: "slow-4g-load", iterations: ITERATIONS, failures, coldMs: cold, warmMs: warm, coldScriptMs: coldScript, warmScriptMs: warmScript, network: SLOW_4G })}`,
  );
  if (failures > 0)
    console.error(`[bench] ${failures} samples failed; server log tail:\n${tail(server.lines, 30)}`);
  return failures === 0 && met;
}

async function main(): Promise<number> {
  const { created } = ensureVeth();
  const state: { server?: ServerHandle; browser?: Browser } = {};
  let ok = false;
  try {
    ok = await withTimeout(run(state), RUN_TIMEOUT_MS, `the whole benchmark (${RUN_TIMEOUT_MS} ms)`);
  } catch (e) {
    console.error(`[bench] failed: ${e instanceof Error ? e.message : String(e)}`);
    if (state.server) console.error(`[bench] server log tail:\n${tail(state.server.lines, 30)}`);
  } finally {
    await state.browser?.close().catch(() => {});
    if (state.server) await state.server.stop();
    if (created) removeVeth();
  }
  return ok ? 0 : 1;
}

process.exit(await main());
