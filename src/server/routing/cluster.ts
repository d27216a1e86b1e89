/**
 * This node's membership of a cluster (REDIS_URL set): its announcement in the registry, the meetings'
 * directory, the bus to other nodes, the relays of sockets whose meeting is held elsewhere, and the
 * connections other nodes relay to the meetings held here. The gateway and sessions see it through
 * `place` and `relay`; room code never sees it.
 */
import { ErrorCode, ProtocolError } from "../../protocol/errors.js";
import { errorFields } from "../log-fields.js";
import { logger } from "../logger.js";
import type { Envelope, NodeAnnouncement } from "./cluster-schemas.js";
import { MeetingDirectory } from "./meeting-directory.js";
import { NodeBus } from "./node-bus.js";
import { type NodeLoad, NodeRegistry } from "./node-registry.js";
import { RedisLink } from "./redis-link.js";
import { RedisMeetingStore } from "./redis-meeting-store.js";
import { Relay, type RelayedSocket } from "./relay.js";

const log = logger("cluster");

/** How long the list of nodes read for a placement is used again (a burst of joins reads it once). */
const LIVE_CACHE_MS = 250;

export interface ClusterSettings {
  redisUrl: string;
  nodeId: string;
  /** How long a node's announcement lives without a new beat: how soon a dead node's meetings move. */
  nodeTtlMs: number;
  /** The address browsers reach this node's Janus at ("" when its candidates name it already). */
  janusAddress: string;
}

/** Where the connections other nodes relay to this node's meetings are served (session/remote-sessions.ts). */
export interface RemoteEndpoint {
  receive(envelope: Envelope): void;
  /** Ends the connections relayed by nodes that are gone (`gone` says which). */
  dropGone(gone: (node: string) => Promise<boolean>): Promise<void>;
}

/** What a connection needs to find its meeting's node (RoutedSession). */
export interface Placement {
  readonly self: string;
  /** How long a join keeps trying to reach its meeting's node (a dead node's meetings move within it). */
  readonly placementDeadlineMs: number;
  /** The node holding `room`, chosen now by load if none does. Throws `unavailable` when Redis is away. */
  place(room: string): Promise<string>;
  /** How many are in `room` (its holder's last count). */
  count(room: string): Promise<number>;
  relay(holder: string, socket: RelayedSocket, address: string): Relay;
  forget(relay: Relay): void;
}

export class Cluster implements Placement {
  readonly link: RedisLink;
  readonly registry: NodeRegistry;
  readonly directory: MeetingDirectory;
  readonly store: RedisMeetingStore;
  readonly bus: NodeBus;
  readonly #relays = new Map<string, Relay>();
  #remote: RemoteEndpoint | undefined;
  #connections = 0;
  /** After Redis came back: no meeting is placed before this time (ms since the epoch). */
  #settledAt = 0;
  /** The registry as last read, with the placements made since (so a burst of new meetings spreads). */
  #live: { at: number; nodes: NodeAnnouncement[] } | null = null;

  constructor(settings: ClusterSettings, load: () => NodeLoad) {
    this.link = new RedisLink(settings.redisUrl, settings.nodeId);
    this.registry = new NodeRegistry(
      this.link,
      { id: settings.nodeId, janus: settings.janusAddress },
      settings.nodeTtlMs,
      load,
    );
    this.directory = new MeetingDirectory(this.link, settings.nodeId);
    this.store = new RedisMeetingStore(this.directory);
    this.bus = new NodeBus(this.link, settings.nodeId);
    this.bus.on("envelope", (envelope) => {
      if (envelope.t === "open" || envelope.t === "in" || envelope.t === "close") {
        this.#remote?.receive(envelope);
        return;
      }
      const relay = this.#relays.get(envelope.c);
      if (!relay) return;
      relay.receive(envelope);
      if (relay.closed) this.#relays.delete(relay.conn);
    });
  }

  get self(): string {
    return this.registry.id;
  }

  get placementDeadlineMs(): number {
    return this.registry.ttlMs + 5000;
  }

  /** Connects to Redis (refusing to start without it), announces this node, and keeps announcing it. */
  async start(remote: RemoteEndpoint, heldRooms: () => Iterable<string>): Promise<void> {
    this.#remote = remote;
    await this.link.connect();
    await this.bus.start();
    this.link.on("up", () => {
      // Redis came back, maybe empty (it keeps nothing on disk): announce now, and write every meeting again.
      // Until the other nodes have done the same, a meeting missing from Redis may be one of theirs: none is
      // placed meanwhile, or a newcomer could start afresh, without its password, a meeting that exists.
      this.#settledAt = Date.now() + this.registry.ttlMs;
      this.registry.beat().catch((err) => log.warn("announcement failed", errorFields(err)));
      this.#live = null;
      this.onRedisBack?.();
    });
    await this.registry.start(async () => {
      await this.directory.refresh(heldRooms());
      await this.#dropGone();
    });
  }

  /** Set by the server: what to do when Redis comes back (write every meeting's snapshot again). */
  onRedisBack: (() => void) | undefined;

  async place(room: string): Promise<string> {
    if (!this.link.up) {
      throw new ProtocolError(
        ErrorCode.Unavailable,
        "the meeting cannot be reached right now; try again shortly",
      );
    }
    if (Date.now() < this.#settledAt) {
      throw new ProtocolError(
        ErrorCode.Unavailable,
        "the cluster is settling after a Redis restart; try again",
      );
    }
    try {
      for (let look = 0; look < 3; look++) {
        const holder = await this.directory.claim(room, await this.#leastLoaded(look > 0));
        if (holder !== "") return holder;
      }
      throw new ProtocolError(
        ErrorCode.Unavailable,
        "no server can take the meeting right now; try again shortly",
      );
    } catch (err) {
      if (err instanceof ProtocolError) throw err;
      log.warn("placement failed", errorFields(err));
      throw new ProtocolError(
        ErrorCode.Unavailable,
        "the meeting cannot be reached right now; try again shortly",
      );
    }
  }

  async count(room: string): Promise<number> {
    try {
      return await this.directory.count(room);
    } catch {
      return 0;
    }
  }

  relay(holder: string, socket: RelayedSocket, address: string): Relay {
    const relay = new Relay(this.bus, `${this.self}.${++this.#connections}`, holder, socket, {
      giveUpMs: this.placementDeadlineMs,
    });
    this.#relays.set(relay.conn, relay);
    relay.open(this.self, address);
    return relay;
  }

  forget(relay: Relay): void {
    relay.close();
    this.#relays.delete(relay.conn);
  }

  get relayCount(): number {
    return this.#relays.size;
  }

  /** Stops announcing; other nodes take the meetings this node released (or, if it could not, after ttl). */
  async close(): Promise<void> {
    await this.store.settle();
    for (const relay of this.#relays.values()) relay.close();
    this.#relays.clear();
    await this.registry.close();
    await this.link.close();
  }

  /**
   * The node for a new meeting: the live, not draining node with the fewest meetings, then the fewest
   * people; equals are drawn at random, and each placement counts at once, so a burst of new meetings on
   * several nodes at the same moment spreads.
   */
  async #leastLoaded(fresh: boolean): Promise<string> {
    const now = Date.now();
    if (fresh || !this.#live || now - this.#live.at > LIVE_CACHE_MS) {
      this.#live = { at: now, nodes: await this.registry.live() };
    }
    const open = this.#live.nodes.filter((n) => !n.draining);
    if (open.length === 0) {
      throw new ProtocolError(
        ErrorCode.Unavailable,
        "no server can take the meeting right now; try again shortly",
      );
    }
    const key = (n: NodeAnnouncement) => n.rooms * 1000 + n.participants;
    const best = Math.min(...open.map(key));
    const equals = open.filter((n) => key(n) === best);
    const chosen = equals[Math.floor(Math.random() * equals.length)] as NodeAnnouncement;
    chosen.rooms++;
    return chosen.id;
  }

  /** Relays to nodes that are gone reconnect their clients; connections relayed by gone nodes end. */
  async #dropGone(): Promise<void> {
    const gone = new Map<string, Promise<boolean>>();
    const isGone = (node: string) => {
      let answer = gone.get(node);
      if (!answer) {
        answer = this.registry.isGone(node);
        gone.set(node, answer);
      }
      return answer;
    };
    for (const relay of [...this.#relays.values()]) {
      if (await isGone(relay.holder)) {
        relay.lost("the meeting's server was lost; reconnecting");
        this.#relays.delete(relay.conn);
      }
    }
    await this.#remote?.dropGone(isGone);
  }
}
