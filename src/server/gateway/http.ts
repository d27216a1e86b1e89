/**
 * HTTP: the built client (any `/<room>` path serves the app), `/healthz`, and the upgrade to `/ws`.
 * Every response carries a strict Content-Security-Policy: the app may talk to its own origin only.
 */
import { createReadStream, existsSync, statSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { extname, join, normalize, sep } from "node:path";
import type { Duplex } from "node:stream";
import { logger } from "../logger.js";
import { WS_PATH } from "./ws.js";

const log = logger("http");

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "style-src 'self'",
  "script-src 'self'",
  "font-src 'self'",
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
  ".wav": "audio/wav",
  ".ogg": "audio/ogg",
};

export interface HttpDeps {
  clientDir: string;
  /** Prometheus text for /metrics; served to loopback clients unless `metricsPublic`. */
  metrics: () => Promise<string>;
  metricsPublic: boolean;
  health: () => { ok: boolean; [key: string]: unknown };
  upgrade: (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
}

export function createHttpServer(deps: HttpDeps): Server {
  const server = createServer((req, res) => {
    try {
      handle(deps, req, res);
    } catch (err) {
      log.error("request failed", { err: String(err) });
      if (!res.headersSent) send(res, 500, "text/plain; charset=utf-8", "internal error");
    }
  });
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

function handle(deps: HttpDeps, req: IncomingMessage, res: ServerResponse): void {
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.setHeader("Allow", "GET, HEAD");
    send(res, 405, "text/plain; charset=utf-8", "method not allowed");
    return;
  }
  const path = pathOf(req);
  if (path === "/metrics") {
    const remote = req.socket.remoteAddress ?? "";
    const local = remote.startsWith("127.") || remote === "::1" || remote.startsWith("::ffff:127.");
    if (!deps.metricsPublic && !local) {
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
    send(res, health.ok ? 200 : 503, "application/json", JSON.stringify(health));
    return;
  }
  if (path.startsWith("/assets/") || (extname(path) !== "" && path.lastIndexOf("/") === 0)) {
    serveFile(deps.clientDir, path, res, req.method === "HEAD");
    return;
  }
  // Any other path is a room (or the home page): the app reads the room name from the URL.
  serveFile(deps.clientDir, "/index.html", res, req.method === "HEAD");
}

function serveFile(root: string, urlPath: string, res: ServerResponse, headOnly: boolean): void {
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
  if (!existsSync(file) || !statSync(file).isFile()) {
    const missingApp = urlPath === "/index.html";
    send(
      res,
      missingApp ? 503 : 404,
      "text/plain; charset=utf-8",
      missingApp ? "the client is not built: run 'npm run build'" : "not found",
    );
    return;
  }
  const immutable = urlPath.startsWith("/assets/");
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    "Content-Type": MIME[extname(file)] ?? "application/octet-stream",
    "Content-Length": statSync(file).size,
    "Cache-Control": immutable ? "public, max-age=31536000, immutable" : "no-cache",
  });
  if (headOnly) res.end();
  else createReadStream(file).pipe(res);
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { ...SECURITY_HEADERS, "Content-Type": type, "Cache-Control": "no-store" });
  res.end(body);
}
