/**
 * README "Running" and "Security": Janus's API listens on 127.0.0.1 only, on a random port with a random secret
 * per start, with only the VideoRoom plugin and the WebSocket transport loaded; Ctrl-C (SIGTERM) stops Janus
 * with the server and removes its temporary folder. Seen from the outside: the configuration folder the server
 * generated (named by Janus's `-F` argument, owned by the server per its owner.json), the sockets of the Janus
 * pid in /proc, and Janus's own answers on its API.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  endpointFiles,
  type JanusEndpointFiles,
  type JanusInfo,
  janusOf,
  janusRequest,
  socketsOf,
} from "../helpers/janus-inspect.js";
import { describeServerLog } from "../helpers/log-health.js";
import { alive } from "../helpers/processes.js";
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
