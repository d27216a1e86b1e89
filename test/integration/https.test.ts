/**
 * README "On a server": with TLS_CERT and TLS_KEY the server serves HTTPS (and WebSocket over TLS) itself,
 * sends HSTS only then, and gives each join TURN credentials of its own when TURN_SECRET is set. The
 * certificate comes from a test CA (the deployment test's, made with openssl), trusted by these requests only.
 */
import { createHmac } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import https from "node:https";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTestPki } from "../e2e/helpers/deploy.js";
import { describeServerLog } from "../helpers/log-health.js";
import { type ServerHandle, startServer } from "../helpers/server.js";
import { RawClient } from "../helpers/ws-client.js";

const SECRET = "e2f0c1d2b3a49586776859a4b3c2d1e0f0e1d2c3b4a5968778695a4b3c2d1e0f";
let dir: string;
let ca: string;
let server: ServerHandle;
let plain: ServerHandle;

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function get(url: string, options: https.RequestOptions = {}): Promise<Answer> {
  const client = url.startsWith("https:") ? https : http;
  return new Promise((resolve, reject) => {
    client
      .get(url, options, (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c) => (body += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      })
      .on("error", reject);
  });
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "palabre-https-"));
  const files = makeTestPki(dir, ["127.0.0.1"]);
  ca = files.caPem;
  server = await startServer({
    name: "https",
    env: {
      TLS_CERT: files.cert,
      TLS_KEY: files.key,
      ICE_SERVERS: "turn:198.18.0.1:3478?transport=tcp,turns:turn.example.org:443?transport=tcp",
      TURN_SECRET: SECRET,
      TURN_TTL_SECONDS: "3600",
    },
  });
  plain = await startServer({ name: "https-plain" });
});

afterAll(async () => {
  await server?.stop();
  await plain?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("a server given TLS_CERT and TLS_KEY", () => {
  it("serves the app over HTTPS, with a certificate the test CA vouches for, and HSTS", async () => {
    expect(server.origin).toMatch(/^https:/);
    const page = await get(`${server.origin}/some-room`, { ca });
    expect(page.status).toBe(200);
    expect(page.body).toContain("<html");
    expect(page.headers["strict-transport-security"]).toBe("max-age=31536000");
    // Without the CA, the same request is refused by the client: the certificate is not self-trusted.
    await expect(get(`${server.origin}/healthz`)).rejects.toThrow(/certificate|self.signed|issuer/i);
  });

  it("does not answer plain HTTP with the app", async () => {
    const answer = await get(server.origin.replace("https:", "http:")).catch((e: Error) => e);
    if (!(answer instanceof Error)) expect(answer.body).not.toContain("<html");
  });

  it("gives HSTS only over HTTPS: a plain server sends none", async () => {
    const page = await get(`${plain.origin}/some-room`);
    expect(page.status).toBe(200);
    expect(page.headers["strict-transport-security"]).toBeUndefined();
  });

  it("runs the protocol over wss, and each join gets TURN credentials of its own that expire", async () => {
    const credentials: { username: string; credential: string }[] = [];
    for (const name of ["Ana", "Bea"]) {
      const client = await RawClient.connect(server.wsUrl, { ca });
      const joined = await client.request({ type: "join", v: 1, room: "tls-room", name }, 10_000);
      expect(joined.type, JSON.stringify(joined)).toBe("joined");
      const turn = joined.iceServers.find((s: { urls: string[] }) =>
        s.urls.some((u) => u.startsWith("turn")),
      );
      expect(turn.urls).toEqual([
        "turn:198.18.0.1:3478?transport=tcp",
        "turns:turn.example.org:443?transport=tcp",
      ]);
      const expiry = Number(turn.username.split(":")[0]);
      expect(expiry - Date.now() / 1000).toBeGreaterThan(3500);
      expect(expiry - Date.now() / 1000).toBeLessThanOrEqual(3600);
      // What coturn's use-auth-secret computes to check it.
      expect(turn.credential).toBe(createHmac("sha1", SECRET).update(turn.username).digest("base64"));
      credentials.push(turn);
      client.close();
    }
    expect(credentials[0]?.username).not.toBe(credentials[1]?.username);
    // Neither the secret nor a participant's name is in what the server logged.
    const log = server.lines.join("\n");
    expect(log).not.toContain(SECRET);
    expect(log).not.toContain(credentials[0]?.credential ?? "?");
  });
});

describeServerLog(() => server);
