/**
 * Configuration from environment variables (the README lists them). Parsed once at start-up; a bad value
 * stops the server with a message naming the variable.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { isIP } from "node:net";
import { networkInterfaces } from "node:os";
import { fileURLToPath } from "node:url";
import type { IceServer } from "../protocol/messages.js";

export interface Config {
  host: string;
  port: number;
  /** Folder of the built client (index.html and assets). */
  clientDir: string;
  janus: {
    bin: string;
    /** Inclusive UDP range Janus uses for media. */
    rtpPorts: [number, number];
    /** Interfaces (or addresses) Janus may gather ICE candidates on; empty: all. */
    iceInterfaces: string;
    /** Public address announced in Janus's candidates when the host is behind 1:1 NAT. */
    publicIp: string;
    /** Janus media threads: 0 = one per handle (Janus default), N = a shared pool of N. */
    eventLoops: number;
    /**
     * Lost packets that make Janus send a slow-link report (0: none, Janus's default). Off by default: Janus
     * counts them between two receiver reports, not over a second, so a few per cent of random loss on an
     * audio stream already reads as a slow link and pushes the clients' estimates down for nothing.
     */
    slowlinkThreshold: number;
    debugLevel: number;
    /**
     * Let a crashing Janus write a core dump (where the system puts them, for debugging). Off by default: a
     * core holds the media keys and whatever was in memory, and nothing is kept by default.
     */
    coreDumps: boolean;
  };
  /** What participants' peer connections are given: see `ice()` and media/turn-credentials.ts. */
  ice: {
    urls: string[];
    /** Given as is when there is no TURN secret. */
    fixed: IceServer[];
    turnSecret: TurnSecret | null;
  };
  maxParticipantsPerRoom: number;
  /** Keep a room's public chat for people who join later. */
  chatHistory: boolean;
  /** Every new room starts with its lobby on. */
  lobbyByDefault: boolean;
  /** Lower a raised hand once its owner has talked this long; 0: never. */
  handAutoLowerSeconds: number;
  maxScreenShares: number;
  /** Serve HTTPS with this certificate chain and key (TLS_CERT, TLS_KEY: PEM files); null: HTTP. */
  tls: { cert: Buffer; key: Buffer } | null;
  /** Serve /metrics to any client, not only loopback ones. */
  metricsPublic: boolean;
  /** How long a dropped moderator's role waits for them before passing to someone else; 0: at once. */
  moderatorReturnSeconds: number;
  /** Limits that keep one client (or one address) from crowding out the others; README "Security". */
  limits: {
    /** Open WebSocket connections from one client address. */
    connectionsPerAddress: number;
    /** People waiting in one meeting's lobby, and of those, from one client address. */
    waitingPerRoom: number;
    waitingPerAddress: number;
    /** Wrong passwords from one client address per minute, every meeting together. */
    passwordFailuresPerAddress: number;
  };
  /**
   * Addresses of reverse proxies whose `X-Forwarded-For` is believed: a connection from one of them is
   * counted against the address the proxy names, not against the proxy. Empty: every peer is a client.
   */
  trustedProxies: string[];
  /** Set (REDIS_URL): this node is one of a cluster (README "Many machines"); null: one node alone. */
  cluster: {
    redisUrl: string;
    nodeId: string;
    nodeTtlMs: number;
  } | null;
}

/** coturn's shared secret (TURN_SECRET) and how long the credentials made from it last. */
export interface TurnSecret {
  secret: string;
  /** How long a credential is valid, in seconds. */
  ttlSeconds: number;
}

export class ConfigError extends Error {
  constructor(variable: string, problem: string) {
    super(`${variable}: ${problem}`);
    this.name = "ConfigError";
  }
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ConfigError(name, `expected an integer from ${min} to ${max}, got '${raw}'`);
  }
  return n;
}

function portRange(env: NodeJS.ProcessEnv, name: string, fallback: [number, number]): [number, number] {
  const raw = env[name];
  if (!raw) return fallback;
  const m = /^(\d+)-(\d+)$/.exec(raw);
  const lo = Number(m?.[1]);
  const hi = Number(m?.[2]);
  if (!m || lo < 1024 || hi > 65535 || lo > hi) {
    throw new ConfigError(name, `expected a range like 20000-40000, got '${raw}'`);
  }
  return [lo, hi];
}

function addressList(env: NodeJS.ProcessEnv, name: string): string[] {
  const raw = env[name];
  if (!raw) return [];
  const list = raw.split(",").map((s) => s.trim());
  for (const address of list) {
    if (!isIP(address)) throw new ConfigError(name, `not an IP address: '${address}'`);
  }
  return list;
}

/**
 * ICE_SERVERS: comma-separated stun:/turn:/turns: URLs of the operator's own servers (no default: privacy).
 * turn: URLs need credentials, or a browser refuses to build the peer connection and every join fails: either
 * TURN_SECRET (coturn's static-auth-secret; each join gets credentials of its own that expire after
 * TURN_TTL_SECONDS) or the static TURN_USERNAME and TURN_CREDENTIAL. Said at start, not at the first join.
 */
function ice(env: NodeJS.ProcessEnv): Config["ice"] {
  const raw = env.ICE_SERVERS;
  const urls = raw ? raw.split(",").map((s) => s.trim()) : [];
  for (const url of urls) {
    if (!/^(stun|turns?):[^\s,]+$/.test(url))
      throw new ConfigError("ICE_SERVERS", `not a stun:/turn: URL: '${url}'`);
  }
  const secret = env.TURN_SECRET ?? "";
  const username = env.TURN_USERNAME ?? "";
  const credential = env.TURN_CREDENTIAL ?? "";
  const ttlSeconds = int(env, "TURN_TTL_SECONDS", 8 * 3600, 60, 7 * 24 * 3600);
  const turn = urls.some((u) => u.startsWith("turn"));
  if (secret && (username || credential))
    throw new ConfigError(
      "TURN_SECRET",
      "give either TURN_SECRET or TURN_USERNAME/TURN_CREDENTIAL, not both",
    );
  if (secret && secret.length < 32)
    throw new ConfigError("TURN_SECRET", "at least 32 characters (e.g. openssl rand -hex 32)");
  if (turn && !secret && (!username || !credential))
    throw new ConfigError("ICE_SERVERS", "turn: URLs need TURN_SECRET, or TURN_USERNAME and TURN_CREDENTIAL");
  const fixed: IceServer[] =
    urls.length === 0 ? [] : username && credential ? [{ urls, username, credential }] : [{ urls }];
  return { urls, fixed, turnSecret: secret ? { secret, ttlSeconds } : null };
}

/** TLS_CERT and TLS_KEY: both or neither, read once at start (a renewed certificate needs a restart). */
function tls(env: NodeJS.ProcessEnv): Config["tls"] {
  const certPath = env.TLS_CERT ?? "";
  const keyPath = env.TLS_KEY ?? "";
  if (!certPath && !keyPath) return null;
  if (!certPath || !keyPath)
    throw new ConfigError(certPath ? "TLS_KEY" : "TLS_CERT", "TLS_CERT and TLS_KEY go together");
  const read = (name: string, path: string) => {
    try {
      return readFileSync(path);
    } catch (err) {
      throw new ConfigError(name, `cannot read '${path}': ${(err as NodeJS.ErrnoException).code ?? err}`);
    }
  };
  return { cert: read("TLS_CERT", certPath), key: read("TLS_KEY", keyPath) };
}

/**
 * Janus silently gathers on every interface when `ice_enforce_list` names nothing usable, which would
 * expose addresses the operator meant to keep out: refuse names that are not IPv4-bearing interfaces.
 */
function iceInterfaces(env: NodeJS.ProcessEnv): string {
  const raw = env.JANUS_ICE_INTERFACE ?? "";
  if (!raw) return "";
  const interfaces = networkInterfaces();
  for (const entry of raw.split(",").map((s) => s.trim())) {
    if (isIP(entry)) continue;
    const v4 = (interfaces[entry] ?? []).some((a) => a.family === "IPv4");
    if (!v4)
      throw new ConfigError(
        "JANUS_ICE_INTERFACE",
        `'${entry}' is not an interface with an IPv4 address here`,
      );
  }
  return raw;
}

/**
 * REDIS_URL: redis:// (or rediss:// for TLS) with a password. A Redis without one would let anyone who
 * reaches it read the meetings' state and steer the cluster: refused.
 */
function cluster(env: NodeJS.ProcessEnv): Config["cluster"] {
  const raw = env.REDIS_URL;
  if (!raw) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError("REDIS_URL", "not a URL (expected redis://:password@host:6379)");
  }
  if (url.protocol !== "redis:" && url.protocol !== "rediss:")
    throw new ConfigError("REDIS_URL", "expected a redis:// or rediss:// URL");
  if (!url.password)
    throw new ConfigError("REDIS_URL", "Redis must require a password: redis://:password@host:6379");
  const nodeId = env.NODE_ID || `n${randomBytes(6).toString("hex")}`;
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(nodeId))
    throw new ConfigError("NODE_ID", "letters, digits, '-' and '_' only, at most 64");
  return { redisUrl: raw, nodeId, nodeTtlMs: int(env, "NODE_TTL_SECONDS", 5, 1, 60) * 1000 };
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return {
    host: env.HOST || "0.0.0.0",
    port: int(env, "PORT", 8080, 0, 65535),
    clientDir: env.CLIENT_DIR || fileURLToPath(new URL("../../dist/client", import.meta.url)),
    janus: {
      bin: env.JANUS_BIN || "janus",
      rtpPorts: portRange(env, "JANUS_RTP_PORTS", [20000, 40000]),
      iceInterfaces: iceInterfaces(env),
      publicIp: env.JANUS_PUBLIC_IP ?? "",
      eventLoops: int(env, "JANUS_EVENT_LOOPS", 0, 0, 64),
      slowlinkThreshold: int(env, "JANUS_SLOWLINK_THRESHOLD", 0, 0, 10_000),
      debugLevel: int(env, "JANUS_DEBUG_LEVEL", 3, 0, 7),
      coreDumps: int(env, "JANUS_CORE_DUMPS", 0, 0, 1) === 1,
    },
    ice: ice(env),
    maxParticipantsPerRoom: int(env, "MAX_PARTICIPANTS", 100, 1, 10_000),
    chatHistory: int(env, "CHAT_HISTORY", 1, 0, 1) === 1,
    lobbyByDefault: int(env, "LOBBY_BY_DEFAULT", 0, 0, 1) === 1,
    handAutoLowerSeconds: int(env, "HAND_AUTO_LOWER_SECONDS", 0, 0, 3600),
    maxScreenShares: int(env, "MAX_SCREEN_SHARES", 3, 0, 100),
    tls: tls(env),
    metricsPublic: int(env, "METRICS_PUBLIC", 0, 0, 1) === 1,
    moderatorReturnSeconds: int(env, "MODERATOR_RETURN_SECONDS", 10, 0, 60),
    limits: {
      connectionsPerAddress: int(env, "MAX_CONNECTIONS_PER_ADDRESS", 100, 1, 1_000_000),
      waitingPerRoom: int(env, "MAX_WAITING", 100, 1, 10_000),
      waitingPerAddress: int(env, "MAX_WAITING_PER_ADDRESS", 20, 1, 10_000),
      passwordFailuresPerAddress: int(env, "PASSWORD_TRIES_PER_ADDRESS", 30, 1, 10_000),
    },
    trustedProxies: addressList(env, "TRUSTED_PROXIES"),
    cluster: cluster(env),
  };
}
