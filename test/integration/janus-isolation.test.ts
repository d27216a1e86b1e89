/**
 * README "Running" and "Security": Janus's API listens on 127.0.0.1 only, on a random port with a random secret
 * per start, with only the VideoRoom plugin and the WebSocket transport loaded; only its media ports are
 * reachable from outside; Ctrl-C (SIGTERM) stops Janus with the server and removes its temporary folder. Seen
 * from the outside: the configuration folder the server generated (named by Janus's `-F` argument, owned by the
 * server per its owner.json), every socket of the server's and the Janus pid's in /proc, the environment the
 * server was started with (/proc/<pid>/environ), and Janus's own answers on its API.
 */
import fs from "node:fs";
import { isIP } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Bot } from "../../bots/bot.js";
import {
  endpointFiles,
  type JanusEndpointFiles,
  type JanusInfo,
  janusOf,
  janusRequest,
  socketInodes,
  socketsOf,
} from "../helpers/janus-inspect.js";
import { describeServerLog } from "../helpers/log-health.js";
import { alive } from "../helpers/processes.js";
import { uniqueRoom } from "../helpers/room-clients.js";
import { type ServerHandle, startServer } from "../helpers/server.js";
import { waitFor } from "../helpers/wait.js";

const servers: ServerHandle[] = [];

describe("Janus's API (two servers, two starts)", () => {
  const janus: JanusInfo[] = [];
  const endpoints: JanusEndpointFiles[] = [];

  beforeAll(async () => {
    for (const name of ["janus-isolation-a", "janus-isolation-b"]) {
      const server = await startServer({ name });
      servers.push(server);
      const info = await waitFor(() => janusOf(server), { what: `${name}'s Janus` });
      janus.push(info);
      endpoints.push(endpointFiles(info.dir));
    }
  });

  afterAll(async () => {
    for (const s of servers) await s.stop();
  });

  it("runs from a folder the server made for itself", () => {
    for (const [i, j] of janus.entries()) {
      expect(path.basename(j.dir)).toMatch(/^palabre-janus-/);
      const owner = JSON.parse(fs.readFileSync(path.join(j.dir, "owner.json"), "utf8"));
      expect(owner.pid, "owner.json names this server").toBe(servers[i]?.pid);
      // Private: the secrets in it are for the server's user only.
      expect(fs.statSync(j.dir).mode & 0o077).toBe(0);
    }
  });

  it("has a port and secrets of its own per start", () => {
    const [a, b] = endpoints as [JanusEndpointFiles, JanusEndpointFiles];
    expect(a.wsPort).not.toBe(b.wsPort);
    expect(a.adminPort).not.toBe(b.adminPort);
    expect(a.apiSecret).not.toBe(b.apiSecret);
    expect(a.adminSecret).not.toBe(b.adminSecret);
    for (const e of [a, b]) {
      // 24 random bytes in base64url: nothing a guesser could enumerate.
      expect(e.apiSecret).toMatch(/^[\w-]{32,}$/);
      expect(e.adminSecret).toMatch(/^[\w-]{32,}$/);
      expect(e.apiSecret).not.toBe(e.adminSecret);
    }
  });

  it("listens on 127.0.0.1 only: every listening socket of the Janus pid (tcp and tcp6)", () => {
    for (const [i, j] of janus.entries()) {
      const e = endpoints[i] as JanusEndpointFiles;
      const listening = socketsOf(j.pid).filter((s) => s.proto.startsWith("tcp") && s.state === "0A");
      for (const s of listening) expect(`${s.proto} ${s.address}:${s.port}`).toBe(`tcp 127.0.0.1:${s.port}`);
      // Positive: the API's two ports are the ones (so the reading does see Janus's sockets).
      expect(listening.map((s) => s.port).sort()).toEqual([e.wsPort, e.adminPort].sort());
      expect([e.wsIp, e.adminIp]).toEqual(["127.0.0.1", "127.0.0.1"]);
    }
  });

  it("refuses an API request without the secret, or with another server's", async () => {
    const [a, b] = endpoints as [JanusEndpointFiles, JanusEndpointFiles];
    const url = `ws://127.0.0.1:${a.wsPort}`;
    const unauthorized = { janus: "error", error: { code: 403 } };
    expect(await janusRequest(url, { janus: "create" })).toMatchObject(unauthorized);
    expect(await janusRequest(url, { janus: "create", apisecret: b.apiSecret })).toMatchObject(unauthorized);
    // With its own secret the same request succeeds: the refusals above are about the secret.
    const created = await janusRequest(url, { janus: "create", apisecret: a.apiSecret });
    expect(created).toMatchObject({ janus: "success" });
    const sessionId = (created.data as { id: number }).id;
    await janusRequest(url, { janus: "destroy", session_id: sessionId, apisecret: a.apiSecret });

    const admin = `ws://127.0.0.1:${a.adminPort}`;
    expect(await janusRequest(admin, { janus: "get_status" }, { admin: true })).toMatchObject(unauthorized);
    expect(
      await janusRequest(admin, { janus: "get_status", admin_secret: b.adminSecret }, { admin: true }),
    ).toMatchObject(unauthorized);
    expect(
      await janusRequest(admin, { janus: "get_status", admin_secret: a.adminSecret }, { admin: true }),
    ).toMatchObject({ janus: "success" });
  });

  it("has only the VideoRoom plugin and the WebSocket transport loaded (Janus's own `info`)", async () => {
    for (const e of endpoints) {
      const info = await janusRequest(`ws://127.0.0.1:${e.wsPort}`, { janus: "info" });
      expect(info.janus).toBe("server_info");
      expect(Object.keys(info.plugins as object)).toEqual(["janus.plugin.videoroom"]);
      expect(Object.keys(info.transports as object)).toEqual(["janus.transport.websockets"]);
      expect(info.events).toEqual({});
      expect(info.loggers).toEqual({});
      expect(info.api_secret).toBe(true);
    }
  });
});

/** The environment a process was started with (/proc/<pid>/environ): how the test harness configured it. */
function environOf(pid: number): Record<string, string> {
  const entries = fs
    .readFileSync(`/proc/${pid}/environ`, "utf8")
    .split("\0")
    .filter((kv) => kv.includes("="))
    .map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)] as const);
  return Object.fromEntries(entries);
}

/**
 * `pid`'s sockets in the tables socketsOf does not read but that take packets from a network: raw IP
 * (raw, raw6: "raw 0.0.0.0 protocol 132"), UDP-Lite and packet sockets.
 */
function otherNetworkSockets(pid: number): string[] {
  const inodes = socketInodes(pid);
  const found: string[] = [];
  // The inode is the 10th column of raw and udplite rows, the 9th of packet rows.
  for (const [table, column] of [
    ["raw", 9],
    ["raw6", 9],
    ["udplite", 9],
    ["udplite6", 9],
    ["packet", 8],
  ] as const) {
    const rows = fs.readFileSync(`/proc/${pid}/net/${table}`, "utf8").trim().split("\n").slice(1);
    for (const row of rows) {
      const f = row.trim().split(/\s+/);
      if (!inodes.has(f[column] ?? "")) continue;
      if (table === "packet") {
        found.push(`packet protocol 0x${f[3]} (inode ${f[column]})`);
        continue;
      }
      // A raw socket's "port" is its IP protocol number.
      const [hexAddress = "", hexPort = "0"] = (f[1] ?? "").split(":");
      const address = /^0+$/.test(hexAddress) ? (table.endsWith("6") ? "::" : "0.0.0.0") : hexAddress;
      const kind = table.startsWith("raw") ? "protocol" : "port";
      found.push(`${table} ${address} ${kind} ${Number.parseInt(hexPort, 16)} (inode ${f[column]})`);
    }
  }
  return found;
}

/**
 * Loopback here means lo's own addresses. The ICE interface of the tests (pal0, see veth.ts) carries
 * 127.77.0.1: it stands for the machine's public address, and counts as outside.
 */
function onLoopback(address: string): boolean {
  return address === "127.0.0.1" || address === "0:0:0:0:0:0:0:1" || address === "::ffff:127.0.0.1";
}

const described = (s: { proto: string; address: string; port: number }) =>
  `${s.proto} ${s.address}:${s.port}`;

/** The server of the sockets test (module-wide: the log guards at the end read it). */
let socketsServer: ServerHandle | undefined;

describe("only Janus's media ports are reachable from outside (every socket of the server and of its Janus)", () => {
  const bots: Bot[] = [];
  /** The server's and its Janus's pids, and how the harness configured them, once the call is up. */
  let setup:
    | {
        server: ServerHandle;
        janus: JanusInfo;
        api: JanusEndpointFiles;
        host: string;
        rtp: [number, number];
        iface: string;
        iceAddresses: string[];
      }
    | undefined;

  beforeAll(async () => {
    const server = await startServer({ name: "janus-isolation-sockets" });
    socketsServer = server;
    // How the harness started the server (test/helpers/server.ts): HOST, PORT, JANUS_RTP_PORTS (a block of
    // 1000 it picks per start) and JANUS_ICE_INTERFACE (pal0, see veth.ts).
    const env = environOf(server.pid);
    const host = env.HOST ?? "";
    const range = /^(\d+)-(\d+)$/.exec(env.JANUS_RTP_PORTS ?? "");
    if (!range) throw new Error(`JANUS_RTP_PORTS=${env.JANUS_RTP_PORTS} is not a range`);
    const iface = env.JANUS_ICE_INTERFACE ?? "";
    const iceAddresses = isIP(iface)
      ? [iface]
      : (os.networkInterfaces()[iface] ?? []).filter((a) => a.family === "IPv4").map((a) => a.address);
    const janus = await waitFor(() => janusOf(server), { what: "the server's Janus" });
    // A call, so that Janus holds media sockets: Ann publishes her camera and microphone, Cat receives them.
    const url = server.wsUrl;
    const room = uniqueRoom("sockets");
    const ann = new Bot({ url, room, name: "ann", audio: "on", video: true, subscribe: false });
    const cat = new Bot({ url, room, name: "cat", audio: "off", video: false, subscribe: true });
    bots.push(ann, cat);
    await ann.start();
    await cat.start();
    await waitFor(async () => ((await cat.report()).inByParticipant.get(ann.id ?? "")?.frames ?? 0) > 10, {
      timeoutMs: 15_000,
      what: "Cat to decode Ann's video through Janus",
    });
    expect(Number(env.PORT), "PORT in the server's environment").toBe(server.port);
    setup = {
      server,
      janus,
      api: endpointFiles(janus.dir),
      host,
      rtp: [Number(range[1]), Number(range[2])],
      iface,
      iceAddresses,
    };
  });

  afterAll(async () => {
    for (const b of bots) await b.leave();
    await socketsServer?.stop();
  });

  it("TCP: only the HTTP port on HOST and Janus's API on 127.0.0.1; UDP: only Janus's, in JANUS_RTP_PORTS on the ICE interface, or on loopback", () => {
    if (!setup) throw new Error("no server and call to look at");
    const { server, janus, api, host, iface, iceAddresses } = setup;
    const [lo, hi] = setup.rtp;
    expect(isIP(host), `HOST=${host} is an IPv4 address (as /proc prints it)`).toBe(4);
    expect(iceAddresses.length, `IPv4 addresses of JANUS_ICE_INTERFACE=${iface}`).toBeGreaterThan(0);
    const inRange = (p: number) => p >= lo && p <= hi;
    const listeners = (list: ReturnType<typeof socketsOf>) =>
      list
        .filter((s) => s.proto.startsWith("tcp") && s.state === "0A")
        .map(described)
        .sort();
    const udp = (list: ReturnType<typeof socketsOf>) => list.filter((s) => s.proto.startsWith("udp"));

    // The server: its HTTP port on HOST, nothing else listening, no UDP at all.
    const ours = socketsOf(server.pid);
    expect(listeners(ours), "the server's listening TCP sockets").toEqual([`tcp ${host}:${server.port}`]);
    expect(udp(ours).map(described), "the server's UDP sockets").toEqual([]);

    // Janus: its two API ports on 127.0.0.1 (those its configuration names), nothing else listening.
    const janusSockets = socketsOf(janus.pid);
    expect(listeners(janusSockets), "Janus's listening TCP sockets").toEqual(
      [`tcp 127.0.0.1:${api.wsPort}`, `tcp 127.0.0.1:${api.adminPort}`].sort(),
    );
    // Its UDP sockets: the call's media, in the range on the ICE interface; anything else on loopback only.
    const janusUdp = udp(janusSockets);
    expect(
      janusUdp.filter((s) => !inRange(s.port) && !onLoopback(s.address)).map(described),
      `Janus's UDP sockets outside ${lo}-${hi} and off loopback (all: ${janusUdp.map(described)})`,
    ).toEqual([]);
    const media = janusUdp.filter((s) => inRange(s.port) && !onLoopback(s.address));
    expect(media.length, `Janus's media sockets in ${lo}-${hi} during the call`).toBeGreaterThan(0);
    expect(
      media.filter((s) => !iceAddresses.includes(s.address)).map(described),
      `media sockets on another address than ${iface}'s ${iceAddresses}`,
    ).toEqual([]);

    // Whatever else the server runs (the TypeScript loader's helper) holds no TCP or UDP socket.
    for (const d of server.descendants().filter((x) => x.pid !== janus.pid)) {
      let held: string[];
      try {
        held = socketsOf(d.pid).map(described);
      } catch {
        continue; // gone meanwhile
      }
      expect(held, `TCP and UDP sockets of ${d.pid} ${d.cmd}`).toEqual([]);
    }
  });

  it("holds no raw, UDP-Lite or packet socket (they take packets from any address, on no port)", () => {
    if (!setup) throw new Error("no server and call to look at");
    const { server, janus } = setup;
    expect(otherNetworkSockets(server.pid), "the server's raw, UDP-Lite and packet sockets").toEqual([]);
    // Janus's SCTP library (usrsctp, for data channels) opens raw SCTP sockets on every address when it may
    // (root, or CAP_NET_RAW): SCTP packets from anywhere would reach it. Its data channels run over DTLS and
    // need none of them.
    expect(otherNetworkSockets(janus.pid), "Janus's raw, UDP-Lite and packet sockets").toEqual([]);
    for (const d of server.descendants().filter((x) => x.pid !== janus.pid)) {
      let held: string[];
      try {
        held = otherNetworkSockets(d.pid);
      } catch {
        continue; // gone meanwhile
      }
      expect(held, `raw, UDP-Lite and packet sockets of ${d.pid} ${d.cmd}`).toEqual([]);
    }
  });
});

describe("stopping the server with SIGTERM (Ctrl-C)", () => {
  it("stops Janus with it and removes Janus's temporary folder", async () => {
    const server = await startServer({ name: "janus-isolation-sigterm" });
    try {
      const j = await waitFor(() => janusOf(server), { what: "the server's Janus" });
      expect(fs.existsSync(path.join(j.dir, "janus.jcfg")), "the folder holds the configuration").toBe(true);
      // SIGTERM by hand (not through the harness's stop(), which would clean up after a faulty server).
      process.kill(server.pid, "SIGTERM");
      await waitFor(() => !server.isRunning(), { timeoutMs: 10_000, what: "the server to exit" });
      expect(server.exitInfo()).toEqual({ code: 0, signal: null });
      // The server stops Janus before it exits; a little slack for /proc to drop the process.
      await waitFor(() => !alive(j.pid), { timeoutMs: 2000, what: `Janus (pid ${j.pid}) to be gone` });
      expect(fs.existsSync(j.dir), `${j.dir} after the server exited`).toBe(false);
    } finally {
      await server.stop();
    }
  });
});

describeServerLog(() => servers[0], "the first server");
describeServerLog(() => servers[1], "the second server");
describeServerLog(() => socketsServer, "the sockets test's server");
