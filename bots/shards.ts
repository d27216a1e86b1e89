/**
 * Runs a swarm's bots in several child processes (bots/worker.ts). Each bot is seen from here as a
 * `RemoteBot` (a LoadParticipant), so Swarm's start/sample/checkFlows/leave work unchanged.
 */
import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { BotReport } from "./bot.js";
import { emptyOut } from "./media.js";
import { type BotRole, type LoadParticipant, Swarm } from "./swarm.js";
import { fromWire, type WorkerReply, type WorkerRequest } from "./worker.js";

type Body<T> = T extends unknown ? Omit<T, "seq"> : never;

class Shard {
  readonly child: ChildProcess;
  #seq = 0;
  readonly #pending = new Map<number, { resolve(r: WorkerReply): void; reject(e: Error): void }>();
  #exited = false;

  constructor(readonly index: number) {
    this.child = fork(fileURLToPath(new URL("./worker.ts", import.meta.url)), [], {
      execArgv: ["--import", "tsx"],
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    this.child.on("message", (reply: WorkerReply) => {
      const p = this.#pending.get(reply.seq);
      if (!p) return;
      this.#pending.delete(reply.seq);
      p.resolve(reply);
    });
    this.child.on("exit", (code, signal) => {
      this.#exited = true;
      for (const p of this.#pending.values())
        p.reject(new Error(`bot shard ${index} exited (${code ?? signal})`));
      this.#pending.clear();
    });
  }

  request(body: Body<WorkerRequest>): Promise<WorkerReply> {
    if (this.#exited) return Promise.reject(new Error(`bot shard ${this.index} is gone`));
    const seq = ++this.#seq;
    return new Promise((resolve, reject) => {
      this.#pending.set(seq, { resolve, reject });
      this.child.send({ ...body, seq } as WorkerRequest);
    });
  }

  async exit(): Promise<void> {
    if (this.#exited) return;
    const gone = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
    await Promise.race([this.request({ op: "exit" }).catch(() => undefined), gone]);
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 3000);
    await gone;
    clearTimeout(timer);
  }
}

export class RemoteBot implements LoadParticipant {
  id: string | undefined;
  #lastReport: BotReport | undefined;

  constructor(
    readonly role: BotRole,
    readonly shard: Shard,
    readonly created: Promise<WorkerReply>,
  ) {}

  async prepare(): Promise<void> {
    await this.created;
    const reply = await this.shard.request({ op: "prepare", name: this.role.name });
    if (!reply.ok) throw new Error(reply.error);
  }

  async start(): Promise<void> {
    await this.created;
    const reply = await this.shard.request({ op: "start", name: this.role.name });
    if (!reply.ok) throw new Error(reply.error);
    this.id = reply.id;
  }

  async report(): Promise<BotReport> {
    try {
      const reply = await this.shard.request({ op: "report", name: this.role.name });
      if (reply.ok && reply.report) this.#lastReport = fromWire(reply.report);
    } catch {
      /* shard gone: keep the last report */
    }
    return (
      this.#lastReport ?? {
        name: this.role.name,
        id: this.id,
        state: "new",
        joinMs: undefined,
        publishConnectedMs: undefined,
        publishState: "none",
        subscribeState: "none",
        offers: 0,
        answers: 0,
        out: emptyOut(),
        in: { audioPackets: 0, videoPackets: 0, frames: 0, framesSunk: 0, bytes: 0, byMid: new Map() },
        inByParticipant: new Map(),
        wsIn: 0,
        wsOut: 0,
        failures: ["no report from its shard"],
      }
    );
  }

  async leave(): Promise<void> {
    await this.shard.request({ op: "leave", name: this.role.name });
  }

  close(): void {
    void this.shard.request({ op: "close", name: this.role.name }).catch(() => undefined);
  }
}

export interface ShardedSwarm {
  swarm: Swarm;
  /** Stops every shard process (their bots are closed, without leave). */
  shutdown(): Promise<void>;
  /** The shard processes, and whether each holds subscribers (to measure what the bots themselves cost). */
  processes(): { pid: number; subscribers: boolean }[];
}

/**
 * Spreads `roles` over `shards` processes: subscribers (the costly ones: every packet of the room) on their own
 * shard(s) when there are several, the others round-robin.
 */
export function shardedSwarm(
  url: string,
  room: string,
  roles: BotRole[],
  opts: { shards: number; decode?: boolean; timeoutMs?: number },
): ShardedSwarm {
  const count = Math.max(1, Math.min(opts.shards, roles.length));
  const shards = Array.from({ length: count }, (_, i) => new Shard(i));
  const subscribers = roles.filter((r) => r.subscribe);
  // The others need one process per ~20; the processes left are the subscribers'.
  const othersNeed = Math.ceil((roles.length - subscribers.length) / 20);
  const subShards =
    count > 1 && subscribers.length > 0
      ? Math.min(subscribers.length, Math.max(1, count - Math.max(1, othersNeed)))
      : 0;
  let rr = 0;
  let rs = 0;
  const members = roles.map((role) => {
    let shard: Shard;
    if (subShards > 0 && role.subscribe) shard = shards[count - 1 - (rs++ % subShards)] as Shard;
    else shard = shards[rr++ % (count - subShards)] as Shard;
    const created = shard.request({
      op: "create",
      url,
      room,
      role,
      decode: opts.decode ?? false,
      timeoutMs: opts.timeoutMs ?? 20_000,
    });
    created.catch(() => undefined);
    return new RemoteBot(role, shard, created);
  });
  return {
    swarm: new Swarm(members),
    shutdown: async () => {
      await Promise.all(shards.map((s) => s.exit()));
    },
    processes: () =>
      shards.flatMap((s, i) =>
        s.child.pid === undefined
          ? []
          : [{ pid: s.child.pid, subscribers: subShards > 0 && i >= count - subShards }],
      ),
  };
}
