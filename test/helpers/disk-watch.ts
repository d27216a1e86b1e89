/**
 * Watching what processes write to disk, from the outside: the kernel's count of bytes a process caused to be
 * written to storage (/proc/<pid>/io write_bytes, which covers every file on a disk-backed filesystem wherever
 * it is), the files they hold open for writing (polled from /proc/<pid>/fd and fdinfo), and listings of folders
 * to compare before and after. Imports nothing from vitest.
 */
import fs from "node:fs";
import path from "node:path";

/** Bytes `pid` caused to be written to storage so far (whole pages: any file write counts at least 4096). */
export function writeBytes(pid: number): number {
  const m = /^write_bytes:\s+(\d+)$/m.exec(fs.readFileSync(`/proc/${pid}/io`, "utf8"));
  if (!m?.[1]) throw new Error(`no write_bytes in /proc/${pid}/io`);
  return Number(m[1]);
}

/** path → "type size mtime inode" for `root` and everything under it. */
export function listing(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (p: string) => {
    let st: fs.Stats;
    try {
      st = fs.lstatSync(p);
    } catch {
      return; // removed while we walked
    }
    const type = st.isDirectory() ? "d" : st.isFile() ? "f" : "o";
    // A folder's own mtime changes with its entries, which are listed themselves.
    out.set(p, `${type} ${type === "d" ? "" : `${st.size} ${st.mtimeMs}`} ${st.ino}`);
    if (st.isDirectory()) for (const e of fs.readdirSync(p)) walk(path.join(p, e));
  };
  walk(root);
  return out;
}

/** What differs between two listings: "+ path" (new), "- path" (gone), "~ path" (changed). */
export function listingDiff(before: Map<string, string>, after: Map<string, string>): string[] {
  const diff: string[] = [];
  for (const [p, v] of after) {
    if (!before.has(p)) diff.push(`+ ${p}`);
    else if (before.get(p) !== v) diff.push(`~ ${p}`);
  }
  for (const p of before.keys()) if (!after.has(p)) diff.push(`- ${p}`);
  return diff.sort();
}

/** The files `pid` holds open for writing now (O_WRONLY or O_RDWR), sockets, pipes and devices left out. */
export function filesOpenForWriting(pid: number): string[] {
  const out: string[] = [];
  let fds: string[];
  try {
    fds = fs.readdirSync(`/proc/${pid}/fd`);
  } catch {
    return out;
  }
  for (const fd of fds) {
    try {
      const target = fs.readlinkSync(`/proc/${pid}/fd/${fd}`);
      if (!target.startsWith("/") || target.startsWith("/dev/")) continue;
      const flags = /^flags:\s+(\d+)$/m.exec(fs.readFileSync(`/proc/${pid}/fdinfo/${fd}`, "utf8"))?.[1];
      if (flags !== undefined && (Number.parseInt(flags, 8) & 0o3) !== 0) out.push(target);
    } catch {
      /* closed meanwhile */
    }
  }
  return out;
}

/**
 * Polls `pids` every `intervalMs` until stopped; returns every file seen open for writing and how many polls
 * ran (a poller that never ran proves nothing).
 */
export function watchOpenFiles(pids: number[], intervalMs = 20): () => { files: string[]; polls: number } {
  const files = new Set<string>();
  let polls = 0;
  const poll = () => {
    polls++;
    for (const pid of pids) for (const f of filesOpenForWriting(pid)) files.add(`${pid}: ${f}`);
  };
  poll();
  const timer = setInterval(poll, intervalMs);
  return () => {
    clearInterval(timer);
    poll();
    return { files: [...files].sort(), polls };
  };
}
