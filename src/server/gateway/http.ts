/**
 * HTTP: the built client (any `/<room>` path serves the app), `/healthz`, and the upgrade to `/ws`.
 * Every response carries a strict Content-Security-Policy: the app may talk to its own origin only.
 */
import { createReadStream, statSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { extname, join, normalize, sep } from "node:path";
import type { Duplex } from "node:stream";
import { errorFields } from "../log-fields.js";
import { logger } from "../logger.js";
import { COMPRESSIBLE_EXTENSIONS } from "./compressible.js";
import { WS_PATH } from "./ws.js";

const log = logger("http");

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "style-src 'self'",
  // WebAssembly may be compiled (the noise suppression's model, from our origin); no eval of text.
  "script-src 'self' 'wasm-unsafe-eval'",
  "font-src 'self'",
  // Said outright (default-src already allows them): the manifest and the workers, /sw.js included, are ours.
  "manifest-src 'self'",
  "worker-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

const SECURITY_HEADERS: Record<string, string> = {
  "Content-Security-Policy": CONTENT_SECURITY_POLICY,
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "Permissions-Policy":
    "camera=(self), microphone=(self), display-capture=(self), geolocation=(), interest-cohort=()",
  "Cross-Origin-Opener-Policy": "same-origin",
  "X-Frame-Options": "DENY",
};

const MIME: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".json": "application/json",
  ".webmanifest": "application/manifest+json",
  ".wav": "audio/wav",
  ".ogg": "audio/ogg",
  ".wasm": "application/wasm",
};

export interface HttpDeps {
  clientDir: string;
  /** Prometheus text for /metrics; served to loopback clients unless `metricsPublic`. */
  metrics: () => Promise<string>;
  metricsPublic: boolean;
  health: () => { ok: boolean; [key: string]: unknown };
  /** Counts added to /healthz for a direct loopback client only (the operator's own checks). */
  healthDetail: () => Record<string, number>;
  /** Serve HTTPS with this certificate and key (PEM), and send HSTS; null: plain HTTP. */
  tls: { cert: Buffer; key: Buffer } | null;
  upgrade: (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
}

export function createHttpServer(deps: HttpDeps): Server {
  // A client built before the build compressed it (`npm start` rebuilds only for changed client sources) works,
  // but goes out uncompressed: say so once rather than let it pass unseen.
  const index = join(deps.clientDir, "index.html");
  if (statSync(index, { throwIfNoEntry: false }) && !statSync(`${index}.br`, { throwIfNoEntry: false })) {
    log.warn("the client build has no compressed copies: it is served uncompressed until 'npm run build'");
  }
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    try {
      if (deps.tls) res.setHeader("Strict-Transport-Security", "max-age=31536000");
      handle(deps, req, res);
    } catch (err) {
      log.error("request failed", errorFields(err));
      if (!res.headersSent) send(res, 500, "text/plain; charset=utf-8", "internal error");
    }
  };
  const server = deps.tls
    ? createHttpsServer({ cert: deps.tls.cert, key: deps.tls.key }, listener)
    : createServer(listener);
  server.on("upgrade", (req, socket, head) => {
    if (pathOf(req) === WS_PATH) deps.upgrade(req, socket, head);
    else socket.destroy();
  });
  return server;
}

function pathOf(req: IncomingMessage): string {
  const q = (req.url ?? "/").indexOf("?");
  return q === -1 ? (req.url ?? "/") : (req.url ?? "/").slice(0, q);
}

/**
 * A request from this machine that no proxy forwarded. Behind a reverse proxy on the same host every request
 * comes from loopback, so the proxy's forwarding headers (which every common proxy adds, Caddy's
 * reverse_proxy included) mark it as someone else's: /metrics and the counts stay theirs to ask for only with
 * METRICS_PUBLIC=1.
 */
function directLoopback(req: IncomingMessage): boolean {
  const remote = req.socket.remoteAddress ?? "";
  const loopback = remote.startsWith("127.") || remote === "::1" || remote.startsWith("::ffff:127.");
  const h = req.headers;
  return loopback && !h["x-forwarded-for"] && !h.forwarded && !h["x-real-ip"] && !h.via;
}

function handle(deps: HttpDeps, req: IncomingMessage, res: ServerResponse): void {
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.setHeader("Allow", "GET, HEAD");
    send(res, 405, "text/plain; charset=utf-8", "method not allowed");
    return;
  }
  const path = pathOf(req);
  if (path === "/metrics") {
    if (!deps.metricsPublic && !directLoopback(req)) {
      send(res, 404, "text/plain; charset=utf-8", "not found");
      return;
    }
    deps.metrics().then(
      (text) => send(res, 200, "text/plain; version=0.0.4; charset=utf-8", text),
      () => send(res, 500, "text/plain; charset=utf-8", "metrics unavailable"),
    );
    return;
  }
  if (path === "/healthz") {
    const health = deps.health();
    const body = directLoopback(req) ? { ...health, ...deps.healthDetail() } : health;
    send(res, health.ok ? 200 : 503, "application/json", JSON.stringify(body));
    return;
  }
  if (path.startsWith("/assets/") || (extname(path) !== "" && path.lastIndexOf("/") === 0)) {
    serveFile(deps.clientDir, path, req, res);
    return;
  }
  // Any other path is a room (or the home page): the app reads the room name from the URL.
  serveFile(deps.clientDir, "/index.html", req, res);
}

/** Content codings the build provides, in our order of preference on a tie (brotli is the smaller). */
const CODINGS = [
  { coding: "br", suffix: ".br" },
  { coding: "gzip", suffix: ".gz" },
] as const;
type Coding = (typeof CODINGS)[number];

const QVALUE = /^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/;

/**
 * The codings of ours that an `Accept-Encoding` header accepts (RFC 9110 §12.5.3), best first: by q-value,
 * then by our preference. A coding not named takes the q of `*`. One the client likes less than identity
 * (named with a higher q) is left out. No header means identity: a client that sends none (curl, scripts) most
 * likely cannot decode anything, whatever the RFC allows.
 */
function acceptedCodings(header: string | undefined): Coding[] {
  if (header === undefined) return [];
  const q = new Map<string, number>();
  for (const part of header.split(",")) {
    const [rawName = "", ...params] = part.split(";");
    let name = rawName.trim().toLowerCase();
    if (name === "x-gzip") name = "gzip"; // RFC 9110 §8.4.1.3: the same coding
    if (name === "" || q.has(name)) continue;
    const qParam = params.map((p) => p.trim()).find((p) => /^q=/i.test(p));
    const value = qParam === undefined ? "1" : qParam.slice(2).trim();
    // A malformed q makes the entry unusable rather than a guess: identity is always a safe answer.
    if (QVALUE.test(value)) q.set(name, Number(value));
  }
  const star = q.get("*");
  // Identity not named stays acceptable but least preferred, so `gzip;q=0.5` still gets gzip.
  const identity = q.get("identity") ?? 0;
  return CODINGS.map((c, order) => ({ c, order, q: q.get(c.coding) ?? star ?? 0 }))
    .filter((x) => x.q > 0 && x.q >= identity)
    .sort((a, b) => b.q - a.q || a.order - b.order)
    .map((x) => x.c);
}

function serveFile(root: string, urlPath: string, req: IncomingMessage, res: ServerResponse): void {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    send(res, 400, "text/plain; charset=utf-8", "bad path");
    return;
  }
  const file = normalize(join(root, decoded));
  if (!file.startsWith(root + sep) || decoded.includes("\0")) {
    send(res, 404, "text/plain; charset=utf-8", "not found");
    return;
  }
  const stat = statSync(file, { throwIfNoEntry: false });
  if (!stat?.isFile()) {
    const missingApp = urlPath === "/index.html";
    send(
      res,
      missingApp ? 503 : 404,
      "text/plain; charset=utf-8",
      missingApp ? "the client is not built: run 'npm run build'" : "not found",
    );
    return;
  }
  const negotiated = COMPRESSIBLE_EXTENSIONS.has(extname(file));
  // The first coding the client accepts whose copy the build wrote (none for files too small to gain from it).
  let body: { path: string; size: number; coding?: Coding["coding"] } = { path: file, size: stat.size };
  if (negotiated) {
    for (const { coding, suffix } of acceptedCodings(req.headers["accept-encoding"])) {
      const copy = statSync(file + suffix, { throwIfNoEntry: false });
      if (copy?.isFile()) {
        body = { path: file + suffix, size: copy.size, coding };
        break;
      }
    }
  }
  const immutable = urlPath.startsWith("/assets/");
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    "Content-Type": MIME[extname(file)] ?? "application/octet-stream",
    "Content-Length": body.size,
    "Cache-Control": immutable ? "public, max-age=31536000, immutable" : "no-cache",
    // Caches (the browser's, a proxy's) must keep one copy per encoding, also of the identity answer.
    ...(negotiated ? { Vary: "Accept-Encoding" } : {}),
    ...(body.coding ? { "Content-Encoding": body.coding } : {}),
  });
  if (req.method === "HEAD") {
    res.end();
    return;
  }
  // A rebuild may remove the file between the stat and the read: end this response, not the server (an
  // 'error' nobody listens to would throw).
  createReadStream(body.path)
    .on("error", (err) => {
      log.warn("static file read failed", { code: (err as NodeJS.ErrnoException).code });
      res.destroy();
    })
    .pipe(res);
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { ...SECURITY_HEADERS, "Content-Type": type, "Cache-Control": "no-store" });
  res.end(body);
}
