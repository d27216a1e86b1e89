/**
 * The node's two connections to Redis: one for commands and publishing, one subscribed (a subscribed Redis
 * connection can do nothing else). Both reconnect by themselves; `up` and `upSince` tell whether Redis can be
 * believed right now: a node judges another dead only after it has itself been connected for a while.
 *
 * A command runs on the connection it was sent on, or fails: nothing is queued while Redis is away, nothing
 * unanswered is sent again after a reconnection. A queued command would run later against a Redis that may
 * have restarted empty, after every check its caller made (a meeting claimed by a node that had been told to
 * wait, while its holder was still cut off: a stranger let in without the password).
 */
import { EventEmitter } from "node:events";
import { Redis, type RedisOptions } from "ioredis";
import { errorFields } from "../log-fields.js";
import { logger } from "../logger.js";

const log = logger("redis");

/** How long to wait for Redis at start before giving up (the node refuses to start without it). */
const CONNECT_TIMEOUT_MS = 5000;

export interface RedisLinkEvents {
  /**
   * Both connections are (again) ready and every channel subscribed; Redis may have lost everything
   * meanwhile (it keeps nothing on disk).
   */
  up: [];
  down: [];
}

export class RedisLink extends EventEmitter<RedisLinkEvents> {
  readonly commands: Redis;
  readonly subscriber: Redis;
  readonly #channels = new Set<string>();
  /** The subscriber's connection whose subscriptions are all confirmed (a new one after each reconnection). */
  #subscribed = false;
  #upSince: number | null = null;
  #closed = false;

  constructor(url: string, nodeId: string) {
    super();
    const options: RedisOptions = {
      lazyConnect: true,
      connectTimeout: CONNECT_TIMEOUT_MS,
      enableOfflineQueue: false,
      autoResendUnfulfilledCommands: false,
      // Commands unanswered when the connection drops fail at once (not after some reconnection attempts).
      maxRetriesPerRequest: 0,
      retryStrategy: (times) => (this.#closed ? null : Math.min(100 * times, 1000)),
    };
    this.commands = new Redis(url, { ...options, connectionName: `palabre-${nodeId}` });
    // Subscriptions are made again here, not by ioredis: `up` must wait until they are confirmed, or a
    // message sent to this node in between would be lost with nobody knowing why.
    this.subscriber = new Redis(url, {
      ...options,
      connectionName: `palabre-${nodeId}-sub`,
      autoResubscribe: false,
    });
    this.commands.on("ready", () => this.#check());
    this.subscriber.on("ready", () => this.#resubscribe());
    for (const connection of [this.commands, this.subscriber]) {
      connection.on("close", () => {
        if (connection === this.subscriber) this.#subscribed = false;
        this.#check();
      });
      // Redis's errors name its host, never a participant; the code is enough.
      connection.on("error", (err) => log.debug("redis connection error", errorFields(err)));
    }
  }

  /** Connects both; rejects if Redis cannot be reached or refuses the password. */
  async connect(): Promise<void> {
    await Promise.all([this.commands.connect(), this.subscriber.connect()]);
    this.#subscribed = true; // no channel yet
    this.#check();
  }

  /** Subscribes to `channel` now and after every reconnection. */
  async subscribe(channel: string): Promise<void> {
    this.#channels.add(channel);
    await this.subscriber.subscribe(channel);
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

  #resubscribe(): void {
    if (this.#channels.size === 0) return; // the first connection: connect() and subscribe() see to it
    this.subscriber.subscribe(...this.#channels).then(
      () => {
        this.#subscribed = true;
        this.#check();
      },
      // The connection dropped again: its next `ready` tries again.
      (err) => log.debug("redis resubscription failed", errorFields(err)),
    );
  }

  #check(): void {
    const ready = this.commands.status === "ready" && this.subscriber.status === "ready" && this.#subscribed;
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
