/**
 * README "Configuration": `/metrics` is served to loopback clients only, unless METRICS_PUBLIC=1. The server
 * listens on the host end of a veth pair made for this file (10.213.x.x, see netns.ts); a client inside the
 * namespace reaches it from a non-loopback address, and a client here reaches the same address from 127.0.0.1
 * (bound to it: the kernel carries it over loopback, and the server sees a loopback peer).
 */
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeServerLog } from "../helpers/log-health.js";
import { createNamespacePair, type NamespacePair } from "../helpers/netns.js";
import { type ServerHandle, startServer } from "../helpers/server.js";

let pair: NamespacePair;
let loopbackOnly: ServerHandle;
let everyone: ServerHandle;

beforeAll(() => {
  pair = createNamespacePair("metr");
});

afterAll(() => {
  pair?.remove();
});

interface Answer {
  status: number;
  body: string;
}

/** GET from this namespace, from 127.0.0.1. */
function getFromLoopback(
  server: ServerHandle,
  path: string,
  headers: Record<string, string> = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    http
      .get(`${server.origin}${path}`, { localAddress: "127.0.0.1", headers }, (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c) => (body += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on("error", reject);
  });
}

/** GET from inside the namespace (its only address is on the veth: not loopback). */
async function getFromOutside(server: ServerHandle, path: string): Promise<Answer> {
  const out = await pair.node(
    `fetch(${JSON.stringify(`${server.origin}${path}`)}).then(async (r) =>
       console.log(JSON.stringify({ status: r.status, body: await r.text() })))`,
  );
  return JSON.parse(out);
}

describe("/metrics by default", () => {
  beforeAll(async () => {
    loopbackOnly = await startServer({ name: "metrics-loopback", host: pair.hostAddress });
  });

  afterAll(async () => {
    await loopbackOnly?.stop();
  });

  it("answers a loopback client with the counts", async () => {
    const answer = await getFromLoopback(loopbackOnly, "/metrics");
    expect(answer.status).toBe(200);
    expect(answer.body).toMatch(/^palabre_rooms \d+$/m);
  });

  it("answers 404 to a client that is not on loopback, which does reach the server (its /healthz is 200)", async () => {
    expect((await getFromOutside(loopbackOnly, "/healthz")).status).toBe(200);
    const answer = await getFromOutside(loopbackOnly, "/metrics");
    expect(answer.status).toBe(404);
    expect(answer.body).not.toContain("palabre_");
  });

  describe("behind a reverse proxy on the same machine (every request from loopback)", () => {
    const proxies: Record<string, string>[] = [
      { "X-Forwarded-For": "198.51.100.7" },
      { Forwarded: "for=198.51.100.7" },
      { "X-Real-IP": "198.51.100.7" },
      { Via: "1.1 caddy" },
    ];

    it("gives /metrics only to a request no proxy forwarded", async () => {
      for (const headers of proxies) {
        const answer = await getFromLoopback(loopbackOnly, "/metrics", headers);
        expect(answer.status, JSON.stringify(headers)).toBe(404);
        expect(answer.body).not.toContain("palabre_");
      }
    });

    it("shows /healthz's counts to the operator's own loopback check, and only up/down to anyone else", async () => {
      const own = JSON.parse((await getFromLoopback(loopbackOnly, "/healthz")).body);
      expect(own).toMatchObject({ ok: true, media: "up", rooms: 0, participants: 0 });
      for (const headers of proxies) {
        const answer = await getFromLoopback(loopbackOnly, "/healthz", headers);
        expect(answer.status).toBe(200);
        expect(JSON.parse(answer.body), JSON.stringify(headers)).toEqual({ ok: true, media: "up" });
      }
      expect(JSON.parse((await getFromOutside(loopbackOnly, "/healthz")).body)).toEqual({
        ok: true,
        media: "up",
      });
    });
  });
});

describe("/metrics with METRICS_PUBLIC=1", () => {
  beforeAll(async () => {
    everyone = await startServer({
      name: "metrics-public",
      host: pair.hostAddress,
      env: { METRICS_PUBLIC: "1" },
    });
  });

  afterAll(async () => {
    await everyone?.stop();
  });

  it("answers a client that is not on loopback too", async () => {
    const answer = await getFromOutside(everyone, "/metrics");
    expect(answer.status).toBe(200);
    expect(answer.body).toMatch(/^palabre_rooms \d+$/m);
  });
});

describeServerLog(() => loopbackOnly, "the server (loopback-only metrics)");
describeServerLog(() => everyone, "the server (METRICS_PUBLIC=1)");
