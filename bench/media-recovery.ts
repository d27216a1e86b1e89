/**
 * How long a meeting goes without sound and pictures when Janus dies: three Chromium pages in a call (camera
 * and microphone, simulcast), Janus killed with SIGKILL `BENCH_KILLS` times, each once the media has settled.
 * For every kill and every page: when the server's `media.restored` reached it (the new Janus answers), and
 * when new frames were decoded and new audio arrived from both others on new connections. Prints one line per
 * kill and the distribution over all pages and kills.
 *
 * The target (README "When something fails"): every page back within 5 s of the kill. The e2e test
 * (test/e2e/media-recovery.test.ts) checks that media comes back at all; this is where its speed is measured.
 *
 *   npm run bench:recovery      (BENCH_KILLS=N, default 8)
 */
import type { Browser } from "playwright-core";
import { launchChromium, newParticipant, type Participant } from "../test/e2e/helpers/browser.js";
import { janusPid, markConnectionsOld, waitForNewMedia } from "../test/e2e/helpers/recovery.js";
import { joinViaUi, waitForMediaFrom } from "../test/e2e/helpers/ui.js";
import { type FrameLog, recordFrames } from "../test/e2e/helpers/ws-frames.js";
import { ensureClientBuild } from "../test/helpers/client-build.js";
import { type ServerHandle, startServer } from "../test/helpers/server.js";
import { ensureVeth } from "../test/helpers/veth.js";
import { sleep, waitFor } from "../test/helpers/wait.js";
import { machineLoad, quantile, round } from "./lib.js";

const KILLS = Number(process.env.BENCH_KILLS ?? 8);
/** Between kills: media settled, and the new Janus up longer than the supervisor's crash-loop window (10 s). */
const SETTLE_MS = 12_000;
const TARGET_MS = 5000;

interface Page3 {
  participant: Participant;
  id: string;
  name: string;
  /** What the page received, and when. */
  frames: FrameLog;
}

async function main(): Promise<void> {
  ensureVeth();
  ensureClientBuild();
  const server: ServerHandle = await startServer({ name: "bench-media-recovery" });
  const browser: Browser = await launchChromium();
  const room = `bench-recovery-${Date.now().toString(36)}`;
  const pages: Page3[] = [];
  try {
    for (const name of ["Ann", "Ben", "Cat"]) {
      const participant = await newParticipant(browser, name.toLowerCase());
      const entry: Page3 = { participant, id: "", name, frames: recordFrames(participant.page) };
      entry.id = await joinViaUi(participant.page, server.origin, room, name);
      pages.push(entry);
    }
    for (const x of pages) {
      await waitForMediaFrom(
        x.participant.page,
        pages.filter((y) => y !== x).map((y) => y.id),
      );
    }
    console.log(`3 pages in a call; ${KILLS} kills, ${SETTLE_MS / 1000} s apart; load ${machineLoad()}`);
    const all: number[] = [];
    const restored: number[] = [];
    for (let k = 1; k <= KILLS; k++) {
      await sleep(SETTLE_MS);
      for (const x of pages) await markConnectionsOld(x.participant.page);
      const old = janusPid(server);
      const killedAt = Date.now();
      process.kill(old, "SIGKILL");
      const back = await Promise.all(
        pages.map((x) =>
          waitForNewMedia(
            x.participant.page,
            pages.filter((y) => y !== x).map((y) => y.id),
            killedAt,
            30_000,
          ),
        ),
      );
      await waitFor(() => janusPid(server) !== old, { what: "a new Janus" });
      const line = pages.map((x, i) => {
        const r = x.frames.receivedAt.find(
          (t, i) => t >= killedAt && x.frames.received[i]?.type === "media.restored",
        );
        if (r !== undefined) restored.push(r - killedAt);
        const ms = back[i]?.ms ?? Number.NaN;
        all.push(ms);
        return `${x.name} restored +${r === undefined ? "—" : r - killedAt} ms, media +${ms} ms`;
      });
      console.log(`kill ${k}: ${line.join("; ")}`);
    }
    all.sort((a, b) => a - b);
    restored.sort((a, b) => a - b);
    const within = all.filter((ms) => ms <= TARGET_MS).length;
    console.log(
      `media.restored after the kill (ms): median ${quantile(restored, 0.5)}, max ${restored.at(-1)}`,
    );
    console.log(
      `media back on a page after the kill (ms, ${all.length} page-kills): min ${all[0]}, median ${quantile(all, 0.5)}, p95 ${quantile(all, 0.95)}, max ${all.at(-1)}; within ${TARGET_MS} ms: ${within}/${all.length} (${round((100 * within) / all.length)} %)`,
    );
  } finally {
    for (const x of pages) await x.participant.close();
    await browser.close();
    await server.stop(undefined, { allowUnclean: true }).catch(() => undefined);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
