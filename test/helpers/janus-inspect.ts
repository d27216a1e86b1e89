/**
 * Looking at a server's Janus from the outside: its pid and private folder (the `-F` argument), the endpoint
 * written there (ports and secrets, from the configuration files the server generated), the sockets it listens
 * on (its fds matched against /proc/<pid>/net/tcp and tcp6), and one request on its API. Imports nothing from
 * vitest.
 */
import fs from "node:fs";
import path from "node:path";
import WebSocket from "ws";
import type { ServerHandle } from "./server.js";

export interface JanusInfo {
  pid: number;
  /** The folder given to Janus with `-F` (its configuration, and owner.json naming the server). */
  dir: string;
}

/** The server's Janus, or undefined while it has none. */
export function janusOf(server: ServerHandle): JanusInfo | undefined {
  const janus = server.descendants().find((p) => /(^|\/)janus\s/.test(`${p.cmd} `));
  if (!janus) return undefined;
  let args: string[];
  try {
    args = fs.readFileSync(`/proc/${janus.pid}/cmdline`, "utf8").split("\0");
  } catch {
    return undefined;
  }
  return { pid: janus.pid, dir: args[args.indexOf("-F") + 1] ?? "" };
}

export interface JanusEndpointFiles {
  wsIp: string;
  wsPort: number;
  apiSecret: string;
  adminIp: string;
  adminPort: number;
  adminSecret: string;
}

/** One `key = value` of Janus's libconfig files (strings quoted). */
function setting(text: string, key: string): string {
  const m = new RegExp(`^\\s*${key}\\s*=\\s*("(?:[^"\\\\]|\\\\.)*"|\\S+)`, "m").exec(text);
  if (!m?.[1]) throw new Error(`no '${key}' in Janus's configuration`);
  return m[1].startsWith('"') ? JSON.parse(m[1]) : m[1];
}

/** The API endpoints and secrets the server wrote into Janus's folder. */
export function endpointFiles(dir: string): JanusEndpointFiles {
  const core = fs.readFileSync(path.join(dir, "janus.jcfg"), "utf8");
  const ws = fs.readFileSync(path.join(dir, "janus.transport.websockets.jcfg"), "utf8");
  const admin = ws.slice(ws.indexOf("admin:"));
  return {
    wsIp: setting(ws, "ws_ip"),
    wsPort: Number(setting(ws, "ws_port")),
    apiSecret: setting(core, "api_secret"),
    adminIp: setting(admin, "admin_ws_ip"),
    adminPort: Number(setting(admin, "admin_ws_port")),
    adminSecret: setting(core, "admin_secret"),
  };
}

export interface Socket {
  proto: "tcp" | "tcp6" | "udp" | "udp6";
  /** Dotted IPv4, or IPv6 in full hex groups (as /proc prints it, host order resolved). */
  address: string;
  port: number;
  /** /proc's state: 0A = TCP LISTEN, 07 = UDP unconnected. */
  state: string;
}

/** /proc's hex address (little-endian 32-bit words) → text. */
function procAddress(hex: string): string {
  const words = hex.match(/.{8}/g) ?? [];
  const bytes = words.flatMap((w) => (w.match(/../g) ?? []).reverse().map((b) => Number.parseInt(b, 16)));
  if (bytes.length === 4) return bytes.join(".");
  if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff)
    return `::ffff:${bytes.slice(12).join(".")}`;
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)).toString(16));
  return groups.join(":");
}

/** The socket inodes among `pid`'s open files. */
export function socketInodes(pid: number): Set<string> {
  const inodes = new Set<string>();
  for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m?.[1]) inodes.add(m[1]);
    } catch {
      /* closed meanwhile */
    }
  }
  return inodes;
}

/** The sockets `pid` holds, from its fds and the socket tables of its network namespace. */
export function socketsOf(pid: number): Socket[] {
  const inodes = socketInodes(pid);
  const out: Socket[] = [];
  for (const proto of ["tcp", "tcp6", "udp", "udp6"] as const) {
    const rows = fs.readFileSync(`/proc/${pid}/net/${proto}`, "utf8").trim().split("\n").slice(1);
    for (const row of rows) {
      const f = row.trim().split(/\s+/);
      const [addr = "", port = "0"] = (f[1] ?? "").split(":");
      if (!inodes.has(f[9] ?? "")) continue;
      out.push({ proto, address: procAddress(addr), port: Number.parseInt(port, 16), state: f[3] ?? "" });
    }
  }
  return out;
}

/**
 * Sends one Janus API message on a fresh WebSocket (`janus-protocol`, or `janus-admin-protocol` for the admin
 * API) and resolves with the reply carrying its transaction.
 */
export function janusRequest(
  url: string,
  message: Record<string, unknown>,
  { admin = false, timeoutMs = 5000 }: { admin?: boolean; timeoutMs?: number } = {},
): Promise<Record<string, unknown>> {
  const transaction = `t${Math.random().toString(36).slice(2)}`;
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, admin ? "janus-admin-protocol" : "janus-protocol");
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(`no reply from ${url} to ${JSON.stringify(message)} within ${timeoutMs} ms`));
    }, timeoutMs);
    ws.once("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    ws.once("open", () => ws.send(JSON.stringify({ ...message, transaction })));
    ws.on("message", (data) => {
      const reply = JSON.parse(String(data)) as Record<string, unknown>;
      if (reply.transaction !== transaction) return;
      clearTimeout(timer);
      ws.close();
      resolve(reply);
    });
  });
}
