/**
 * Hang-up stress: hammers the teardown sequences that crash Debian's Janus 1.1.2 through the real server,
 * and counts Janus crashes (src/server/media/teardown-queue.ts lists the sequences, with the lines of
 * Janus's source where they race).
 *
 *   npm run bench:hangup                                                  (10 minutes, guard on)
 *   BENCH_SECONDS=600 PALABRE_UNSAFE_CONCURRENT_TEARDOWN=1 npm run bench:hangup   (guard off, to compare)
 *   BENCH_ROOMS=3 BENCH_NEWCOMERS=3                                       (rooms churning at once; per cycle)
 *
 * Several rooms churn side by side. Each cycle, in a fresh room: two anchors join and publish (one a tone and
 * video, one a muted microphone; both receive). Then newcomers join and publish at once, and most hang up
 * by `leave` or by dropping their socket, at a moment when requests are in flight: just as `joined` comes
 * back (their subscriber's `join` is on its way to Janus), just as they send `publish` (their publisher's
 * `joinandconfigure`), just as their publisher is up (the anchors' `subscribe` to their feed), or at any
 * moment in their first 800 ms. Then, 0-1.5 s later,
 * everyone left hangs up at the same instant: publishers and subscribers detached together, and the room
 * destroyed right behind them.
 *
 * A crash: a "janus exited unexpectedly" or "janus died" line in the server's log (janus-process.ts); the Janus
 * pid in /metrics changing says the same. The server restarts Janus and the churn goes on. Exits non-zero if
 * Janus crashed.
 */
import { fileURLToPath } from "node:url";
import { Bot } from "../bots/bot.js";
import { preparePublisher } from "../bots/connections.js";
import { unsafeConcurrentTeardown } from "../src/server/media/teardown-queue.js";
import { type ServerHandle, startServer, tail } from "../test/helpers/server.js";
import { ensureVeth } from "../test/helpers/veth.js";
import { sleep } from "../test/helpers/wait.js";
import { machineLoad, scrapeMetrics } from "./lib.js";

export interface HangupStressOptions {
  durationMs: number;
  /** Rooms churning at once. */
  rooms: number;
  /** Newcomers per cycle and room (besides the two anchors). */
  newcomers: number;
  log?: (line: string) => void;
}

export interface HangupStressResult {
  /** Whether the server serialized its teardowns (its log says when PALABRE_UNSAFE_… turned that off). */
  guard: boolean;
  seconds: number;
  cycles: number;
  /** Participants who joined (or tried to). */
  visits: number;
  /** Anchors whose publisher connected, of all anchors. */
  anchorsUp: number;
  /** Hang-ups 0-800 ms after joining, by leave and by dropped socket. */
  earlyLeaves: number;
  earlyDrops: number;
  /** Janus errors for requests that reached a handle being torn down (see LATE). */
  lateRequests: number;
  /** Crash lines in the server's log, and the signals or exit codes they name. */
  crashes: number;
  crashLines: string[];
  /** Every Janus pid seen in /metrics, in order. */
  janusPids: number[];
  /** Janus handles once everyone left and the rooms closed; -1 if they did not go back to 0 in time. */
  endHandles: number;
}

const CRASH = /janus exited unexpectedly|janus died/;
/**
 * Janus's errors for a request that reached a handle already detached or being torn down (1.1.2's janus.c and
 * janus_videoroom.c): a request for a handle gone ("Couldn't find any handle"), an SDP or an event for one
 * being detached ("Error setting ICE locally", "No WebRTC PeerConnection", "Cannot push event"), a plugin
 * message whose session was destroyed meanwhile ("No session associated"). Each is one of the racy sequences
 * happening; the server relays Janus's error lines, by location or in full (JANUS_VERBOSE_LOG=1).
 */
const LATE =
  /janus_process_incoming_request:(1184|1486)|janus_plugin_push_event:3623|janus_plugin_handle_sdp:(3679|3739|3984)|janus_videoroom_handler:9062/;
/** What the server logs when its teardown guard is off (teardown-queue.ts). */
const UNGUARDED = /teardowns are not serialized/;
/** Rooms whose last participant dropped wait this long for them (door.ts RESUME_WINDOW_MS), with a margin. */
const ROOMS_CLOSE_MS = 70_000;

type Hangup = "leave" | "drop";

/** Hangs a bot up now: `leave` (the server answers and closes), or its socket dropped. Never throws. */
async function hangUp(bot: Bot, how: Hangup): Promise<void> {
  if (how === "leave") {
    // Sent raw: a bot still joining has not got `joined` yet, and Bot.leave() would only drop it.
    bot.send({ type: "leave", id: 1_000_000_000 });
    await Promise.race([bot.closed, sleep(3000)]);
  }
  bot.close();
}

const pick = <T>(xs: readonly T[]): T => xs[Math.floor(Math.random() * xs.length)] as T;

/**
 * When a newcomer hangs up (then 0-15 ms more): when `joined` comes back (the server has just sent its
 * subscriber's `join` to Janus, with the anchors' feeds), when it sends `publish` (its publisher's
 * `joinandconfigure` goes next), once its publisher is up (the anchors are subscribing to it), or at any
 * moment in its first 800 ms.
 */
const MOMENTS = ["joined", "joined", "publish", "up", "any"] as const;
type Moment = (typeof MOMENTS)[number];

function momentOf(bot: Bot, moment: Moment): Promise<void> {
  return new Promise((resolve) => {
    if (moment === "joined") bot.onMessage((m) => m.type === "joined" && resolve());
    if (moment === "publish") {
      const send = bot.send.bind(bot);
      bot.send = (msg) => {
        send(msg);
        if (msg.type === "publish") resolve();
      };
    }
    if (moment === "any") resolve();
    // "up": when start() resolves (the caller races it).
  });
}

export async function runHangupStress(
  server: ServerHandle,
  opts: HangupStressOptions,
): Promise<HangupStressResult> {
  const log = opts.log ?? (() => {});
  await preparePublisher({ audio: "on", video: true });
  const started = Date.now();
  const deadline = started + opts.durationMs;
  let cycles = 0;
  let visits = 0;
  let earlyLeaves = 0;
  let earlyDrops = 0;
  let anchorsUp = 0;
  const pids: number[] = [];
  const crashCount = () => server.lines.filter((l) => CRASH.test(l)).length;

  const readMetrics = async () => {
    const m = await scrapeMetrics(server.origin).catch(() => undefined);
    const pid = m?.get("palabre_janus_pid");
    if (pid && pids[pids.length - 1] !== pid) pids.push(pid);
    return m;
  };
  await readMetrics();
  const watch = setInterval(() => void readMetrics(), 1000);
  const progress = setInterval(() => {
    void readMetrics().then((m) =>
      log(
        `[hangup t=${Math.round((Date.now() - started) / 1000)}s] cycles ${cycles}, visits ${visits}, ` +
          `crashes ${crashCount()} | ${m?.get("palabre_participants") ?? "?"} participants, ` +
          `${m?.get("palabre_janus_handles") ?? "?"} Janus handles`,
      ),
    );
  }, 10_000);

  const cycle = async (loop: number): Promise<void> => {
    const room = `hangup-${loop}-${cycles}-${Math.random().toString(36).slice(2, 8)}`;
    const bot = (name: string, role: { audio: "on" | "muted"; video: boolean; subscribe: boolean }) => {
      visits++;
      return new Bot({ url: server.wsUrl, room, name, ...role, timeoutMs: 8000 });
    };
    const anchors = [
      bot("anchor-a", { audio: "on", video: true, subscribe: true }),
      bot("anchor-b", { audio: "muted", video: false, subscribe: true }),
    ];
    const up = await Promise.allSettled(anchors.map((b) => b.start()));
    anchorsUp += up.filter((r) => r.status === "fulfilled").length;
    const stayers: Bot[] = [...anchors];
    const visitsDone = Array.from({ length: opts.newcomers }, async (_, i) => {
      const b = bot(`newcomer-${i}`, {
        audio: pick(["on", "muted"] as const),
        video: Math.random() < 0.5,
        subscribe: Math.random() < 0.5,
      });
      const moment = pick(MOMENTS);
      const reached = momentOf(b, moment);
      const joining = b.start().then(
        () => true,
        () => false,
      );
      // One in five stays for the wave; the others hang up at their moment, with their requests in flight.
      if (Math.random() < 0.2) {
        stayers.push(b);
        await joining;
        return;
      }
      // A newcomer whose start failed never reaches its moment: it hangs up at once.
      await Promise.race([reached, joining]);
      await sleep(moment === "any" ? Math.random() * 800 : Math.random() * 15);
      const how = pick(["leave", "drop"] as const);
      if (how === "leave") earlyLeaves++;
      else earlyDrops++;
      await hangUp(b, how);
      await joining;
    });
    await sleep(Math.random() * 1500);
    // Everyone still there at the same instant: concurrent detaches, then the room's destroy.
    await Promise.allSettled([
      ...stayers.map((b) => hangUp(b, pick(["leave", "drop"] as const))),
      ...visitsDone,
    ]);
    cycles++;
  };

  await Promise.all(
    Array.from({ length: opts.rooms }, async (_, loop) => {
      await sleep(loop * 300);
      while (Date.now() < deadline) await cycle(loop);
    }),
  );
  clearInterval(progress);
  const seconds = (Date.now() - started) / 1000;

  // Rooms whose last participant dropped wait a minute for them to come back; then every handle must be gone.
  let endHandles = -1;
  const until = Date.now() + ROOMS_CLOSE_MS;
  while (Date.now() < until) {
    const handles = (await readMetrics())?.get("palabre_janus_handles");
    if (handles === 0) {
      endHandles = 0;
      break;
    }
    await sleep(1000);
  }
  clearInterval(watch);
  const crashLines = server.lines.filter((l) => CRASH.test(l));
  return {
    guard: !server.lines.some((l) => UNGUARDED.test(l)),
    seconds,
    cycles,
    visits,
    anchorsUp,
    earlyLeaves,
    earlyDrops,
    lateRequests: server.lines.filter((l) => LATE.test(l)).length,
    crashes: crashLines.length,
    crashLines,
    janusPids: pids,
    endHandles,
  };
}

function envInt(name: string, fallback: number): number {
  const v = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(v) || v <= 0) throw new Error(`${name} must be a positive integer`);
  return v;
}

async function main(): Promise<number> {
  const seconds = envInt("BENCH_SECONDS", 600);
  const rooms = envInt("BENCH_ROOMS", 3);
  const newcomers = envInt("BENCH_NEWCOMERS", 3);
  ensureVeth();
  const server = await startServer({ name: "bench-hangup", logLevel: process.env.BENCH_LOG_LEVEL ?? "info" });
  const guard = !unsafeConcurrentTeardown();
  console.log(
    `[hangup] server ${server.origin} (log ${server.logFile}); guard ${guard ? "on" : "OFF"}; ` +
      `${rooms} rooms × (2 anchors + ${newcomers} newcomers) for ${seconds} s; ${machineLoad()}`,
  );
  try {
    const r = await runHangupStress(server, {
      durationMs: seconds * 1000,
      rooms,
      newcomers,
      log: (l) => console.log(l),
    });
    console.log("");
    console.log(
      `Hang-up stress, guard ${r.guard ? "on" : "off"}: ${r.seconds.toFixed(0)} s; ${machineLoad()}`,
    );
    console.log("");
    console.log(
      "| guard | seconds | cycles | visits | anchors up | early leaves | early drops | late requests | Janus crashes | Janus pids | handles at end |",
    );
    console.log("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    console.log(
      `| ${r.guard ? "on" : "off"} | ${r.seconds.toFixed(0)} | ${r.cycles} | ${r.visits} | ` +
        `${r.anchorsUp}/${2 * r.cycles} | ${r.earlyLeaves} | ` +
        `${r.earlyDrops} | ${r.lateRequests} | ${r.crashes} | ${r.janusPids.length} | ${r.endHandles < 0 ? "not 0 after 70 s" : r.endHandles} |`,
    );
    if (r.crashes > 0) {
      const minutes = r.seconds / 60;
      console.log(
        `\none crash every ${(minutes / r.crashes).toFixed(1)} min, every ${(r.cycles / r.crashes).toFixed(0)} cycles`,
      );
    }
    for (const l of r.crashLines.slice(0, 20)) console.log(`  crash: ${l}`);
    console.log(
      `\ncommand: BENCH_SECONDS=${seconds} BENCH_ROOMS=${rooms} BENCH_NEWCOMERS=${newcomers}` +
        `${r.guard ? "" : " PALABRE_UNSAFE_CONCURRENT_TEARDOWN=1"} npm run bench:hangup`,
    );
    return r.crashes === 0 && r.endHandles === 0 ? 0 : 1;
  } catch (err) {
    console.error(
      `[hangup] failed: ${err instanceof Error ? err.message : String(err)}\n${tail(server.lines, 20)}`,
    );
    return 1;
  } finally {
    await server.stop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exit(await main());
