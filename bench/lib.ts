/** Helpers shared by the benchmarks: /metrics, /proc readings, what a page decodes, small formatting. */
import fs from "node:fs";
import type { Page } from "playwright-core";
import { sleep } from "../test/helpers/wait.js";

/** Scrapes GET /metrics (Prometheus text) into name → value. Throws if the server has no /metrics. */
export async function scrapeMetrics(origin: string): Promise<Map<string, number>> {
  const res = await fetch(`${origin}/metrics`, { signal: AbortSignal.timeout(5000) });
  const text = await res.text();
  if (res.status !== 200 || !text.includes("palabre_")) {
    throw new Error(`GET /metrics answered ${res.status} without Palabre metrics`);
  }
  const out = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (line.startsWith("#") || !line.trim()) continue;
    const [name, value] = line.trim().split(/\s+/);
    if (name && value !== undefined) out.set(name, Number(value));
  }
  return out;
}

export function metric(m: Map<string, number>, name: string): number {
  const v = m.get(name);
  if (v === undefined) throw new Error(`/metrics has no ${name}`);
  return v;
}

const CLK_TCK = 100;

/** CPU seconds (user + system) and resident memory of a process, from /proc. */
export function procUsage(pid: number): { cpuSeconds: number; rssBytes: number } {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return { cpuSeconds: (utime + stime) / CLK_TCK, rssBytes: rssKb * 1024 };
}

/** CPU use of a process over a window, in % of one core, and its RSS at the end. */
export class CpuWindow {
  readonly #start: { cpuSeconds: number; rssBytes: number };
  readonly #t0 = performance.now();
  constructor(readonly pid: number) {
    this.#start = procUsage(pid);
  }
  end(): { cpuPercent: number; rssMb: number; seconds: number } {
    const now = procUsage(this.pid);
    const seconds = (performance.now() - this.#t0) / 1000;
    return {
      cpuPercent: (100 * (now.cpuSeconds - this.#start.cpuSeconds)) / seconds,
      rssMb: now.rssBytes / 2 ** 20,
      seconds,
    };
  }
}

/** CPU time of the whole machine from /proc/stat, in seconds: busy (not idle, not waiting for I/O) and all. */
function machineCpuSeconds(): { busy: number; total: number } {
  const [, ...ticks] = (fs.readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "").trim().split(/\s+/);
  const t = ticks.slice(0, 8).map(Number);
  const total = t.reduce((a, b) => a + b, 0);
  const idle = (t[3] ?? 0) + (t[4] ?? 0);
  return { busy: (total - idle) / CLK_TCK, total: total / CLK_TCK };
}

/**
 * Where the machine's CPU went over a window, in % of one core: each named group of processes (summed),
 * the rest of the machine, and the machine's busy share of all its cores.
 */
export class CpuBreakdown {
  readonly #groups: { name: string; windows: CpuWindow[] }[];
  readonly #machine = machineCpuSeconds();
  readonly #t0 = performance.now();
  constructor(groups: { name: string; pids: number[] }[]) {
    // A process gone meanwhile (a crashed bot shard) counts for nothing rather than failing the scenario.
    const windowOf = (pid: number) => {
      try {
        return [new CpuWindow(pid)];
      } catch {
        return [];
      }
    };
    this.#groups = groups.map((g) => ({ name: g.name, windows: g.pids.flatMap(windowOf) }));
  }
  end(): string {
    const seconds = (performance.now() - this.#t0) / 1000;
    const machine = machineCpuSeconds();
    const busyPercent = (100 * (machine.busy - this.#machine.busy)) / seconds;
    const cores = (machine.total - this.#machine.total) / seconds;
    let named = 0;
    const parts = this.#groups.map((g) => {
      const pct = g.windows.reduce((sum, w) => {
        try {
          return sum + w.end().cpuPercent;
        } catch {
          return sum;
        }
      }, 0);
      named += pct;
      return `${g.name} ${pct.toFixed(0)}`;
    });
    parts.push(`rest ${Math.max(0, busyPercent - named).toFixed(0)}`);
    return `${parts.join(", ")} (% of a core; machine busy ${busyPercent.toFixed(0)} of ${(100 * Math.round(cores)).toFixed(0)})`;
  }
}

/**
 * UDP datagrams the kernel dropped because a socket's receive buffer was full, machine-wide since boot
 * (/proc/net/snmp RcvbufErrors): on loopback, the loss a starved process causes itself.
 */
export function udpReceiveBufferDrops(): number {
  const lines = fs
    .readFileSync("/proc/net/snmp", "utf8")
    .split("\n")
    .filter((l) => l.startsWith("Udp:"));
  const [names, values] = lines.map((l) => l.trim().split(/\s+/));
  const i = names?.indexOf("RcvbufErrors") ?? -1;
  return i < 0 ? 0 : Number(values?.[i] ?? 0);
}

/** The machine's load while we measured: 1-minute load average and its CPU count. */
export function machineLoad(): string {
  const [one = "?"] = fs.readFileSync("/proc/loadavg", "utf8").split(" ");
  return `load average ${one} on ${fs.readFileSync("/proc/cpuinfo", "utf8").match(/^processor/gm)?.length ?? "?"} cores`;
}

export const round = (v: number, digits = 0): string => (Number.isFinite(v) ? v.toFixed(digits) : "—");

/** Signaling messages the server has received and sent, in all. */
export async function wsTotal(origin: string): Promise<number> {
  const m = await scrapeMetrics(origin);
  return metric(m, "palabre_ws_messages_in_total") + metric(m, "palabre_ws_messages_out_total");
}

/** Waits until the server's message counters stop moving for `quietMs`; returns the total then. */
export async function quiet(origin: string, quietMs: number, maxMs: number): Promise<number> {
  const deadline = Date.now() + maxMs;
  let last = await wsTotal(origin);
  let since = Date.now();
  while (Date.now() < deadline) {
    await sleep(250);
    const now = await wsTotal(origin);
    if (now !== last) {
      last = now;
      since = Date.now();
    } else if (Date.now() - since >= quietMs) break;
  }
  return last;
}

/** framesDecoded per inbound video stream and totalAudioEnergy per inbound audio stream, all connections. */
const DECODED = `async () => {
  const video = {}, audio = {};
  for (const pc of (window.__pcs || [])) {
    if (pc.connectionState === "closed") continue;
    let r; try { r = await pc.getStats(); } catch (e) { continue; }
    r.forEach((s) => {
      if (s.type !== "inbound-rtp") return;
      if (s.kind === "video") video[s.id] = s.framesDecoded || 0;
      else if (s.kind === "audio") audio[s.id] = s.totalAudioEnergy || 0;
    });
  }
  return { video, audio };
}`;

/** A benchmark page's inbound streams, by stats id: frames decoded (video) and sound energy played (audio). */
export async function pageDecoded(
  page: Page,
): Promise<{ video: Record<string, number>; audio: Record<string, number> }> {
  return (await page.evaluate(`(${DECODED})()`)) as {
    video: Record<string, number>;
    audio: Record<string, number>;
  };
}

/** The value at quantile `q` (0..1) of `values`: the element at floor(q·n) of the sorted list; NaN when empty. */
export function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

/** Every Chromium process on the machine (the bench's own browser is the only one running). */
export function chromiumPids(): number[] {
  return fs
    .readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .map(Number)
    .filter((pid) => {
      try {
        return fs.readFileSync(`/proc/${pid}/comm`, "utf8").trim().startsWith("chrom");
      } catch {
        return false;
      }
    });
}

export function cpuSeconds(pids: number[]): number {
  return pids.reduce((sum, pid) => {
    try {
      return sum + procUsage(pid).cpuSeconds;
    } catch {
      return sum;
    }
  }, 0);
}

/** The median of `xs` (the mean of the two middle values for an even count). */
export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? Number.NaN) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
};
