/**
 * What noise suppression costs (issue 25): two Chromium pages in a meeting (camera and microphone), the
 * first one's noise suppression (RNNoise in an AudioWorklet) turned off and on in its settings, alternated
 * (`BENCH_ROUNDS` each way) so that the machine's drift falls on both. Each window (after 3 s to settle,
 * `BENCH_WINDOW_S` long): the CPU of every Chromium process (from /proc, % of one core, both pages together),
 * the frames each page decodes per second from the other, and the worklet's own work as a share of real
 * time, as it reports it. Prints one line per window and the medians.
 *
 *   npm run bench:noise     (BENCH_ROUNDS=N, default 3; BENCH_WINDOW_S=N, default 15)
 */
import type { Page } from "playwright-core";
import { newParticipant, type Participant } from "../test/e2e/helpers/browser.js";
import { joinViaUi, waitForMediaFrom } from "../test/e2e/helpers/ui.js";
import { sleep, waitFor } from "../test/helpers/wait.js";
import { meetingWindow, runBrowserBench } from "./browser-bench.js";
import { median, round } from "./lib.js";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const WINDOW_MS = Number(process.env.BENCH_WINDOW_S ?? 15) * 1000;
const SETTLE_MS = 3000;

/** Turns the page's noise suppression on or off in its settings, and waits until it is applied. */
async function setNoiseSuppression(page: Page, on: boolean): Promise<void> {
  await page.locator("[data-testid=more-menu]").click();
  await page.locator("[data-testid=open-settings]").click();
  const toggle = page.locator("[data-testid=settings-dialog] [data-testid=noise-suppression-model]");
  await toggle.setChecked(on);
  await waitFor(async () => (await toggle.isChecked()) === on && (await toggle.isEnabled()), {
    timeoutMs: 10_000,
    what: `noise suppression ${on ? "on" : "off"}`,
  });
  await page.keyboard.press("Escape");
}

/** The worklet's work in its last report (a share of real time), read from the page's audio graph. */
async function workletBusy(page: Page): Promise<number | null> {
  return page.evaluate(() => {
    const w = window as unknown as { __palabreDenoiseBusy?: number };
    return w.__palabreDenoiseBusy ?? null;
  });
}

runBrowserBench("bench-noise", async (server, browser) => {
  const room = `bench-noise-${Date.now().toString(36)}`;
  const pages: Participant[] = [];
  const ids: string[] = [];
  for (let i = 0; i < 2; i++) {
    const p = await newParticipant(browser, `p${i}`);
    pages.push(p);
    ids.push(await joinViaUi(p.page, server.origin, room, `P${i}`));
  }
  for (const [i, p] of pages.entries()) await waitForMediaFrom(p.page, [ids[1 - i] as string], 40_000);
  const first = (pages[0] as Participant).page;
  console.log(`[bench] 2 Chromium pages, ${ROUNDS} rounds each way, ${WINDOW_MS / 1000} s windows`);
  console.log("round  suppression  chromium CPU (% of a core)  decoded fps per stream  worklet busy (%)");
  const rows: { on: boolean; cpu: number; fps: number; busy: number | null }[] = [];
  for (let n = 0; n < ROUNDS; n++) {
    for (const on of [false, true]) {
      await setNoiseSuppression(first, on);
      await sleep(SETTLE_MS);
      const { cpuPercent, fpsPerStream } = await meetingWindow(pages, WINDOW_MS);
      const busy = on ? await workletBusy(first) : null;
      rows.push({ on, cpu: cpuPercent, fps: fpsPerStream, busy });
      console.log(
        `${String(n + 1).padStart(5)}  ${(on ? "on" : "off").padStart(11)}  ${round(cpuPercent).padStart(26)}  ${round(fpsPerStream, 1).padStart(22)}  ${(busy === null ? "—" : round(100 * busy, 2)).padStart(16)}`,
      );
    }
  }
  const off = rows.filter((r) => !r.on);
  const on = rows.filter((r) => r.on);
  const cpuOff = median(off.map((r) => r.cpu));
  const cpuOn = median(on.map((r) => r.cpu));
  console.log(
    `median: off ${round(cpuOff)} % CPU, ${round(median(off.map((r) => r.fps)), 1)} fps per stream; on ${round(cpuOn)} % CPU (${cpuOn >= cpuOff ? "+" : ""}${round(cpuOn - cpuOff)} % of a core), ${round(median(on.map((r) => r.fps)), 1)} fps per stream, the worklet busy ${round(100 * median(on.map((r) => r.busy ?? Number.NaN)), 2)} % of real time`,
  );
  for (const p of pages) await p.close();
});
