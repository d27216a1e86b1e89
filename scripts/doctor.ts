/**
 * `npm run doctor -- https://meet.example.org`: checks an instance the way a participant's browser meets it,
 * and says in one line per check what is right and what is not (exit status 1 if anything is not):
 *
 * - HTTPS: the page's certificate is valid for the name (this machine's trust store; NODE_EXTRA_CA_CERTS adds
 *   a CA), HSTS is sent, /healthz says the media server is up, /metrics is not public.
 * - Signaling: a join over wss:// to a meeting of its own (gone as soon as it leaves) gets TURN credentials.
 * - TURN: with those credentials, a relay is allocated over TCP (turn:) and TLS (turns:), toward the media
 *   server's address; 127.0.0.1 is refused (not an open relay).
 * - The clock is synchronised (where timedatectl can say): certificates and TURN credentials expire by it.
 *
 * Run it from another network too: from the server itself, a firewall in front of it is not crossed.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import WebSocket from "ws";
import { SignalClient, type SocketConstructor } from "../src/client/signal/signal-client.js";
import { type IceServer, PROTOCOL_VERSION } from "../src/protocol/messages.js";
import { probeTurn } from "./deploy/turn-probe.js";

interface Check {
  ok: boolean;
  what: string;
}

const checks: Check[] = [];
function report(ok: boolean, what: string): void {
  checks.push({ ok, what });
  console.log(`${ok ? "ok  " : "FAIL"}  ${what}`);
}

async function httpChecks(origin: string): Promise<void> {
  try {
    const res = await fetch(`${origin}/healthz`, { signal: AbortSignal.timeout(10_000) });
    const body = (await res.json()) as { ok?: boolean; media?: string };
    report(true, `HTTPS: ${origin} answers with a certificate this machine trusts`);
    report(
      res.headers.get("strict-transport-security") !== null,
      `HSTS: ${res.headers.get("strict-transport-security") ?? "not sent"}`,
    );
    report(body.ok === true && body.media === "up", `media server: ${body.media ?? "unknown"}`);
    const metrics = await fetch(`${origin}/metrics`, { signal: AbortSignal.timeout(10_000) });
    await metrics.arrayBuffer();
    report(metrics.status === 404, `/metrics from outside: ${metrics.status} (404 unless METRICS_PUBLIC=1)`);
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    report(false, `HTTPS: ${origin}: ${cause?.code ?? cause?.message ?? (err as Error).message}`);
  }
}

/** Joins a meeting named by chance with the client's own protocol client, returns the ICE servers, leaves. */
async function join(origin: string): Promise<IceServer[]> {
  const client = new SignalClient(
    { message: () => {}, close: () => {} },
    WebSocket as unknown as SocketConstructor,
  );
  try {
    // A socket that neither opens nor fails (a filtered port) is given up after 10 s.
    const giveUp = setTimeout(() => client.close(), 10_000);
    await client.connect(`${origin.replace(/^http/, "ws")}/ws`).finally(() => clearTimeout(giveUp));
    const reply = await client.request(
      {
        type: "join",
        v: PROTOCOL_VERSION,
        room: `doctor-${randomBytes(8).toString("hex")}`,
        name: "Doctor",
        audio: false,
        video: false,
      },
      10_000,
    );
    if (reply.type !== "joined") throw new Error(`join answered ${reply.type}`);
    return reply.iceServers;
  } finally {
    client.close();
  }
}

/** turn:host:port?transport=tcp → where to connect, over TLS or not. */
function target(url: string): { host: string; port: number; tls: boolean; udp: boolean } | null {
  const m = /^(turns?):([^:?]+)(?::(\d+))?(?:\?transport=(udp|tcp))?$/.exec(url);
  if (!m) return null;
  const tls = m[1] === "turns";
  return { host: m[2] ?? "", port: Number(m[3] ?? (tls ? 5349 : 3478)), tls, udp: (m[4] ?? "udp") === "udp" };
}

async function turnChecks(origin: string, servers: IceServer[]): Promise<void> {
  const turn = servers.find((s) => s.urls.some((u) => u.startsWith("turn")));
  if (!turn?.username || !turn.credential) {
    report(false, "TURN: the join gave no TURN server with credentials (ICE_SERVERS, TURN_SECRET)");
    return;
  }
  // In Palabre's set-up the media server is on the front's address (JANUS_PUBLIC_IP: the domain's address),
  // whether coturn shares it or has one of its own.
  const media = await lookup(new URL(origin).hostname.replace(/^\[|\]$/g, ""), { family: 4 }).then(
    (a) => a.address,
    () => undefined,
  );
  for (const url of turn.urls) {
    const t = target(url);
    if (!t || t.udp) continue;
    const peers = [media, "127.0.0.1"].filter(
      (p): p is string => typeof p === "string" && /^[\d.]+$/.test(p),
    );
    try {
      const r = await probeTurn(
        // SNI carries names only (RFC 6066); the certificate is checked against the host either way.
        { host: t.host, port: t.port, ...(t.tls ? { tls: isIP(t.host) ? {} : { servername: t.host } } : {}) },
        turn.username,
        turn.credential,
        peers,
      );
      report(
        r.allocate === 200,
        `TURN ${url}: allocation ${r.allocate}${r.relayed ? ` (${r.relayed})` : ""}`,
      );
      if (media && r.permissions[media] !== undefined)
        report(
          r.permissions[media] === 200,
          `TURN ${url}: relay to the media server: ${r.permissions[media]}`,
        );
      if (r.permissions["127.0.0.1"] !== undefined)
        report(
          r.permissions["127.0.0.1"] === 403,
          `TURN ${url}: relay to 127.0.0.1 refused: ${r.permissions["127.0.0.1"]}`,
        );
    } catch (err) {
      report(false, `TURN ${url}: ${(err as Error).message}`);
    }
  }
}

function clockCheck(): void {
  try {
    const synced = execFileSync("timedatectl", ["show", "-p", "NTPSynchronized", "--value"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
    report(synced === "yes", `clock synchronised (NTP): ${synced}`);
  } catch {
    console.log("      clock: timedatectl cannot say here (no systemd); make sure NTP runs");
  }
}

const origin = (process.argv[2] ?? "").replace(/\/+$/, "");
if (!/^https?:\/\/[^/]+$/.test(origin)) {
  console.error("usage: npm run doctor -- https://meet.example.org");
  process.exit(2);
}
await httpChecks(origin);
try {
  const servers = await join(origin);
  report(true, "signaling: a join over WebSocket works");
  await turnChecks(origin, servers);
} catch (err) {
  report(false, `signaling: ${(err as Error).message}`);
}
clockCheck();
process.exit(checks.every((c) => c.ok) ? 0 : 1);
