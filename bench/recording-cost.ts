/**
 * What local recording costs (issue 25): a meeting of Chromium pages (camera and microphone), with and
 * without the first page recording it, alternated (`BENCH_ROUNDS` each way) so that the machine's drift falls
 * on both. Each round: the pages join and settle 8 s, then over a 15 s window: the CPU of every Chromium
 * process (from /proc, % of one core, all pages together) and the frames each page decodes per second from
 * the others; when recording, the recorder's own figures (pictures a second, ms to draw one, the file's size)
 * as the page logs them when it stops. Prints one line per round and the medians.
 *
 *   npm run bench:recording     (BENCH_ROUNDS=N, default 3; BENCH_PAGES=N, default 3;
 *                                BENCH_DATA_SAVER=1: every page sends and receives the lowest layer only)
 */
import type { Browser, Page } from "playwright-core";
import { newParticipant, type Participant, savingData } from "../test/e2e/helpers/browser.js";
import { joinViaUi, waitForMediaFrom } from "../test/e2e/helpers/ui.js";
import type { ServerHandle } from "../test/helpers/server.js";
import { sleep } from "../test/helpers/wait.js";
import { meetingWindow, runBrowserBench } from "./browser-bench.js";
import { median, round } from "./lib.js";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const PAGES = Number(process.env.BENCH_PAGES ?? 3);
const DATA_SAVER = process.env.BENCH_DATA_SAVER === "1";
const SETTLE_MS = 8000;
const WINDOW_MS = 15_000;

interface Round {
  recording: boolean;
  cpuPercent: number;
  fpsPerStream: number;
  /** From the recorder's own line: "… 10.0 s, 3.5 pictures/s, 137.5 ms to draw one, 326 KiB". */
  pictures: number | null;
  drawMs: number | null;
  kib: number | null;
}

async function pressRecord(page: Page): Promise<void> {
  await page.locator("[data-testid=more-menu]").click();
  await page.locator("[data-testid=recording-toggle]").click();
}

function recorderLine(p: Participant): { pictures: number; drawMs: number; kib: number } | null {
  const line = p.console.filter((l) => l.includes("recording stopped")).at(-1);
  const m = line?.match(/([\d.]+) pictures\/s, ([\d.]+) ms to draw one, (\d+) KiB/);
  return m ? { pictures: Number(m[1]), drawMs: Number(m[2]), kib: Number(m[3]) } : null;
}

async function oneRound(
  browser: Browser,
  server: ServerHandle,
  recording: boolean,
  n: number,
): Promise<Round> {
  const room = `bench-recording-${recording ? "on" : "off"}-${n}-${Date.now().toString(36)}`;
  const pages: Participant[] = [];
  const ids: string[] = [];
  try {
    for (let i = 0; i < PAGES; i++) {
      const p = await newParticipant(browser, `p${i}`);
      if (DATA_SAVER) await savingData(p);
      pages.push(p);
      ids.push(await joinViaUi(p.page, server.origin, room, `P${i}`));
    }
    for (const [i, p] of pages.entries())
      await waitForMediaFrom(
        p.page,
        ids.filter((_, j) => j !== i),
        40_000,
      );
    const recorder = pages[0] as Participant;
    if (recording) {
      await pressRecord(recorder.page);
      await recorder.page.locator("[data-testid=recording-indicator]").waitFor({ timeout: 20_000 });
    }
    await sleep(SETTLE_MS);
    const { cpuPercent, fpsPerStream } = await meetingWindow(pages, WINDOW_MS);
    let figures: ReturnType<typeof recorderLine> = null;
    if (recording) {
      const saved = recorder.page.waitForEvent("download", { timeout: 60_000 });
      await pressRecord(recorder.page);
      await saved;
      figures = recorderLine(recorder);
    }
    return {
      recording,
      cpuPercent,
      fpsPerStream,
      pictures: figures?.pictures ?? null,
      drawMs: figures?.drawMs ?? null,
      kib: figures?.kib ?? null,
    };
  } finally {
    for (const p of pages) await p.close();
    await sleep(2000);
  }
}

const cell = (v: number | null, digits = 0, width = 10) =>
  (v === null ? "—" : round(v, digits)).padStart(width);

runBrowserBench("bench-recording", async (server, browser) => {
  const rounds: Round[] = [];
  console.log(
    `[bench] ${PAGES} Chromium pages${DATA_SAVER ? " saving data" : ""}, ${ROUNDS} rounds each way, ${WINDOW_MS / 1000} s windows`,
  );
  console.log(
    "round  recording  chromium CPU (% of a core)  decoded fps per stream  pictures/s  draw ms   KiB",
  );
  for (let n = 0; n < ROUNDS; n++) {
    for (const recording of [false, true]) {
      const r = await oneRound(browser, server, recording, n);
      rounds.push(r);
      console.log(
        `${String(n + 1).padStart(5)}  ${recording ? "      yes" : "       no"}  ${round(r.cpuPercent).padStart(26)}  ${round(r.fpsPerStream, 1).padStart(22)}  ${cell(r.pictures, 1)}  ${cell(r.drawMs, 1, 7)}  ${cell(r.kib, 0, 5)}`,
      );
    }
  }
  const off = rounds.filter((r) => !r.recording);
  const on = rounds.filter((r) => r.recording);
  const cpuOff = median(off.map((r) => r.cpuPercent));
  const cpuOn = median(on.map((r) => r.cpuPercent));
  console.log(
    `median: not recording ${round(cpuOff)} % CPU, ${round(median(off.map((r) => r.fpsPerStream)), 1)} fps per stream; recording ${round(cpuOn)} % CPU (+${round(cpuOn - cpuOff)} % of a core), ${round(median(on.map((r) => r.fpsPerStream)), 1)} fps per stream, ${round(median(on.map((r) => r.pictures ?? Number.NaN)), 1)} pictures/s recorded, ${round(median(on.map((r) => r.drawMs ?? Number.NaN)), 1)} ms to draw one`,
  );
});
