/**
 * A cluster on this machine for the tests: a real Redis (redis.ts) and N real Palabre nodes, each with its
 * own Janus, all on loopback, announcing themselves with a short time to live so that a lost node's meetings
 * move within seconds. Each node reaches Redis through a TCP proxy of its own (balancer.ts), which a test can cut.
 * Imports nothing from vitest.
 */
import { type BalancerHandle, startBalancer } from "./balancer.js";
import { type RedisHandle, startRedis } from "./redis.js";
import { type ServerHandle, type StartServerOptions, startServer } from "./server.js";

export interface ClusterHandle {
  redis: RedisHandle;
  nodes: ServerHandle[];
  /** NODE_ID of each node, in the order of `nodes`. */
  ids: string[];
  /** The node holding `room` now, per Redis (undefined when none). */
  holderOf(room: string): Promise<ServerHandle | undefined>;
  /** Cuts node `index` off Redis (its connections to Redis dropped, new ones refused), or lets it back. */
  setRedisReachable(index: number, reachable: boolean): void;
  /** Starts node `index` again (after a test killed or stopped it), as a new node with a new id. */
  restartNode(index: number): Promise<ServerHandle>;
  /** Stops every node still running, then Redis; throws if a node did not stop cleanly. */
  stop(): Promise<void>;
}

export interface ClusterOptions {
  nodes?: number;
  /** NODE_TTL_SECONDS: how long a silent node is believed alive. */
  ttlSeconds?: number;
  name?: string;
  env?: Record<string, string | undefined>;
  server?: Omit<StartServerOptions, "env" | "name">;
}

export async function startCluster(options: ClusterOptions = {}): Promise<ClusterHandle> {
  const count = options.nodes ?? 2;
  const name = options.name ?? "cluster";
  const redis = await startRedis();
  const ids = Array.from({ length: count }, (_, i) => `${name}-${String.fromCharCode(97 + i)}`);
  const nodes: ServerHandle[] = [];
  // Each node reaches Redis through a proxy of its own, which a test can cut (a partition).
  const links: BalancerHandle[] = [];
  for (let i = 0; i < count; i++) links.push(await startBalancer([redis.port]));
  const startNode = (index: number, id: string) =>
    startServer({
      ...options.server,
      name: id,
      env: {
        REDIS_URL: `redis://:${redis.password}@127.0.0.1:${links[index]?.port}`,
        JANUS_RTP_PORTS: rtpPorts(index),
        NODE_ID: id,
        NODE_TTL_SECONDS: String(options.ttlSeconds ?? 2),
        ...options.env,
      },
    });
  const restarts = ids.map(() => 0);
  // Distinct blocks of 1000 UDP ports for the nodes' Janus, from a random start (as startServer picks one).
  const firstBlock = Math.floor(Math.random() * 20);
  const rtpPorts = (index: number) => {
    const base = 20_000 + 1000 * ((firstBlock + index) % 20);
    return `${base}-${base + 999}`;
  };
  const baseIds = [...ids];
  try {
    for (const [i, id] of ids.entries()) nodes.push(await startNode(i, id));
  } catch (err) {
    await Promise.allSettled(nodes.map((n) => n.stop(5000, { allowUnclean: true })));
    for (const link of links) await link.close();
    await redis.stop();
    throw err;
  }
  return {
    redis,
    nodes,
    ids,
    async holderOf(room) {
      const holder = await redis.client.hget(`palabre:meeting:${room}`, "holder");
      const i = holder ? ids.indexOf(holder) : -1;
      return i >= 0 ? nodes[i] : undefined;
    },
    setRedisReachable(index, reachable) {
      links[index]?.setDown(!reachable);
    },
    async restartNode(index) {
      const old = nodes[index];
      if (old?.isRunning()) throw new Error(`node ${index} is still running`);
      restarts[index] = (restarts[index] ?? 0) + 1;
      const id = `${baseIds[index]}-${restarts[index]}`;
      const node = await startNode(index, id);
      nodes[index] = node;
      ids[index] = id;
      return node;
    },
    async stop() {
      const results = await Promise.allSettled(nodes.filter((n) => n.isRunning()).map((n) => n.stop()));
      for (const link of links) await link.close();
      await redis.stop();
      const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
      if (failed) throw failed.reason;
    },
  };
}
