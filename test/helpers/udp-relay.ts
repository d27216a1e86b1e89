/**
 * A UDP relay that impairs a network path, for tests of poor connections (this kernel has no netem).
 *
 * It listens on `listenHost` at every port of Janus's RTP range and forwards to `targetHost` on the same
 * port. Given `ports: { count }`, it picks that range itself among ports the OS says are free (see
 * `bindFreeBlock`), and `relay.ports` tells which: give that range to Janus (JANUS_RTP_PORTS). Janus
 * announces the relay's address (JANUS_PUBLIC_IP = listenHost), so browsers send there; each browser address
 * gets its own upstream socket, so Janus sees the relay as the peer (a peer-reflexive candidate) and answers
 * through it. Each direction of each flow can drop a share of packets, add delay and jitter, and be capped in
 * bandwidth (a token bucket with a bounded queue, like a router's buffer), all changeable while the call
 * runs. Only loopback addresses are involved.
 */
import dgram from "node:dgram";

export interface Impairment {
  /** Share of packets dropped at random, 0..1. */
  loss: number;
  /** Added one-way delay in ms. */
  delayMs: number;
  /** Uniform random extra delay in ms, 0..jitterMs. */
  jitterMs: number;
  /** Bandwidth cap in bit/s; 0 = none. */
  rateBps: number;
  /** How much may wait behind the cap before packets are dropped (ms of traffic at the cap rate). */
  queueMs: number;
}

export const NO_IMPAIRMENT: Impairment = { loss: 0, delayMs: 0, jitterMs: 0, rateBps: 0, queueMs: 200 };

/** `toClient`: what the browser receives (its downlink). `toServer`: what it sends (its uplink). */
export type Direction = "toClient" | "toServer";

export interface FlowStats {
  client: string;
  port: number;
  /**
   * The port of the relay's own socket toward the target (0 until bound). Janus sees the browser there, so a
   * browser's peer-reflexive local candidate (what its getStats reports for the selected pair) has this port.
   */
  upstreamPort: number;
  forwarded: Record<Direction, number>;
  dropped: Record<Direction, number>;
  bytes: Record<Direction, number>;
}

class Shaper {
  impairment: Impairment = { ...NO_IMPAIRMENT };
  /** When the link is free again (ms, performance clock), for the bandwidth cap. */
  #busyUntil = 0;

  /** Decides a packet's fate: the delay before sending it, or null to drop it. */
  schedule(bytes: number, now: number): number | null {
    const imp = this.impairment;
    if (imp.loss > 0 && Math.random() < imp.loss) return null;
    let wait = 0;
    if (imp.rateBps > 0) {
      const start = Math.max(now, this.#busyUntil);
      if (start - now > imp.queueMs) return null; // the queue is full: tail drop
      this.#busyUntil = start + (bytes * 8 * 1000) / imp.rateBps;
      wait = this.#busyUntil - now;
    }
    return wait + imp.delayMs + (imp.jitterMs > 0 ? Math.random() * imp.jitterMs : 0);
  }
}

interface Flow {
  stats: FlowStats;
  upstream: dgram.Socket;
  shapers: Record<Direction, Shaper>;
}

export interface UdpRelayOptions {
  listenHost: string;
  targetHost: string;
  /**
   * Address the relay's own sockets toward the target use. Janus binds its sockets to its interface, so its
   * answers only come back to an address on that same interface: with Janus on pal0, use pal0's address.
   */
  upstreamHost: string;
  /**
   * The ports to listen on (the same numbers on the target): a fixed range, or `{ count }` for a block of
   * `count` consecutive ports that are free on `listenHost` (bound by the relay until it closes) and on
   * `targetHost`, starting at a port the OS hands out. Prefer `{ count }`: a fixed range may be taken by another
   * run on the same machine.
   */
  ports: [number, number] | { count: number };
}

/** How many blocks `{ count }` tries before giving up (each starts at a new port from the OS). */
const FREE_BLOCK_ATTEMPTS = 50;

function bindUdp(port: number, host: string): Promise<dgram.Socket> {
  const socket = dgram.createSocket("udp4");
  return new Promise((resolve, reject) => {
    socket.once("error", (error) => {
      try {
        socket.close();
      } catch {
        /* never bound: nothing to close */
      }
      reject(error);
    });
    socket.bind(port, host, () => {
      socket.removeAllListeners("error");
      resolve(socket);
    });
  });
}

/**
 * `count` consecutive ports bound on `host`, the first one given by the OS (bind to port 0), each of the others
 * bound in turn; a block with a taken port is let go and another tried. Each port is also bound once on
 * `alsoFreeOn` and let go at once: the target (Janus, or a test's echo socket) binds there next.
 */
async function bindFreeBlock(host: string, count: number, alsoFreeOn: string): Promise<dgram.Socket[]> {
  if (!Number.isInteger(count) || count < 1) throw new Error(`a block of ${count} ports`);
  let lastError: unknown;
  for (let attempt = 0; attempt < FREE_BLOCK_ATTEMPTS; attempt++) {
    const held: dgram.Socket[] = [];
    try {
      const first = await bindUdp(0, host);
      held.push(first);
      const base = first.address().port;
      if (base + count - 1 > 65_535) throw new Error(`a block from ${base} would pass 65535`);
      for (let port = base + 1; port < base + count; port++) held.push(await bindUdp(port, host));
      if (alsoFreeOn !== host) {
        for (let port = base; port < base + count; port++) (await bindUdp(port, alsoFreeOn)).close();
      }
      return held;
    } catch (error) {
      lastError = error;
      for (const s of held) s.close();
    }
  }
  throw new Error(
    `no block of ${count} free UDP ports on ${host} after ${FREE_BLOCK_ATTEMPTS} tries: ${String(lastError)}`,
  );
}

function rateOrLoss(i: Impairment): boolean {
  return i.loss > 0 || i.rateBps > 0 || i.delayMs > 0 || i.jitterMs > 0;
}

export class UdpRelay {
  readonly #options: UdpRelayOptions;
  readonly #listeners = new Map<number, dgram.Socket>();
  readonly #flows = new Map<string, Flow>();
  /** Applied to every flow, new ones included, unless a flow has its own. */
  #defaults: Record<Direction, Impairment> = {
    toClient: { ...NO_IMPAIRMENT },
    toServer: { ...NO_IMPAIRMENT },
  };
  /** impairPort's settings, "port/direction" → impairment, given to flows that appear later. */
  readonly #portImpairments = new Map<string, Impairment>();
  #closed = false;
  #range: [number, number] = [0, 0];

  private constructor(options: UdpRelayOptions) {
    this.#options = options;
  }

  static async start(options: UdpRelayOptions): Promise<UdpRelay> {
    const relay = new UdpRelay(options);
    let sockets: dgram.Socket[];
    if (Array.isArray(options.ports)) {
      const [lo, hi] = options.ports;
      sockets = [];
      try {
        for (let port = lo; port <= hi; port++) sockets.push(await bindUdp(port, options.listenHost));
      } catch (error) {
        for (const s of sockets) s.close();
        throw error;
      }
    } else {
      sockets = await bindFreeBlock(options.listenHost, options.ports.count, options.targetHost);
    }
    for (const socket of sockets) {
      const port = socket.address().port;
      socket.on("message", (msg, rinfo) => relay.#fromClient(port, msg, rinfo));
      socket.on("error", () => {});
      relay.#listeners.set(port, socket);
    }
    const ports = [...relay.#listeners.keys()];
    relay.#range = [Math.min(...ports), Math.max(...ports)];
    return relay;
  }

  /** The range the relay listens on (and forwards to on the target), first and last port. */
  get ports(): [number, number] {
    return [...this.#range];
  }

  /** Sets the impairment of one direction for every flow (present and future). */
  impair(direction: Direction, impairment: Partial<Impairment>): void {
    this.#defaults[direction] = { ...NO_IMPAIRMENT, ...impairment };
    for (const flow of this.#flows.values())
      flow.shapers[direction].impairment = { ...this.#defaults[direction] };
  }

  /**
   * Sets the impairment of one direction for every flow to one relay port (present and future): all the
   * candidate pairs of one connection of Janus's, whichever of them the media takes. A browser with several
   * host addresses (Firefox in its namespace: lo and pal0) makes a flow per address to the same port, and
   * what its getStats calls the selected pair is not always the flow Janus sends on.
   */
  impairPort(port: number, direction: Direction, impairment: Partial<Impairment>): number {
    const value = { ...NO_IMPAIRMENT, ...impairment };
    if (rateOrLoss(value)) this.#portImpairments.set(`${port}/${direction}`, value);
    else this.#portImpairments.delete(`${port}/${direction}`);
    let n = 0;
    for (const flow of this.#flows.values()) {
      if (flow.stats.port === port) {
        flow.shapers[direction].impairment = { ...value };
        n++;
      }
    }
    return n;
  }

  flows(): FlowStats[] {
    return [...this.#flows.values()].map((f) => structuredClone(f.stats));
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const s of this.#listeners.values()) s.close();
    for (const f of this.#flows.values()) f.upstream.close();
    this.#listeners.clear();
    this.#flows.clear();
  }

  #fromClient(port: number, msg: Buffer, rinfo: dgram.RemoteInfo): void {
    // Tests keep to loopback addresses: a browser socket on the machine's own interface gets no path.
    if (!rinfo.address.startsWith("127.")) return;
    const key = `${rinfo.address}:${rinfo.port}>${port}`;
    let flow = this.#flows.get(key);
    if (!flow) flow = this.#newFlow(key, port, rinfo);
    this.#forward(flow, "toServer", msg, () => flow.upstream.send(msg, port, this.#options.targetHost));
  }

  #newFlow(key: string, port: number, client: dgram.RemoteInfo): Flow {
    const upstream = dgram.createSocket("udp4");
    upstream.on("error", () => {});
    upstream.bind(0, this.#options.upstreamHost);
    const flow: Flow = {
      upstream,
      stats: {
        client: `${client.address}:${client.port}`,
        port,
        upstreamPort: 0,
        forwarded: { toClient: 0, toServer: 0 },
        dropped: { toClient: 0, toServer: 0 },
        bytes: { toClient: 0, toServer: 0 },
      },
      shapers: { toClient: new Shaper(), toServer: new Shaper() },
    };
    upstream.once("listening", () => {
      flow.stats.upstreamPort = upstream.address().port;
    });
    for (const direction of ["toClient", "toServer"] as const)
      flow.shapers[direction].impairment = {
        ...(this.#portImpairments.get(`${port}/${direction}`) ?? this.#defaults[direction]),
      };
    upstream.on("message", (msg) => {
      const listener = this.#listeners.get(port);
      this.#forward(flow, "toClient", msg, () => listener?.send(msg, client.port, client.address));
    });
    this.#flows.set(key, flow);
    return flow;
  }

  #forward(flow: Flow, direction: Direction, msg: Buffer, send: () => void): void {
    const delay = flow.shapers[direction].schedule(msg.length, performance.now());
    if (delay === null) {
      flow.stats.dropped[direction]++;
      return;
    }
    flow.stats.forwarded[direction]++;
    flow.stats.bytes[direction] += msg.length;
    const deliver = () => {
      if (!this.#closed) send();
    };
    if (delay < 0.5) deliver();
    else setTimeout(deliver, delay);
  }
}
