/**
 * What the benches that drive Chromium meetings share: the set-up (a fresh client build, the veth pair Janus
 * needs, a server, one Chromium) and its tear-down, and the window over which a meeting's cost is read.
 */
import type { Browser } from "playwright-core";
import { launchChromium, type Participant } from "../test/e2e/helpers/browser.js";
import { ensureClientBuild } from "../test/helpers/client-build.js";
import { type ServerHandle, startServer } from "../test/helpers/server.js";
import { ensureVeth, removeVeth } from "../test/helpers/veth.js";
import { sleep } from "../test/helpers/wait.js";
import { chromiumPids, cpuSeconds, pageDecoded } from "./lib.js";

/** Runs `body` with a server and a Chromium, cleans up, and exits 0 (or 1 with the error). */
export function runBrowserBench(
  name: string,
  body: (server: ServerHandle, browser: Browser) => Promise<void>,
): void {
  const run = async () => {
    ensureClientBuild((line) => console.log(`[bench] ${line}`));
    const { created } = ensureVeth();
    const server = await startServer({ name, logLevel: "info" });
    const browser = await launchChromium();
    try {
      await body(server, browser);
    } finally {
      await browser.close();
      await server.stop();
      if (created) removeVeth();
    }
  };
  run().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}

const sumValues = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);

/**
 * Over `ms`: the CPU of every Chromium process (% of one core, all pages together) and the frames each page
 * decoded per second from each of the others.
 */
export async function meetingWindow(
  pages: Participant[],
  ms: number,
): Promise<{ cpuPercent: number; fpsPerStream: number; seconds: number }> {
  const pids = chromiumPids();
  const before = await Promise.all(pages.map((p) => pageDecoded(p.page)));
  const cpu0 = cpuSeconds(pids);
  const t0 = performance.now();
  await sleep(ms);
  const seconds = (performance.now() - t0) / 1000;
  const cpu1 = cpuSeconds(pids);
  const after = await Promise.all(pages.map((p) => pageDecoded(p.page)));
  const frames = after.reduce((sum, a, i) => sum + sumValues(a.video) - sumValues(before[i]?.video ?? {}), 0);
  return {
    cpuPercent: (100 * (cpu1 - cpu0)) / seconds,
    fpsPerStream: frames / seconds / (pages.length * (pages.length - 1)),
    seconds,
  };
}
