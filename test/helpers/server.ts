/**
 * Starts the real Palabre server (which spawns its own Janus) on a free port, waits until it is ready, collects
 * its output, and stops it (and anything it left behind). Used by the integration tests, the e2e tests and the
 * benchmarks; imports nothing from vitest.
 *
 * Contract relied on: `tsx src/server/main.ts` with env PORT, HOST, JANUS_ICE_INTERFACE, JANUS_RTP_PORTS,
 * LOG_LEVEL; prints a line containing "listening on http://" when ready; GET /healthz → 200 JSON; on SIGTERM
 * stops its Janus, removes Janus's folder and exits 0 (README "Running").
 *
 * A server that does not stop cleanly when stop() asks it to (it needs SIGKILL, exits with an error, leaves a
 * process or its Janus folder behind) fails the caller: stop() still cleans up after it, so that the machine
 * stays clean, then throws an UncleanStopError naming what was left.
 */
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import https from "node:https";
import { createRequire } from "node:module";
import net from "node:net";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { REPO_ROOT, resultsDir } from "./paths.js";
import { alive, descendantsOf, janusFoldersOf, startTimeOf, tmpdirOf } from "./processes.js";
import { VETH_IFACE } from "./veth.js";
import { sleep } from "./wait.js";

export interface StartServerOptions {
  /** Label for the log file under test-results/logs/. */
  name?: string;
  /** JANUS_ICE_INTERFACE; default pal0 (see veth.ts). `null` leaves it unset. */
  iceInterface?: string | null;
  /** Extra environment; a value of `undefined` removes the variable. */
  env?: Record<string, string | undefined>;
  logLevel?: string;
  startTimeoutMs?: number;
  /** The server's working folder; default the repository (the tests that look at what it writes give it one). */
  cwd?: string;
  /** HOST, and the address origin/wsUrl use; default 127.0.0.1. */
  host?: string;
}

export interface StopReport {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** Exited by itself within the grace period after SIGTERM. */
  graceful: boolean;
  durationMs: number;
  /** PIDs of the server's descendants (e.g. janus) that were still alive after it exited; killed by us. */
  leftoverDescendants: { pid: number; cmd: string }[];
  /** Janus folders (with the API secrets) of this server still there after it exited; removed by us. */
  leftoverFolders: string[];
  /** Why the stop was not clean; empty when it was (or when the server had already exited before stop()). */
  problems: string[];
}

export interface StopOptions {
  /** Return the report of an unclean stop instead of throwing (for tests that look at the report itself). */
  allowUnclean?: boolean;
}

/** Thrown by stop() when the server did not stop cleanly; the machine has been cleaned up all the same. */
export class UncleanStopError extends Error {
  constructor(
    readonly report: StopReport,
    logFile: string,
  ) {
    super(`the server did not stop cleanly: ${report.problems.join("; ")} (log ${logFile})`);
    this.name = "UncleanStopError";
  }
}

export interface ServerHandle {
  port: number;
  /** e.g. http://127.0.0.1:43121 */
  origin: string;
  /** e.g. ws://127.0.0.1:43121/ws */
  wsUrl: string;
  pid: number;
  logFile: string;
  /** Every line the server printed so far, prefixed "out| " or "err| ". */
  lines: string[];
  output(): string;
  /** Resolves with the first line (already printed or future) matching `re`. */
  waitForOutput(re: RegExp, timeoutMs?: number): Promise<string>;
  isRunning(): boolean;
  exitInfo(): { code: number | null; signal: NodeJS.Signals | null } | null;
  /** Live descendants of the server process (pid and command line). */
  descendants(): { pid: number; cmd: string }[];
  /** SIGTERM, then SIGKILL after `graceMs`; throws UncleanStopError (after cleaning up) unless it stopped cleanly. */
  stop(graceMs?: number, options?: StopOptions): Promise<StopReport>;
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // If the test process dies with servers still up, take their process groups down with it.
  process.on("exit", () => {
    for (const child of running) {
      if (child.pid !== undefined) {
        try {
          process.kill(-child.pid, "SIGKILL");
        } catch {
          /* already gone */
        }
      }
    }
  });
}

export async function getFreePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, host, () => {
      const address = srv.address();
      srv.close(() => {
        if (address && typeof address === "object") resolve(address.port);
        else reject(new Error("no port"));
      });
    });
  });
}

/** A block of 1000 UDP ports for Janus, picked at random in 20000-39999 so successive servers do not share. */
function pickRtpRange(): string {
  const base = 20_000 + 1000 * Math.floor(Math.random() * 20);
  return `${base}-${base + 999}`;
}

async function healthz(origin: string): Promise<boolean> {
  if (origin.startsWith("https:")) return healthzOverTls(origin);
  try {
    const res = await fetch(`${origin}/healthz`, { signal: AbortSignal.timeout(2000) });
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
}

/** Readiness only (the tests check the certificate themselves, with their CA): any certificate will do here. */
function healthzOverTls(origin: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = https.get(`${origin}/healthz`, { rejectUnauthorized: false, timeout: 2000 }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode === 200));
    });
    req.on("error", () => resolve(false));
    req.on("timeout", () => req.destroy());
  });
}

/** How many ports startServer tries when the one it picked is taken before the server listens on it. */
const PORT_ATTEMPTS = 3;

export async function startServer(options: StartServerOptions = {}): Promise<ServerHandle> {
  // The free port is found by binding 0 and closing; the server listens on it only after Janus is up, half a
  // second later, and meanwhile another process may take it (a CI run lost a suite to EADDRINUSE).
  for (let attempt = 1; ; attempt++) {
    try {
      return await startServerOnce(options);
    } catch (err) {
      if (!(err instanceof PortTaken) || attempt >= PORT_ATTEMPTS) throw err;
    }
  }
}

class PortTaken extends Error {}

/** Those of `processes` still alive after waiting up to `ms` for them to go. */
async function stillAlive<P extends { pid: number }>(processes: P[], ms: number): Promise<P[]> {
  const deadline = Date.now() + ms;
  let left = processes.filter((d) => alive(d.pid));
  while (left.length > 0 && Date.now() < deadline) {
    await sleep(20);
    left = left.filter((d) => alive(d.pid));
  }
  return left;
}

async function startServerOnce(options: StartServerOptions): Promise<ServerHandle> {
  installExitHook();
  const host = options.host ?? "127.0.0.1";
  const port = await getFreePort(host);
  // TLS_CERT given: the server serves HTTPS itself.
  const origin = `${options.env?.TLS_CERT ? "https" : "http"}://${host}:${port}`;
  const name = options.name ?? "server";
  const logFile = path.join(resultsDir("logs"), `${name.replace(/[^\w.-]+/g, "_")}-${port}.log`);
  const logStream = fs.createWriteStream(logFile);

  const env: Record<string, string | undefined> = { ...process.env };
  // Do not let the test runner's environment change how the server behaves.
  for (const key of Object.keys(env)) {
    if (key.startsWith("VITEST") || key === "NODE_ENV" || key === "TEST") delete env[key];
  }
  Object.assign(env, {
    PORT: String(port),
    HOST: host,
    JANUS_RTP_PORTS: pickRtpRange(),
    LOG_LEVEL: options.logLevel ?? process.env.PALABRE_TEST_LOG_LEVEL ?? "info",
  });
  const ice = options.iceInterface === undefined ? VETH_IFACE : options.iceInterface;
  if (ice !== null) env.JANUS_ICE_INTERFACE = ice;
  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }

  // `--import tsx` is resolved from the working folder: elsewhere than the repository, name the loader's file.
  const loader = options.cwd ? pathToFileURL(createRequire(`${REPO_ROOT}/`).resolve("tsx")).href : "tsx";
  const child = spawn(process.execPath, ["--import", loader, path.join(REPO_ROOT, "src/server/main.ts")], {
    cwd: options.cwd ?? REPO_ROOT,
    env: env as NodeJS.ProcessEnv,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true, // own process group: stop() can signal the server and whatever it spawned
  });
  if (child.pid === undefined) throw new Error("could not spawn the server");
  const pid = child.pid;
  // Read at once: the server's owner files carry it, and after the exit it can no longer be read.
  const startTime = startTimeOf(pid);
  const tmp = tmpdirOf(env);
  running.add(child);
  logStream.write(
    `# ${new Date().toISOString()} pid ${pid} PORT=${port} JANUS_RTP_PORTS=${env.JANUS_RTP_PORTS}\n`,
  );

  const lines: string[] = [];
  const lineWaiters: { re: RegExp; resolve: (line: string) => void }[] = [];
  let exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  const exited = new Promise<void>((resolve) => {
    child.on("exit", (code, signal) => {
      exit = { code, signal };
      running.delete(child);
      logStream.write(`# exited code=${code} signal=${signal}\n`);
      resolve();
    });
  });

  const onLine = (prefix: string, line: string) => {
    const tagged = `${prefix}| ${line}`;
    lines.push(tagged);
    logStream.write(`${tagged}\n`);
    for (let i = lineWaiters.length - 1; i >= 0; i--) {
      const waiter = lineWaiters[i];
      if (waiter?.re.test(line)) {
        lineWaiters.splice(i, 1);
        waiter.resolve(tagged);
      }
    }
  };
  for (const [stream, prefix] of [
    [child.stdout, "out"],
    [child.stderr, "err"],
  ] as const) {
    let pending = "";
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => {
      pending += chunk;
      let nl = pending.indexOf("\n");
      while (nl >= 0) {
        onLine(prefix, pending.slice(0, nl));
        pending = pending.slice(nl + 1);
        nl = pending.indexOf("\n");
      }
    });
    stream.on("end", () => {
      if (pending) onLine(prefix, pending);
      pending = "";
    });
  }

  const waitForOutput = (re: RegExp, timeoutMs = 10_000): Promise<string> => {
    const seen = lines.find((l) => re.test(l.slice(5)));
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const waiter = {
        re,
        resolve: (line: string) => {
          clearTimeout(timer);
          resolve(line);
        },
      };
      const timer = setTimeout(() => {
        const i = lineWaiters.indexOf(waiter);
        if (i >= 0) lineWaiters.splice(i, 1);
        reject(new Error(`server printed no line matching ${re} within ${timeoutMs} ms`));
      }, timeoutMs);
      lineWaiters.push(waiter);
    });
  };

  const stop = async (graceMs = 5000, { allowUnclean = false }: StopOptions = {}): Promise<StopReport> => {
    const started = Date.now();
    // Only a server that this call stops is judged: one that had exited already (killed by a test, crashed at
    // start) may legitimately have left its folder for the next start to remove.
    const judged = exit === null;
    const before = judged ? descendantsOf(pid) : [];
    let graceful = true;
    if (judged) {
      try {
        process.kill(pid, "SIGTERM");
      } catch {
        /* gone */
      }
      const timedOut = await Promise.race([exited.then(() => false), sleep(graceMs).then(() => true)]);
      if (timedOut) {
        graceful = false;
        try {
          process.kill(-pid, "SIGKILL");
        } catch {
          /* gone */
        }
        await exited;
      }
    }
    // Give children (janus) a moment to follow their parent, then kill what is left, by pid.
    const leftovers = await stillAlive(before, 2000);
    for (const d of leftovers) {
      try {
        process.kill(d.pid, "SIGKILL");
      } catch {
        /* gone */
      }
    }
    // SIGKILL is delivered when the process is next scheduled: on a loaded machine it may still be there just
    // after kill() returns, and "killed by us" must mean gone once stop() has returned.
    await stillAlive(leftovers, 2000);
    const leftoverFolders = judged ? janusFoldersOf(tmp, pid, startTime) : [];
    for (const dir of leftoverFolders) fs.rmSync(dir, { recursive: true, force: true });
    const info = exit as { code: number | null; signal: NodeJS.Signals | null } | null;
    const problems: string[] = [];
    if (judged) {
      if (!graceful) problems.push(`still running ${graceMs} ms after SIGTERM (killed with SIGKILL)`);
      else if (info?.code !== 0) problems.push(`exited with code ${info?.code} signal ${info?.signal}`);
      if (leftovers.length > 0) {
        problems.push(`left running (killed now): ${leftovers.map((d) => `${d.pid} ${d.cmd}`).join("; ")}`);
      }
      if (leftoverFolders.length > 0)
        problems.push(`left its Janus folder (removed now): ${leftoverFolders}`);
    }
    if (problems.length > 0) logStream.write(`# unclean stop: ${problems.join("; ")}\n`);
    await new Promise<void>((resolve) => logStream.end(resolve));
    const report: StopReport = {
      exitCode: info?.code ?? null,
      signal: info?.signal ?? null,
      graceful,
      durationMs: Date.now() - started,
      leftoverDescendants: leftovers,
      leftoverFolders,
      problems,
    };
    if (problems.length > 0 && !allowUnclean) throw new UncleanStopError(report, logFile);
    return report;
  };

  const handle: ServerHandle = {
    port,
    origin,
    wsUrl: `${origin.startsWith("https:") ? "wss" : "ws"}://127.0.0.1:${port}/ws`,
    pid,
    logFile,
    lines,
    output: () => lines.join("\n"),
    waitForOutput,
    isRunning: () => exit === null,
    exitInfo: () => exit,
    descendants: () => descendantsOf(pid),
    stop,
  };

  // Ready = the "listening on http://" line and a 200 from /healthz, whichever order they come in.
  const timeoutMs = options.startTimeoutMs ?? 45_000;
  const deadline = Date.now() + timeoutMs;
  const listening = waitForOutput(/listening on http:\/\//, timeoutMs).then(
    () => true,
    () => false,
  );
  let sawLine = false;
  void listening.then((v) => {
    sawLine = v;
  });
  while (Date.now() < deadline) {
    if (exit !== null) {
      await stop(5000, { allowUnclean: true });
      const message = `server exited during start-up (${JSON.stringify(exit)}); log ${logFile}:\n${tail(lines, 60)}`;
      throw lines.some((l) => l.includes("EADDRINUSE")) ? new PortTaken(message) : new Error(message);
    }
    if (sawLine && (await healthz(origin))) return handle;
    if (!sawLine && (await healthz(origin))) {
      // Up before we saw the line (buffered output): accept, the line is only a hint.
      await Promise.race([listening, sleep(500)]);
      return handle;
    }
    await sleep(100);
  }
  await stop(5000, { allowUnclean: true });
  throw new Error(`server not ready within ${timeoutMs} ms; log ${logFile}:\n${tail(lines, 60)}`);
}

export function tail(lines: string[], n: number): string {
  return lines.slice(-n).join("\n");
}
