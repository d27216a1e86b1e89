/**
 * What bench/capacity.ts measures per scenario (a Row) and how it prints it: one table, then where the
 * machine's CPU went and what a muted joiner's first unmute cost.
 */
import type { FlowCheck } from "../bots/swarm.js";
import type { FirstUnmute } from "./first-unmute.js";
import { round } from "./lib.js";

export interface Scenario {
  n: number;
  video: number;
  subscribe: number;
  /** The bots' video frame rate. */
  fps: number;
  /** The page's last-N (the ⋯ menu), or null to leave its default. */
  lastN: number | null;
}

export interface Row extends Scenario {
  joined: number;
  janusCpu: number;
  janusRss: number;
  serverCpu: number;
  serverRss: number;
  serverCpuWithPage: number;
  wsPerSecond: number;
  msgsPerJoin: number;
  msgsPerLeave: number;
  flows: FlowCheck | undefined;
  pageFirstFrameMs: number | null;
  pageVideos: number;
  pageFpsMean: number;
  pageFpsMin: number;
  /** Inbound audio streams whose decoded sound had energy over the page's window. */
  pageHeard: number;
  rawJanusCpu: number;
  rawJanusRss: number;
  rawJoined: number;
  /** Where the machine's CPU went: over the steady window (bots only), and while the page was in. */
  cpuBotsOnly: string;
  cpuWithPage: string;
  /** A muted joiner's first unmute, with the page in (bench/first-unmute.ts). */
  firstUnmute: FirstUnmute | null;
  notes: string[];
}

export function table(rows: Row[]): string[] {
  const lines = [
    "| n | video | fps | page last-N | subs | joined | Janus CPU % | Janus RSS MB | server CPU % | server RSS MB | raw Janus CPU % | raw Janus RSS MB | overhead ×raw | WS msg/s | msgs/join | msgs/leave | page join→1st frame ms | page videos decoded | page fps mean (min) | page hears (speakers) | server CPU % with page | notes |",
    "| --: | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: | --- |",
  ];
  for (const r of rows) {
    const overhead = r.rawJanusCpu > 0 ? (r.janusCpu + r.serverCpu) / r.rawJanusCpu : Number.NaN;
    lines.push(
      `| ${r.n} | ${r.video} | ${r.fps} | ${r.lastN ?? "default"} | ${r.subscribe} | ${r.joined}/${r.n} | ${round(r.janusCpu, 1)} | ${round(r.janusRss)} | ${round(r.serverCpu, 1)} | ${round(r.serverRss)} | ${round(r.rawJanusCpu, 1)} | ${round(r.rawJanusRss)} | ${round(overhead, 2)} | ${round(r.wsPerSecond, 1)} | ${round(r.msgsPerJoin)} | ${round(r.msgsPerLeave)} | ${r.pageFirstFrameMs ?? "—"} | ${r.pageVideos}/${r.video} | ${round(r.pageFpsMean, 1)} (${round(r.pageFpsMin, 1)}) | ${r.pageHeard} (${Math.max(1, Math.min(r.video, 5))}) | ${round(r.serverCpuWithPage, 1)} | ${r.notes.join("; ").replace(/\|/g, "/").slice(0, 200)} |`,
    );
  }
  return lines;
}

export function printReport(rows: Row[], command: string, loads: string[]): void {
  console.log("");
  for (const line of table(rows)) console.log(line);
  console.log("");
  console.log("Where the machine's CPU went (the page's Chromium is in the rest):");
  for (const r of rows) {
    console.log(`- n=${r.n}, bots only: ${r.cpuBotsOnly || "—"}; with the page: ${r.cpuWithPage || "—"}`);
  }
  console.log("");
  console.log("First unmute of someone who joined muted (their microphone joins everyone's subscription):");
  for (const r of rows) {
    const u = r.firstUnmute;
    console.log(
      `- n=${r.n}: ${u ? `${u.messages} signaling messages, the page heard it after ${u.heardMs ?? "— (not in 15 s)"} ms` : "—"}`,
    );
  }
  console.log("");
  console.log("Notes in full (the table cuts them):");
  for (const r of rows) if (r.notes.length > 0) console.log(`- n=${r.n}: ${r.notes.join("; ")}`);
  console.log("");
  console.log(`command: ${command}`);
  console.log(`machine load at the start of each scenario: ${loads.join("; ")}`);
}
