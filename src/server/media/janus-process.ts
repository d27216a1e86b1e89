/**
 * Runs Janus as our child: writes its configuration into a private temporary folder (API on 127.0.0.1 only,
 * a random port and secrets per start, only the VideoRoom plugin and the WebSocket transport), starts it,
 * waits until its API answers, and stops it (and removes the folder) on close. Janus is started so that the
 * kernel kills it when this server dies, however it dies (SIGKILL included), and a folder left by a server
 * that was killed is removed at the next start.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { EventEmitter } from "node:events";
import { lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import WebSocket from "ws";
import type { Config } from "../config.js";
import { logger } from "../logger.js";

const log = logger("janus");

const LIB_DIR = "/usr/lib/x86_64-linux-gnu/janus";
// biome-ignore lint/suspicious/noControlCharactersInRegex: strips terminal colour codes
const ANSI = /\u001b\[[0-9;]*m/g;
/** Where a Janus log line comes from: its `[file.c:function:line]` prefix, which no client chooses. */
const JANUS_LOCATION = /\[(?:ERR|WARN)\]\s*\[([\w.-]{1,60}:[\w]{1,80}:\d{1,6})\]/;
const KEEP_PLUGINS = new Set(["libjanus_videoroom.so"]);
const KEEP_TRANSPORTS = new Set(["libjanus_websockets.so"]);
const DIR_PREFIX = "palabre-janus-";
/** In each folder: the pid and start time of the server that owns it, so the next start can tell a stale one. */
const OWNER_FILE = "owner.json";

export class JanusNotInstalledError extends Error {
  constructor(bin: string) {
    super(
      `Janus was not found ('${bin}'). Install it with: apt-get install -y janus` +
        " (then run 'systemctl disable --now janus; systemctl mask janus' so the stock service does not run)," +
        " or point JANUS_BIN at the janus binary.",
    );
    this.name = "JanusNotInstalledError";
  }
}

export interface JanusEndpoint {
  url: string;
  apiSecret: string;
  adminUrl: string;
  adminSecret: string;
}

export interface JanusProcessEvents {
  /** Janus exited without being asked to. */
  exit: [code: number | null, signal: NodeJS.Signals | null];
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function soFiles(kind: string): string[] {
  try {
    return readdirSync(join(LIB_DIR, kind)).filter((f) => f.endsWith(".so"));
  } catch {
    return [];
  }
}

/** Janus's libconfig syntax: strings quoted, everything else literal. */
function q(s: string): string {
  return JSON.stringify(s);
}

/** A process's state and start time (clock ticks since boot) from /proc/<pid>/stat; null when it is gone. */
function procStat(pid: number): { state: string; start: string } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may hold spaces): state is field 3, starttime field 22.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return { state: fields[0] ?? "", start: fields[19] ?? "" };
  } catch {
    return null;
  }
}

/** Whether the server that wrote `dir`'s owner file is dead. Unknown (no or unreadable file) counts as alive. */
function ownerGone(dir: string): boolean {
  let owner: { pid?: unknown; start?: unknown };
  try {
    owner = JSON.parse(readFileSync(join(dir, OWNER_FILE), "utf8"));
  } catch {
    // A server that is creating its folder has not written the file yet: never take a live server's folder.
    return false;
  }
  if (typeof owner.pid !== "number") return false;
  const now = procStat(owner.pid);
  // A zombie is dead; another start time means the pid was reused by another process since.
  if (now === null || now.state === "Z" || now.state === "X") return true;
  return typeof owner.start === "string" && now.start !== owner.start;
}

/**
 * Removes the folders (with the API secrets in them) that servers killed before they could clean up left in
 * the temporary folder. Several servers may run on one machine: only folders whose owner is dead go, and only
 * our user's (another user's owner may be invisible to us in /proc, and its folder is not ours to remove).
 */
function removeStaleFolders(): void {
  const tmp = tmpdir();
  let entries: string[];
  try {
    entries = readdirSync(tmp).filter((name) => name.startsWith(DIR_PREFIX));
  } catch {
    return;
  }
  for (const name of entries) {
    const dir = join(tmp, name);
    try {
      const st = lstatSync(dir);
      if (!st.isDirectory() || st.uid !== process.getuid?.() || !ownerGone(dir)) continue;
      rmSync(dir, { recursive: true, force: true });
      log.info("removed a folder left by a killed server", { dir });
    } catch (err) {
      log.warn("could not remove a stale Janus folder", { dir, code: (err as NodeJS.ErrnoException).code });
    }
  }
}

/**
 * Whether `setpriv --pdeathsig` (util-linux) works here; probed once. With it, the kernel sends Janus SIGKILL
 * when its parent dies: our signal handlers cannot cover SIGKILL or a crash, a kernel setting can.
 */
let pdeathsig: boolean | undefined;
function hasPdeathsig(): boolean {
  if (pdeathsig === undefined) {
    const probe = spawnSync("setpriv", ["--pdeathsig", "KILL", "--", "true"], { stdio: "ignore" });
    pdeathsig = probe.error === undefined && probe.status === 0;
    if (!pdeathsig) {
      log.warn(
        "setpriv (util-linux) is missing or too old: Janus would outlive this server if it were killed" +
          " (SIGKILL, crash); install util-linux",
      );
    }
  }
  return pdeathsig;
}

/**
 * Whether setpriv can take CAP_NET_RAW out of Janus's bounding set; probed once. Janus's data-channel library
 * (usrsctp) opens raw SCTP sockets on every address when it may (root), which take SCTP packets from anyone;
 * data channels run over DTLS and need none of them. A server that cannot drop the capability (not root) does
 * not have it to give either.
 */
let dropNetRaw: boolean | undefined;
function canDropNetRaw(): boolean {
  if (dropNetRaw === undefined) {
    const probe = spawnSync("setpriv", ["--bounding-set", "-net_raw", "--", "true"], { stdio: "ignore" });
    dropNetRaw = probe.error === undefined && probe.status === 0;
  }
  return dropNetRaw;
}

export class JanusProcess extends EventEmitter<JanusProcessEvents> {
  readonly #config: Config["janus"];
  #child: ChildProcess | undefined;
  #dir: string | undefined;
  #stopping = false;

  constructor(config: Config["janus"]) {
    super();
    this.#config = config;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** Starts Janus and resolves once its WebSocket API answers. */
  async start(): Promise<JanusEndpoint> {
    this.#checkInstalled();
    const [wsPort, adminPort] = [await freePort(), await freePort()];
    const endpoint: JanusEndpoint = {
      url: `ws://127.0.0.1:${wsPort}`,
      apiSecret: randomBytes(24).toString("base64url"),
      adminUrl: `ws://127.0.0.1:${adminPort}`,
      adminSecret: randomBytes(24).toString("base64url"),
    };
    removeStaleFolders();
    this.#dir = mkdtempSync(join(tmpdir(), DIR_PREFIX));
    const self = procStat(process.pid);
    writeFileSync(join(this.#dir, OWNER_FILE), JSON.stringify({ pid: process.pid, start: self?.start }));
    this.#writeConfig(this.#dir, endpoint, wsPort, adminPort);
    this.#stopping = false;
    const janusArgs = ["-F", this.#dir, "-C", join(this.#dir, "janus.jcfg")];
    const coreDumps = this.#config.coreDumps;
    // A core of Janus holds media keys and whatever was in memory: none is written unless the operator asks.
    // Node cannot set a child's resource limits, so a shell sets the core size and becomes Janus (exec: same
    // pid, signals reach Janus): 0, or when asked the hard limit (the soft one is often 0, which would
    // silently write nothing). Janus runs in its private folder, removed when it stops, unless asked.
    const shellArgs = [
      "-c",
      // If we died before setpriv armed the death signal, the shell's parent is no longer us: do not start.
      `[ "$PPID" = ${process.pid} ] || exit 70; ` +
        `${coreDumps ? 'ulimit -c "$(ulimit -H -c)"' : "ulimit -c 0"} && exec "$0" "$@"`,
      this.#config.bin.includes("/") ? resolve(this.#config.bin) : this.#config.bin,
      ...janusArgs,
    ];
    // setpriv sets PR_SET_PDEATHSIG and execs the shell, which execs Janus: one pid throughout, and the death
    // signal survives both execs (none is set-uid). The kernel sends it when the *thread* that forked Janus
    // ends: libuv forks in the thread that calls spawn, here the main thread, which lives as long as the
    // server (a Janus started from a worker thread would die with that worker).
    const privileges = [
      ...(hasPdeathsig() ? ["--pdeathsig", "KILL"] : []),
      ...(canDropNetRaw() ? ["--bounding-set", "-net_raw"] : []),
    ];
    const [file, args]: [string, string[]] =
      privileges.length > 0
        ? ["setpriv", [...privileges, "--", "/bin/sh", ...shellArgs]]
        : ["/bin/sh", shellArgs];
    const child = spawn(file, args, {
      stdio: ["ignore", "pipe", "pipe"],
      cwd: coreDumps ? process.cwd() : this.#dir,
    });
    this.#child = child;
    const forward = (chunk: Buffer) => {
      for (const raw of chunk.toString().split("\n")) {
        // Janus's lines quote what clients sent (mids, SDP lines with addresses): by default only where in
        // Janus an error or warning came from, and its length; the whole line when the operator asks for it.
        const line = raw.replace(ANSI, "").trim().slice(0, 300);
        if (process.env.JANUS_VERBOSE_LOG === "1") {
          if (line) log.debug("janus says", { line });
          continue;
        }
        const level = line.includes("[ERR]") ? "ERR" : line.includes("[WARN]") ? "WARN" : null;
        if (!level || line.includes("rtx/90000")) continue;
        const where = JANUS_LOCATION.exec(line)?.[1];
        const fields = { where: where ?? "unknown", length: line.length };
        if (level === "ERR") log.warn("janus reported an error", fields);
        else log.debug("janus reported a warning", fields);
      }
    };
    child.stdout?.on("data", forward);
    child.stderr?.on("data", forward);
    child.once("exit", (code, signal) => {
      this.#child = undefined;
      if (!this.#stopping) {
        log.error("janus exited unexpectedly", { code, signal });
        this.emit("exit", code, signal);
      } else if (
        (signal !== null && signal !== "SIGTERM" && signal !== "SIGKILL") ||
        (code !== null && code !== 0)
      ) {
        // A crash can close Janus's socket a moment before the process is gone, and that starts the stop:
        // say how it ended all the same (Janus 1.1.2 can die with SIGSEGV when a VideoRoom handle hangs up).
        log.error("janus died", { code, signal });
      }
    });
    await this.#waitUntilAnswering(endpoint);
    log.info("janus up", { pid: child.pid });
    return endpoint;
  }

  /** Stops Janus (SIGTERM, then SIGKILL after 3 s) and removes its configuration folder. */
  async stop(): Promise<void> {
    this.#stopping = true;
    const child = this.#child;
    if (child && child.exitCode === null) {
      await new Promise<void>((resolve) => {
        const kill = setTimeout(() => child.kill("SIGKILL"), 3000);
        child.once("exit", () => {
          clearTimeout(kill);
          resolve();
        });
        child.kill("SIGTERM");
      });
    }
    if (this.#dir) rmSync(this.#dir, { recursive: true, force: true });
    this.#dir = undefined;
  }

  #checkInstalled(): void {
    const probe = spawnSync(this.#config.bin, ["--help"], { encoding: "utf8" });
    if (probe.error) throw new JanusNotInstalledError(this.#config.bin);
  }

  async #waitUntilAnswering(endpoint: JanusEndpoint): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      if (!this.#child) {
        await this.stop(); // removes the folder with the secrets: the server gives up and exits next
        throw new Error("janus exited during start-up (see the log lines above)");
      }
      if (await this.#answers(endpoint)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    await this.stop();
    throw new Error("janus did not answer on its API within 10 s");
  }

  #answers(endpoint: JanusEndpoint): Promise<boolean> {
    return new Promise((resolve) => {
      const ws = new WebSocket(endpoint.url, "janus-protocol");
      const done = (ok: boolean) => {
        ws.removeAllListeners();
        ws.on("error", () => {});
        ws.terminate();
        resolve(ok);
      };
      ws.once("error", () => done(false));
      ws.once("open", () => ws.send(JSON.stringify({ janus: "ping", transaction: "up" })));
      ws.once("message", (data) => done(String(data).includes("pong")));
    });
  }

  #writeConfig(dir: string, ep: JanusEndpoint, wsPort: number, adminPort: number): void {
    const c = this.#config;
    const disabledPlugins = soFiles("plugins").filter((f) => !KEEP_PLUGINS.has(f));
    const disabledTransports = soFiles("transports").filter((f) => !KEEP_TRANSPORTS.has(f));
    const nat = [
      "ignore_mdns = true",
      c.iceInterfaces ? `ice_enforce_list = ${q(c.iceInterfaces)}` : "",
      c.publicIp ? `nat_1_1_mapping = ${q(c.publicIp)}` : "",
    ].filter(Boolean);
    writeFileSync(
      join(dir, "janus.jcfg"),
      `general: {
  configs_folder = ${q(dir)}
  log_to_stdout = true
  debug_level = ${c.debugLevel}
  debug_timestamps = false
  server_name = "palabre-media"
  session_timeout = 60
  api_secret = ${q(ep.apiSecret)}
  admin_secret = ${q(ep.adminSecret)}
  ${c.eventLoops > 0 ? `event_loops = ${c.eventLoops}` : ""}
}
media: {
  ipv6 = false
  rtp_port_range = ${q(`${c.rtpPorts[0]}-${c.rtpPorts[1]}`)}
  ${c.slowlinkThreshold > 0 ? `slowlink_threshold = ${c.slowlinkThreshold}` : ""}
}
nat: {
  ${nat.join("\n  ")}
}
plugins: { disable = ${q(disabledPlugins.join(","))} }
transports: { disable = ${q(disabledTransports.join(","))} }
events: { broadcast = false }
loggers: { disable = ${q(soFiles("loggers").join(","))} }
`,
    );
    writeFileSync(
      join(dir, "janus.transport.websockets.jcfg"),
      `general: {
  json = "plain"
  ws = true
  ws_port = ${wsPort}
  ws_ip = "127.0.0.1"
  wss = false
}
admin: {
  admin_ws = true
  admin_ws_port = ${adminPort}
  admin_ws_ip = "127.0.0.1"
  admin_wss = false
}
`,
    );
    // Rooms are created at run time through the API and never saved.
    writeFileSync(join(dir, "janus.plugin.videoroom.jcfg"), "general: {\n  lock_rtp_forward = true\n}\n");
  }
}
