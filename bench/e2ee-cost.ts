/**
 * What end-to-end encryption costs the browsers (issue 21): a meeting of four Chromium pages (camera and
 * microphone, simulcast), with and without E2EE, alternated (plain, E2EE, plain, E2EE… `BENCH_ROUNDS` each) so
 * that the machine's drift falls on both. Each round: four pages join, settle for 8 s, then over a 15 s window
 * the CPU of every Chromium process (from /proc, % of one core, all four pages together), the frames each page
 * decodes per second from the other three, and, with E2EE, the frames encrypted and decrypted per second (the
 * test's worker tap). Prints one line per round and the medians.
 *
 *   npm run bench:e2ee          (BENCH_ROUNDS=N, default 3; BENCH_PAGES=N, default 4)
 */
import type { Browser } from "playwright-core";
import { newParticipant, type Participant } from "../test/e2e/helpers/browser.js";
import { E2EE_WORKER_TAP, e2eeStats, openWithKey } from "../test/e2e/helpers/e2ee.js";
import { joinFromPrejoin, joinViaUi, waitForMediaFrom } from "../test/e2e/helpers/ui.js";
import type { ServerHandle } from "../test/helpers/server.js";
import { sleep } from "../test/helpers/wait.js";
import { meetingWindow, runBrowserBench } from "./browser-bench.js";
import { median, round } from "./lib.js";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const PAGES = Number(process.env.BENCH_PAGES ?? 4);
const SETTLE_MS = 8000;
const WINDOW_MS = 15_000;

interface Round {
  e2ee: boolean;
  cpuPercent: number;
  fpsPerStream: number;
  encryptedPerSecond: number | null;
  decryptedPerSecond: number | null;
}

async function oneRound(browser: Browser, server: ServerHandle, e2ee: boolean, n: number): Promise<Round> {
  const room = `bench-e2ee-${e2ee ? "on" : "off"}-${n}-${Date.now().toString(36)}`;
  const pages: Participant[] = [];
  const ids: string[] = [];
  try {
    for (let i = 0; i < PAGES; i++) {
      const p = await newParticipant(browser, `p${i}`);
      await p.context.addInitScript(E2EE_WORKER_TAP);
      pages.push(p);
      if (e2ee) {
        await openWithKey(p.page, server.origin, room, "bench-passphrase");
        ids.push(await joinFromPrejoin(p.page, `P${i}`));
      } else ids.push(await joinViaUi(p.page, server.origin, room, `P${i}`));
    }
    for (const [i, p] of pages.entries())
      await waitForMediaFrom(
        p.page,
        ids.filter((_, j) => j !== i),
        40_000,
      );
    await sleep(SETTLE_MS);
    const statsBefore = e2ee ? await Promise.all(pages.map((p) => e2eeStats(p.page))) : [];
    const { cpuPercent, fpsPerStream, seconds } = await meetingWindow(pages, WINDOW_MS);
    const statsAfter = e2ee ? await Promise.all(pages.map((p) => e2eeStats(p.page))) : [];
    const delta = (key: "encrypted" | "decrypted") =>
      statsAfter.reduce((sum, s, i) => sum + (s?.[key] ?? 0) - (statsBefore[i]?.[key] ?? 0), 0) / seconds;
    return {
      e2ee,
      cpuPercent,
      fpsPerStream,
      encryptedPerSecond: e2ee ? delta("encrypted") : null,
      decryptedPerSecond: e2ee ? delta("decrypted") : null,
    };
  } finally {
    for (const p of pages) await p.close();
    await sleep(2000);
  }
}

runBrowserBench("bench-e2ee", async (server, browser) => {
  const rounds: Round[] = [];
  console.log(`[bench] ${PAGES} Chromium pages, ${ROUNDS} rounds each way, ${WINDOW_MS / 1000} s windows`);
  console.log("round  e2ee  chromium CPU (% of a core)  decoded fps per stream  encrypted/s  decrypted/s");
  for (let n = 0; n < ROUNDS; n++) {
    for (const e2ee of [false, true]) {
      const r = await oneRound(browser, server, e2ee, n);
      rounds.push(r);
      console.log(
        `${String(n + 1).padStart(5)}  ${e2ee ? " on " : " off"}  ${round(r.cpuPercent).padStart(26)}  ${round(r.fpsPerStream, 1).padStart(22)}  ${r.encryptedPerSecond === null ? "—".padStart(11) : round(r.encryptedPerSecond).padStart(11)}  ${r.decryptedPerSecond === null ? "—".padStart(11) : round(r.decryptedPerSecond).padStart(11)}`,
      );
    }
  }
  const off = rounds.filter((r) => !r.e2ee);
  const on = rounds.filter((r) => r.e2ee);
  const cpuOff = median(off.map((r) => r.cpuPercent));
  const cpuOn = median(on.map((r) => r.cpuPercent));
  console.log(
    `median: without E2EE ${round(cpuOff)} % CPU, ${round(median(off.map((r) => r.fpsPerStream)), 1)} fps per stream; with E2EE ${round(cpuOn)} % CPU (×${round(cpuOn / cpuOff, 2)}), ${round(median(on.map((r) => r.fpsPerStream)), 1)} fps per stream; per page: +${round((cpuOn - cpuOff) / PAGES, 1)} % of a core`,
  );
});
