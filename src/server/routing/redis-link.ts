/**
 * The node's two connections to Redis: one for commands and publishing, one subscribed (a subscribed Redis
 * connection can do nothing else). Both reconnect by themselves; `up` and `upSince` tell whether Redis can be
 * believed right now: a node judges another dead only after it has itself been connected for a while.
 */
import { EventEmitter } from "node:events";
import { Redis, type RedisOptions } from "ioredis";
import { errorFields } from "../log-fields.js";
import { logger } from "../logger.js";

const log = logger("redis");

/** How long to wait for Redis at start before giving up (the node refuses to start without it). */
const CONNECT_TIMEOUT_MS = 5000;

export interface RedisLinkEvents {
  /** Both connections are (again) ready; Redis may have lost everything meanwhile (it keeps nothing on disk). */
  up: [];
  down: [];
}

export class RedisLink extends EventEmitter<RedisLinkEvents> {
  readonly commands: Redis;
  readonly subscriber: Redis;
  #upSince: number | null = null;
  #closed = false;

  constructor(url: string, nodeId: string) {
    super();
    const options: RedisOptions = {
      lazyConnect: true,
      connectTimeout: CONNECT_TIMEOUT_MS,
      // A command sent while Redis is away waits for one reconnection, then fails: callers have a fallback
      // (the heartbeat tries again, a join is refused with a retry), and nothing piles up in memory.
      maxRetriesPerRequest: 1,
      retryStrategy: (times) => (this.#closed ? null : Math.min(100 * times, 1000)),
      autoResubscribe: true,
    };
    this.commands = new Redis(url, { ...options, connectionName: `palabre-${nodeId}` });
    this.subscriber = new Redis(url, { ...options, connectionName: `palabre-${nodeId}-sub` });
    for (const connection of [this.commands, this.subscriber]) {
      connection.on("ready", () => this.#check());
      connection.on("close", () => this.#check());
      // Redis's errors name its host, never a participant; the code is enough.
      connection.on("error", (err) => log.debug("redis connection error", errorFields(err)));
    }
  }

  /** Connects both; rejects if Redis cannot be reached or refuses the password. */
  async connect(): Promise<void> {
    await Promise.all([this.commands.connect(), this.subscriber.connect()]);
    this.#check();
  }

  get up(): boolean {
    return this.#upSince !== null;
  }

  /** Since when both connections have been ready (ms since the epoch), or null while one is down. */
  get upSince(): number | null {
    return this.#upSince;
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.allSettled([this.commands.quit(), this.subscriber.quit()]);
    this.commands.disconnect();
    this.subscriber.disconnect();
  }

  #check(): void {
    const ready = this.commands.status === "ready" && this.subscriber.status === "ready";
    if (ready && this.#upSince === null) {
      this.#upSince = Date.now();
      log.info("redis up");
      this.emit("up");
    } else if (!ready && this.#upSince !== null) {
      this.#upSince = null;
      if (!this.#closed) log.warn("redis down");
      this.emit("down");
    }
  }
}
