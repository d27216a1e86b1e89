/**
 * What a server left on the machine, read from /proc and the temporary folder: its descendants (Janus), whether
 * a pid still runs, and the Janus folders it owns (each holds an owner.json with the pid and start time of the
 * server that made it: src/server/media/janus-process.ts). Used by server.ts's stop(); imports nothing from vitest.
 */
import fs from "node:fs";
import path from "node:path";

/** pid → parent pid, and pid → command line, for every process in /proc. */
function processTable(): Map<number, { ppid: number; cmd: string }> {
  const table = new Map<number, { ppid: number; cmd: string }>();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      const afterComm = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const ppid = Number(afterComm[1]);
      let cmd = "";
      try {
        cmd = fs.readFileSync(`/proc/${entry}/cmdline`, "utf8").replace(/\0/g, " ").trim();
      } catch {
        /* raced */
      }
      table.set(Number(entry), { ppid, cmd });
    } catch {
      /* process vanished while reading */
    }
  }
  return table;
}

export function descendantsOf(rootPid: number): { pid: number; cmd: string }[] {
  const table = processTable();
  const found: { pid: number; cmd: string }[] = [];
  const queue = [rootPid];
  while (queue.length > 0) {
    const parent = queue.shift() as number;
    for (const [pid, info] of table) {
      if (info.ppid === parent) {
        found.push({ pid, cmd: info.cmd });
        queue.push(pid);
      }
    }
  }
  return found;
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    // A zombie still answers kill(0); treat it as dead.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

/** The start time of `pid` (clock ticks since boot, /proc/<pid>/stat field 22), as the server records it. */
export function startTimeOf(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
  } catch {
    return undefined;
  }
}

/** The temporary folder a child with environment `env` gets from os.tmpdir() (Node's order on POSIX). */
export function tmpdirOf(env: Record<string, string | undefined>): string {
  const dir = env.TMPDIR || env.TMP || env.TEMP || "/tmp";
  return dir.length > 1 && dir.endsWith("/") ? dir.slice(0, -1) : dir;
}

/**
 * The Janus folders in `tmp` made by the server `pid` (started at `start`, so that a reused pid does not count).
 * A folder whose owner file is unreadable is not counted: it is someone else's, or one being created.
 */
export function janusFoldersOf(tmp: string, pid: number, start: string | undefined): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(tmp).filter((n) => n.startsWith("palabre-janus-"));
  } catch {
    return [];
  }
  return names
    .map((n) => path.join(tmp, n))
    .filter((dir) => {
      try {
        const owner = JSON.parse(fs.readFileSync(path.join(dir, "owner.json"), "utf8"));
        return owner.pid === pid && (start === undefined || owner.start === start);
      } catch {
        return false;
      }
    });
}
