/**
 * A bot shard: a child process that runs some of a swarm's bots (each process has its own WebRTC threads and
 * event loop, so one busy bot cannot stall the socket pings of all the others). Driven by shards.ts over the
 * IPC channel; never run by hand.
 */
import type { BotReport } from "./bot.js";
import { type BotRole, PalabreBot } from "./swarm.js";

export type WorkerRequest =
  | {
      op: "create";
      seq: number;
      url: string;
      room: string;
      role: BotRole;
      decode: boolean;
      timeoutMs: number;
    }
  | { op: "prepare" | "start" | "report" | "leave" | "close"; seq: number; name: string }
  | { op: "exit"; seq: number };

export type WorkerReply =
  | { seq: number; ok: true; id?: string; report?: WireReport }
  | { seq: number; ok: false; error: string };

/** A BotReport with its Maps as entry lists (IPC carries JSON). */
export type WireReport = Omit<BotReport, "in" | "inByParticipant"> & {
  in: Omit<BotReport["in"], "byMid"> & {
    byMid: [string, { kind: string; packets: number; frames: number }][];
  };
  inByParticipant: [string, { audio: number; video: number; frames: number }][];
};

export function toWire(r: BotReport): WireReport {
  return { ...r, in: { ...r.in, byMid: [...r.in.byMid] }, inByParticipant: [...r.inByParticipant] };
}

export function fromWire(r: WireReport): BotReport {
  return { ...r, in: { ...r.in, byMid: new Map(r.in.byMid) }, inByParticipant: new Map(r.inByParticipant) };
}

const bots = new Map<string, PalabreBot>();

async function handle(req: WorkerRequest): Promise<WorkerReply> {
  switch (req.op) {
    case "create":
      bots.set(
        req.role.name,
        new PalabreBot(req.url, req.room, req.role, { decode: req.decode, timeoutMs: req.timeoutMs }),
      );
      return { seq: req.seq, ok: true };
    case "exit":
      for (const bot of bots.values()) bot.close();
      setTimeout(() => process.exit(0), 50);
      return { seq: req.seq, ok: true };
    default: {
      const bot = bots.get(req.name);
      if (!bot) return { seq: req.seq, ok: false, error: `no bot ${req.name}` };
      if (req.op === "prepare") {
        await bot.prepare();
        return { seq: req.seq, ok: true };
      }
      if (req.op === "start") {
        await bot.start();
        return { seq: req.seq, ok: true, ...(bot.id ? { id: bot.id } : {}) };
      }
      if (req.op === "report") return { seq: req.seq, ok: true, report: toWire(await bot.report()) };
      if (req.op === "leave") await bot.leave();
      else bot.close();
      return { seq: req.seq, ok: true };
    }
  }
}

if (process.send) {
  process.on("message", (req: WorkerRequest) => {
    handle(req).then(
      (reply) => process.send?.(reply),
      (err) =>
        process.send?.({ seq: req.seq, ok: false, error: err instanceof Error ? err.message : String(err) }),
    );
  });
  // The parent went away: nothing to keep the bots for.
  process.on("disconnect", () => {
    for (const bot of bots.values()) bot.close();
    process.exit(0);
  });
}
