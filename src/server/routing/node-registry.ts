/**
 * The cluster's nodes, as Redis knows them. Each node writes its announcement (id, its Janus's address, its
 * load) under a key that expires after `ttlMs` and writes it again three times as often: a node that dies,
 * or loses Redis, drops out of the registry within `ttlMs`. Placement reads the registry to pick the least
 * loaded node; relays read it to learn that the node at the other end is gone.
 */
import { errorFields } from "../log-fields.js";
import { logger } from "../logger.js";
import { type NodeAnnouncement, NodeAnnouncementSchema, parseStored } from "./cluster-schemas.js";
import type { RedisLink } from "./redis-link.js";

const log = logger("registry");

export const NODE_KEY_PREFIX = "palabre:node:";
/** Every node's id, scored by when its announcement expires: the live ones, without a SCAN of the keyspace. */
export const NODE_SET_KEY = "palabre:nodes";
const MAX_NODES = 10_000;
const MAX_ANNOUNCEMENT_CHARS = 1024;

export type NodeLoad = Pick<NodeAnnouncement, "participants" | "rooms" | "janusCpu">;

export class NodeRegistry {
  readonly #link: RedisLink;
  readonly #self: { id: string; janus: string };
  readonly #ttlMs: number;
  readonly #load: () => NodeLoad;
  #timer: NodeJS.Timeout | undefined;
  #draining = false;

  constructor(link: RedisLink, self: { id: string; janus: string }, ttlMs: number, load: () => NodeLoad) {
    this.#link = link;
    this.#self = self;
    this.#ttlMs = ttlMs;
    this.#load = load;
  }

  get id(): string {
    return this.#self.id;
  }

  get ttlMs(): number {
    return this.#ttlMs;
  }

  /** Announces this node now and every third of its time to live; `onBeat` runs after each announcement. */
  async start(onBeat: () => Promise<void> | void): Promise<void> {
    await this.beat();
    const every = Math.max(200, Math.floor(this.#ttlMs / 3));
    this.#timer = setInterval(() => {
      this.beat()
        .then(onBeat)
        .catch((err) => log.warn("heartbeat failed", errorFields(err)));
    }, every);
    this.#timer.unref();
  }

  async beat(): Promise<void> {
    const announcement: NodeAnnouncement = {
      id: this.#self.id,
      janus: this.#self.janus,
      ...this.#load(),
      draining: this.#draining,
      at: Date.now(),
    };
    const now = announcement.at;
    await this.#link.commands
      .multi()
      .set(NODE_KEY_PREFIX + this.#self.id, JSON.stringify(announcement), "PX", this.#ttlMs)
      .zadd(NODE_SET_KEY, now + this.#ttlMs, this.#self.id)
      // Nodes gone for a minute leave the set (any node cleans up after all of them).
      .zremrangebyscore(NODE_SET_KEY, "-inf", now - 60_000)
      .exec();
  }

  /** Takes no new meeting from now on (announced at once). */
  async drain(): Promise<void> {
    this.#draining = true;
    await this.beat();
  }

  get draining(): boolean {
    return this.#draining;
  }

  /** Every node whose announcement has not expired; an announcement that does not parse is left out. */
  async live(): Promise<NodeAnnouncement[]> {
    const ids = await this.#link.commands.zrangebyscore(
      NODE_SET_KEY,
      Date.now(),
      "+inf",
      "LIMIT",
      0,
      MAX_NODES,
    );
    if (ids.length === 0) return [];
    const values = await this.#link.commands.mget(...ids.map((id) => NODE_KEY_PREFIX + id));
    const nodes: NodeAnnouncement[] = [];
    for (const value of values) {
      if (value === null) continue; // expired, or deleted by a node that stopped
      try {
        nodes.push(parseStored(NodeAnnouncementSchema, value, "node announcement", MAX_ANNOUNCEMENT_CHARS));
      } catch (err) {
        log.warn("ignoring a node announcement that does not parse", errorFields(err));
      }
    }
    return nodes;
  }

  /**
   * Whether node `id` is gone: its announcement expired while this node could see Redis. Unknown (false)
   * while Redis is down or was back for less than a time to live: after a Redis restart every node's key
   * is missing until its next beat, and none of them is dead.
   */
  async isGone(id: string, now = Date.now()): Promise<boolean> {
    if (id === this.#self.id) return false;
    const upSince = this.#link.upSince;
    if (upSince === null || now - upSince < this.#ttlMs) return false;
    try {
      return (await this.#link.commands.exists(NODE_KEY_PREFIX + id)) === 0;
    } catch {
      return false;
    }
  }

  /** Stops announcing and removes this node's announcement. */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.#link.commands
      .multi()
      .del(NODE_KEY_PREFIX + this.#self.id)
      .zrem(NODE_SET_KEY, this.#self.id)
      .exec()
      .catch(() => null);
  }
}
