/**
 * npm run bots -- --room R --count N --video K --subscribe M --duration S [options]
 *
 * Puts N headless participants in room R of a running Palabre server through its WebSocket protocol: the first
 * K publish video (320×180, 15 fps, one encoding), the first U (--unmuted, default K up to 5, at least 1) send a quiet tone,
 * the others publish a muted microphone; the last M receive everyone's media, the others receive nothing.
 * Prints a progress line every few seconds and a summary; all bots leave after S seconds (joining counts in S).
 * Exit code: 0 when every bot joined, every sender sent and every subscriber received from every sender; 1
 * otherwise; 2 for bad arguments.
 *
 * Options:
 *   --url ws://127.0.0.1:8080/ws   the server's WebSocket (default; PALABRE_WS_URL too)
 *   --local                        start a throwaway server + Janus on loopback for this run (needs root: the
 *                                  pal0 veth, see README)
 *   --unmuted U                    bots with the microphone on (default: K up to 5, at least 1)
 *   --presence                     muted bots publish nothing at all (default: a muted audio m-line)
 *   --decode                       subscribers decode with libwebrtc and hand frames to JavaScript (RTCVideoSink);
 *                                  by default they count packets and frames without decrypting them
 *   --every S                      seconds between progress lines (default 5)
 *   --concurrency C                joins in flight at once (default 4)
 *   --shards P                     spread the bots over P processes (default: 1 up to 10 bots, else one per
 *                                  20 non-subscribing bots plus one per subscriber, up to 6)
 *   --json                         also print the summary as one JSON line (BOTS_JSON …)
 */
import { startServer } from "../test/helpers/server.js";
import { ensureVeth } from "../test/helpers/veth.js";
import { shardedSwarm } from "./shards.js";
import {
  type FlowCheck,
  percentile,
  planRoles,
  progressLine,
  Swarm,
  type SwarmSample,
  sleep,
} from "./swarm.js";

interface Args {
  room: string;
  count: number;
  video: number;
  subscribe: number;
  duration: number;
  unmuted: number;
  url: string;
  local: boolean;
  presence: boolean;
  decode: boolean;
  every: number;
  concurrency: number;
  json: boolean;
  shards: number;
}

class UsageError extends Error {}

export function parseArgs(argv: string[]): Args {
  const values = new Map<string, string>();
  const flags = new Set<string>();
  const booleans = new Set(["local", "presence", "decode", "json", "help"]);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    if (!arg.startsWith("--")) throw new UsageError(`unexpected argument '${arg}'`);
    const [key, inline] = arg.slice(2).split("=", 2) as [string, string | undefined];
    if (booleans.has(key)) {
      flags.add(key);
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined) throw new UsageError(`--${key} needs a value`);
    values.set(key, value);
  }
  if (flags.has("help")) throw new UsageError("");
  const known = new Set([
    "room",
    "count",
    "video",
    "subscribe",
    "duration",
    "unmuted",
    "url",
    "every",
    "concurrency",
    "shards",
  ]);
  for (const key of values.keys()) if (!known.has(key)) throw new UsageError(`unknown option --${key}`);
  const int = (key: string, fallback: number, min: number, max: number): number => {
    const raw = values.get(key);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new UsageError(`--${key}: expected an integer from ${min} to ${max}, got '${raw}'`);
    return n;
  };
  const room = values.get("room");
  if (!room || !/^[\p{L}\p{N}_.-]{1,64}$/u.test(room))
    throw new UsageError("--room: 1 to 64 letters, digits, '-', '_' or '.'");
  const count = int("count", 10, 1, 500);
  const video = int("video", 0, 0, count);
  const args: Args = {
    room,
    count,
    video,
    subscribe: int("subscribe", 0, 0, count),
    duration: int("duration", 30, 5, 24 * 3600),
    unmuted: int("unmuted", Math.min(count, Math.max(1, Math.min(video, 5))), 0, count),
    url: values.get("url") ?? process.env.PALABRE_WS_URL ?? "ws://127.0.0.1:8080/ws",
    local: flags.has("local"),
    presence: flags.has("presence"),
    decode: flags.has("decode"),
    every: int("every", 5, 1, 600),
    concurrency: int("concurrency", 4, 1, 100),
    json: flags.has("json"),
    shards: int("shards", defaultShards(count, int("subscribe", 0, 0, count)), 1, 32),
  };
  if (!/^wss?:\/\//.test(args.url)) throw new UsageError("--url: a ws:// or wss:// URL");
  return args;
}

/** One process per ~20 bots, plus one per subscriber up to 6 (they receive everything). */
export function defaultShards(count: number, subscribe: number): number {
  if (count <= 10) return 1;
  // A subscriber handles every packet of the room, and with --decode applies offers with an m-line per
  // person to libwebrtc (a second or more in a big room): each gets a process of its own (up to 6) so that
  // the others stay responsive.
  return Math.ceil((count - subscribe) / 20) + Math.min(subscribe, 6);
}

function summarize(args: Args, swarm: Swarm, last: SwarmSample, flows: FlowCheck | undefined): string[] {
  const r = last.reports;
  const joins = r.flatMap((x) => (x.joinMs !== undefined ? [x.joinMs] : []));
  const pubs = r.flatMap((x) => (x.publishConnectedMs !== undefined ? [x.publishConnectedMs] : []));
  const publishers = swarm.members.filter((m) => m.role.audio !== "off" || m.role.video).length;
  const ms = (v: number) => `${Math.round(v)} ms`;
  const lines = [
    `Summary: room ${args.room}, ${args.count} bots (${args.video} video, ${args.unmuted} unmuted, ` +
      `${args.subscribe} subscribing), ${args.duration} s`,
    `  joined ${joins.length}/${args.count}` +
      (joins.length
        ? ` — join p50 ${ms(percentile(joins, 50))}, p95 ${ms(percentile(joins, 95))}, max ${ms(Math.max(...joins))}`
        : ""),
    `  publish connected ${pubs.length}/${publishers}` +
      (pubs.length ? ` — p50 ${ms(percentile(pubs, 50))}, p95 ${ms(percentile(pubs, 95))}` : ""),
    `  media out: ${flows ? `${flows.sending}/${flows.expectedSending} senders sending` : "not measured"}; ` +
      `${last.out.audioPackets} audio + ${last.out.videoPackets} video packets, ${last.out.videoFrames} frames sent`,
    `  media in: ${flows ? `${flows.receivingAll}/${flows.expectedReceiving} subscribers receiving from every sender` : "not measured"}; ` +
      `${last.in.audioPackets} audio + ${last.in.videoPackets} video packets, ${last.in.frames} frames (${args.decode ? "decoded" : "complete, not decoded"})`,
    `  websocket: ${last.wsIn} messages in, ${last.wsOut} out (bots' side)`,
  ];
  const failures = [
    ...swarm.startFailures,
    ...r.flatMap((x) => x.failures.map((f) => `${x.name}: ${f}`)),
    ...(flows?.problems ?? []),
  ];
  if (!flows) failures.push("the run was too short to measure media (raise --duration)");
  lines.push(failures.length === 0 ? "  failures: none" : `  failures (${failures.length}):`);
  for (const f of failures.slice(0, 30)) lines.push(`    - ${f}`);
  if (failures.length > 30) lines.push(`    … and ${failures.length - 30} more`);
  return lines;
}

export async function runCli(argv: string[]): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    if (err.message) console.error(`bots: ${err.message}`);
    console.error(
      "usage: npm run bots -- --room R [--count N] [--video K] [--subscribe M] [--duration S] [--unmuted U]\n" +
        "                        [--url ws://127.0.0.1:8080/ws | --local] [--presence] [--decode] [--every S]\n" +
        "                        [--concurrency C] [--json]",
    );
    return 2;
  }
  let stopServer: (() => Promise<unknown>) | undefined;
  if (args.local) {
    ensureVeth();
    // Every bot connects from 127.0.0.1: one address, more sockets than the default per-address cap.
    const server = await startServer({ name: "bots-local", env: { MAX_CONNECTIONS_PER_ADDRESS: "100000" } });
    args.url = server.wsUrl;
    stopServer = () => server.stop();
    console.log(`[bots] local server ${server.origin} (log ${server.logFile})`);
  }
  const startedAt = Date.now();
  const deadline = startedAt + args.duration * 1000;
  const roles = planRoles({
    count: args.count,
    video: args.video,
    subscribe: args.subscribe,
    unmuted: args.unmuted,
    mutedPublish: !args.presence,
    namePrefix: "bot",
  });
  const sharded =
    args.shards > 1
      ? shardedSwarm(args.url, args.room, roles, { shards: args.shards, decode: args.decode })
      : undefined;
  const swarm = sharded?.swarm ?? Swarm.palabre(args.url, args.room, roles, { decode: args.decode });
  console.log(
    `[bots] ${args.count} bots → ${args.url} room ${args.room}: ${args.video} video, ${args.unmuted} unmuted, ` +
      `${args.subscribe} subscribing, for ${args.duration} s, in ${args.shards} process(es)`,
  );
  let interrupted = false;
  const onSignal = () => {
    interrupted = true;
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);

  const samples: SwarmSample[] = [];
  let prev: SwarmSample | undefined;
  const starting = swarm.start({ concurrency: args.concurrency, deadline: deadline - 3000 });
  try {
    while (Date.now() < deadline && !interrupted) {
      await sleep(Math.min(args.every * 1000, Math.max(0, deadline - Date.now())));
      const s = await swarm.sample();
      samples.push(s);
      console.log(progressLine("bots", startedAt, args.count, prev, s));
      prev = s;
    }
    await starting;
    const last = await swarm.sample();
    // Flows are judged over the last ≥ 3 s during which every bot had finished starting.
    const before = [...samples].reverse().find((s) => last.at - s.at >= 3000 && s.joined === last.joined);
    const flows = before ? swarm.checkFlows(before, last) : undefined;
    await swarm.leave();
    const left = swarm.members.filter((m) => m.id !== undefined);
    const lines = summarize(args, swarm, last, flows);
    for (const line of lines) console.log(line);
    const failed =
      swarm.startFailures.length > 0 ||
      last.joined < args.count ||
      last.reports.some((r) => r.failures.length > 0) ||
      !flows ||
      flows.problems.length > 0 ||
      interrupted;
    if (args.json) {
      console.log(
        `BOTS_JSON ${JSON.stringify({
          joined: last.joined,
          count: args.count,
          left: left.length,
          flows,
          startFailures: swarm.startFailures,
          out: last.out,
          in: last.in,
          wsIn: last.wsIn,
          wsOut: last.wsOut,
        })}`,
      );
    }
    return failed ? 1 : 0;
  } finally {
    swarm.close();
    await sharded?.shutdown();
    await stopServer?.();
  }
}

// Run when executed directly (npm run bots), not when imported by a test.
if (process.argv[1] && /bots[\\/]cli\.ts$/.test(process.argv[1])) {
  runCli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      console.error(`bots: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      process.exit(1);
    },
  );
}
