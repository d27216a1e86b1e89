/**
 * A process's CPU use between two readings, in per cent of one core, from /proc/<pid>/stat (Linux). The
 * cluster announces its Janus's figure as part of the node's load.
 */
import { readFileSync } from "node:fs";

/** Clock ticks per second: 100 on every Linux that Debian and Ubuntu ship. */
const TICKS_PER_SECOND = 100;

export class ProcessCpu {
  #last: { pid: number; ticks: number; at: number } | null = null;

  /** Per cent of one core since the previous reading of the same pid; null on the first, or off Linux. */
  sample(pid: number | null, now = performance.now()): number | null {
    if (pid === null) return null;
    const ticks = cpuTicks(pid);
    if (ticks === null) return null;
    const last = this.#last;
    this.#last = { pid, ticks, at: now };
    if (!last || last.pid !== pid || now <= last.at) return null;
    return Math.round(((ticks - last.ticks) / TICKS_PER_SECOND / ((now - last.at) / 1000)) * 1000) / 10;
  }
}

function cpuTicks(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces and parentheses: count fields after its closing one.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // utime and stime are fields 14 and 15 of the whole line, so 12 and 13 after the name.
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return null;
  }
}
