/**
 * The client's text files go out compressed, chosen by content negotiation from the copies the build wrote
 * (scripts/precompress.ts), against the real server: brotli when accepted, gzip when only gzip is, the file itself
 * otherwise, with q-values honoured; the room page (index.html served for any path) included. Bodies are checked
 * byte for byte against dist/client, so a copy the server compressed itself, or a stale one, would fail.
 */
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CONTENT_SECURITY_POLICY } from "../../src/server/gateway/http.js";
import { REPO_ROOT } from "../helpers/paths.js";
import type { ServerHandle } from "../helpers/server.js";
import { describeServerHealth, suiteServer } from "../helpers/suite-server.js";

const server = suiteServer({ name: "compression" });
const CLIENT_DIR = path.join(REPO_ROOT, "dist/client");

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** A raw request (fetch would decode the body and send its own Accept-Encoding). */
function request(
  method: "GET" | "HEAD",
  urlPath: string,
  acceptEncoding?: string,
  to: ServerHandle = server,
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${to.origin}${urlPath}`, {
      method,
      headers: acceptEncoding === undefined ? {} : { "Accept-Encoding": acceptEncoding },
      agent: false,
    });
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on("error", reject);
    });
    req.on("error", reject);
    req.setTimeout(10_000, () => req.destroy(new Error(`${method} ${urlPath}: no answer in 10 s`)));
    req.end();
  });
}

/** URL path → file in dist/client, for the files the app's first load fetches. Read at each test: a rebuild renames them. */
function builtFiles(): { url: string; file: string }[] {
  const html = fs.readFileSync(path.join(CLIENT_DIR, "index.html"), "utf8");
  const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+\.(?:js|css|svg))"/g)].map(
    (m) => m[1] ?? "",
  );
  expect(assets.some((a) => a.endsWith(".js"))).toBe(true);
  expect(assets.some((a) => a.endsWith(".css"))).toBe(true);
  return [
    { url: "/some-meeting", file: "index.html" },
    { url: "/", file: "index.html" },
    ...assets.map((url) => ({ url, file: url.slice(1) })),
  ].map(({ url, file }) => ({ url, file: path.join(CLIENT_DIR, file) }));
}

function decode(coding: string | undefined, body: Buffer): Buffer {
  if (coding === "br") return brotliDecompressSync(body);
  if (coding === "gzip") return gunzipSync(body);
  if (coding === undefined) return body;
  throw new Error(`unexpected Content-Encoding ${coding}`);
}

// Accept-Encoding → the coding the server must pick (undefined: the file itself, no Content-Encoding).
const CASES: [string | undefined, "br" | "gzip" | undefined][] = [
  ["gzip, deflate, br, zstd", "br"], // Chromium's
  ["gzip, deflate", "gzip"],
  ["gzip", "gzip"],
  ["br", "br"],
  [undefined, undefined],
  ["", undefined],
  ["identity", undefined],
  ["deflate", undefined],
  ["br;q=0", undefined],
  ["br;q=0, gzip", "gzip"],
  ["br;q=0.5, gzip", "gzip"],
  ["gzip;q=0.8, br;q=0.9", "br"],
  ["gzip;q=0.8, br;q=0.7", "gzip"],
  ["*", "br"],
  ["*;q=0", undefined],
  ["br;q=0, *", "gzip"],
  ["identity, gzip;q=0.5", undefined],
  ["gzip;q=0.5", "gzip"],
  ["BR ; Q=1", "br"],
  ["x-gzip", "gzip"],
  ["br;q=banana", undefined],
];

describe("content negotiation of the client's text files", () => {
  it("the build wrote a .br and a .gz of every text file, smaller than it and decoding to exactly it", () => {
    for (const { file } of builtFiles()) {
      const raw = fs.readFileSync(file);
      const br = fs.readFileSync(`${file}.br`);
      const gz = fs.readFileSync(`${file}.gz`);
      expect(brotliDecompressSync(br).equals(raw), `${file}.br`).toBe(true);
      expect(gunzipSync(gz).equals(raw), `${file}.gz`).toBe(true);
      expect(br.length, file).toBeLessThan(raw.length);
      expect(gz.length, file).toBeLessThan(raw.length);
    }
  });

  it.each(CASES)(
    "Accept-Encoding %j → %s, body = the build's copy, decoding to the file",
    async (ae, want) => {
      for (const { url, file } of builtFiles()) {
        const res = await request("GET", url, ae);
        const what = `GET ${url} (Accept-Encoding ${JSON.stringify(ae)})`;
        expect(res.status, what).toBe(200);
        expect(res.headers["content-encoding"], what).toBe(want);
        expect(res.headers.vary, what).toBe("Accept-Encoding");
        expect(Number(res.headers["content-length"]), what).toBe(res.body.length);
        const onDisk = fs.readFileSync(want === "br" ? `${file}.br` : want === "gzip" ? `${file}.gz` : file);
        expect(res.body.equals(onDisk), `${what}: body is the file the build wrote`).toBe(true);
        expect(decode(res.headers["content-encoding"], res.body).equals(fs.readFileSync(file)), what).toBe(
          true,
        );
      }
    },
  );

  it("HEAD gives the same headers as GET, for every coding, and no body", async () => {
    const volatile = new Set(["date", "connection", "keep-alive"]);
    const stable = (h: http.IncomingHttpHeaders) =>
      Object.fromEntries(Object.entries(h).filter(([k]) => !volatile.has(k)));
    for (const { url } of builtFiles()) {
      for (const ae of ["br", "gzip", "identity"]) {
        const get = await request("GET", url, ae);
        const head = await request("HEAD", url, ae);
        expect(head.status).toBe(200);
        expect(stable(head.headers), `HEAD ${url} ${ae}`).toEqual(stable(get.headers));
        expect(head.body.length, `HEAD ${url} ${ae}`).toBe(0);
        expect(Number(head.headers["content-length"])).toBe(get.body.length);
      }
    }
  });

  it("compressed or not, a response keeps the security and cache headers", async () => {
    for (const { url } of builtFiles()) {
      const plain = await request("GET", url);
      const br = await request("GET", url, "br");
      expect(br.headers["content-encoding"]).toBe("br");
      for (const res of [plain, br]) {
        expect(res.headers).toMatchObject({
          "content-security-policy": CONTENT_SECURITY_POLICY,
          "x-content-type-options": "nosniff",
          "referrer-policy": "no-referrer",
          "cross-origin-opener-policy": "same-origin",
          "x-frame-options": "DENY",
          "cache-control": url.startsWith("/assets/") ? "public, max-age=31536000, immutable" : "no-cache",
        });
        expect(res.headers["permissions-policy"]).toContain("camera=(self)");
        expect(res.headers["content-type"]).toBe(
          url.endsWith(".js")
            ? "text/javascript; charset=utf-8"
            : url.endsWith(".css")
              ? "text/css; charset=utf-8"
              : url.endsWith(".svg")
                ? "image/svg+xml"
                : "text/html; charset=utf-8",
        );
      }
    }
  });

  it("a missing file is still a 404, whatever the client accepts", async () => {
    const res = await request("GET", "/assets/nope-123.js", "br, gzip");
    expect(res.status).toBe(404);
    expect(res.headers["content-encoding"]).toBeUndefined();
  });
});

describe("a client build without compressed copies (built before this step existed)", () => {
  // Its own folder, filled before its server starts: the server looks for the copies when it starts.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "palabre-plain-client-"));
  beforeAll(() => {
    fs.mkdirSync(path.join(dir, "assets"));
    fs.writeFileSync(path.join(dir, "index.html"), `<!doctype html><title>plain</title>${" ".repeat(2000)}`);
    fs.writeFileSync(path.join(dir, "assets/app-1.js"), `console.log(${JSON.stringify("x".repeat(5000))});`);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const plain = suiteServer({ name: "compression-plain", env: { CLIENT_DIR: dir } });

  it("is served as it is to a client that accepts brotli and gzip, and the server says why at start", async () => {
    for (const [url, file] of [
      ["/a-room", "index.html"],
      ["/assets/app-1.js", "assets/app-1.js"],
    ] as const) {
      const res = await request("GET", url, "br, gzip", plain);
      expect(res.status, url).toBe(200);
      expect(res.headers["content-encoding"], url).toBeUndefined();
      expect(res.headers.vary, url).toBe("Accept-Encoding");
      expect(res.body.equals(fs.readFileSync(path.join(dir, file))), url).toBe(true);
      expect(Number(res.headers["content-length"]), url).toBe(res.body.length);
    }
    expect(plain.lines.some((l) => l.includes("no compressed copies"))).toBe(true);
    // The real build has them: no such warning there.
    expect(server.lines.some((l) => l.includes("no compressed copies"))).toBe(false);
  });
});

describeServerHealth(server);
