/**
 * A real redis-server for the cluster tests, as README "Many machines" asks an operator to run it: on
 * loopback, on a free port, with a random password, persistence off (nothing written to disk), its working
 * folder a fresh temporary one. `restart()` stops it and starts it again on the same port: empty, as a real
 * Redis without persistence comes back. Imports nothing from vitest.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Redis } from "ioredis";
import { getFreePort } from "./server.js";
import { waitFor } from "./wait.js";

export interface RedisHandle {
  port: number;
  password: string;
  /** redis://:<password>@127.0.0.1:<port> */
  url: string;
  /** A client of the test's own (closed by stop()). */
  client: Redis;
  /** Every key matching `pattern` (SCAN, never KEYS). */
  keys(pattern?: string): Promise<string[]>;
  /** SIGKILL (as a crash would) or SIGTERM, then the same server again, empty. */
  restart(options?: { downMs?: number }): Promise<void>;
  stop(): Promise<void>;
}

export async function startRedis(): Promise<RedisHandle> {
  const port = await getFreePort();
  const password = randomBytes(18).toString("base64url");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "palabre-redis-"));
  let child: ChildProcess | undefined;

  const launch = async () => {
    const args = [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--requirepass",
      password,
      "--save",
      "",
      "--appendonly",
      "no",
      "--dir",
      dir,
      "--daemonize",
      "no",
      "--loglevel",
      "warning",
    ];
    child = spawn("redis-server", args, { stdio: ["ignore", "pipe", "pipe"] });
    const probe = new Redis({
      port,
      host: "127.0.0.1",
      password,
      lazyConnect: true,
      retryStrategy: () => null,
    });
    probe.on("error", () => {}); // refused until the server listens: what the wait is for
    await waitFor(
      async () => {
        try {
          await probe.connect();
          return (await probe.ping()) === "PONG";
        } catch {
          probe.disconnect();
          return false;
        }
      },
      { timeoutMs: 10_000, intervalMs: 100, what: "redis-server answering" },
    );
    probe.disconnect();
  };

  const kill = async (signal: NodeJS.Signals) => {
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise((resolve) => c.once("exit", resolve));
    c.kill(signal);
    await exited;
  };

  await launch();
  const client = new Redis({ port, host: "127.0.0.1", password, maxRetriesPerRequest: 3 });
  client.on("error", () => {}); // refused while a test restarts Redis; commands report their own failures
  return {
    port,
    password,
    url: `redis://:${password}@127.0.0.1:${port}`,
    client,
    async keys(pattern = "*") {
      const found: string[] = [];
      let cursor = "0";
      do {
        const [next, batch] = await client.scan(cursor, "MATCH", pattern, "COUNT", 1000);
        cursor = next;
        found.push(...batch);
      } while (cursor !== "0");
      return found;
    },
    async restart({ downMs = 0 } = {}) {
      await kill("SIGKILL");
      if (downMs > 0) await new Promise((resolve) => setTimeout(resolve, downMs));
      await launch();
    },
    async stop() {
      client.disconnect();
      await kill("SIGTERM");
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
