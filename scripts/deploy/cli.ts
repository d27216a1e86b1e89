/**
 * Writes the production files (render.ts) where a Debian server reads them, for `setup.sh --domain`:
 *
 *   node --import tsx scripts/deploy/cli.ts --domain meet.example.org --public-ip 203.0.113.7 \
 *     [--private-ip 10.0.0.7] [--turn-ip 203.0.113.8 [--turn-private-ip 10.0.0.8] [--turn-host NAME]] \
 *     [--root /] [--metrics-public]
 *
 * A file is written only when its content changes, and each one written is printed as `changed <path>`
 * (setup.sh restarts what depends on it): run twice, the second run prints nothing. The TURN secret is made
 * once and kept in the environment file. `--root` puts everything under another folder (the tests).
 */
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { isIP } from "node:net";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { caddyfile, envFile, type Instance, turnCertUnits, turnserverConf, unitFile } from "./render.js";

/** Where Debian's packages read their configuration, and where ours goes. */
export const PATHS = {
  env: "etc/palabre/palabre.env",
  turnCert: "etc/palabre/turn",
  unit: "etc/systemd/system/palabre.service",
  certService: "etc/systemd/system/palabre-turn-cert.service",
  certTimer: "etc/systemd/system/palabre-turn-cert.timer",
  caddyfile: "etc/caddy/Caddyfile",
  turnserver: "etc/turnserver.conf",
} as const;

export const RTP_PORTS: [number, number] = [20000, 40000];
export const TURN_RELAY_PORTS: [number, number] = [49160, 49999];

export interface Options {
  domain: string;
  publicIp: string;
  privateIp?: string;
  /** A second address for coturn alone (TURN over TLS on 443 there), and its name (default turn.<domain>). */
  turn?: { ip: string; privateIp?: string; host: string };
  root: string;
  appDir: string;
  metricsPublic: boolean;
}

/** The instance a real server runs: Palabre on loopback behind Caddy, coturn on the public address. */
export function productionInstance(o: Options, secret: string): Instance {
  const certDir = `/${PATHS.turnCert}`;
  return {
    domain: o.domain,
    publicIp: o.publicIp,
    ...(o.privateIp ? { privateIp: o.privateIp } : {}),
    palabre: { host: "127.0.0.1", port: 8080 },
    rtpPorts: RTP_PORTS,
    certificate: "acme",
    turn: {
      secret,
      // With one address Caddy holds its 443 and TURN over TLS takes the standard 5349; with a second one,
      // coturn has 443 there, for networks that let nothing else out (README "On a server").
      tls: {
        port: o.turn ? 443 : 5349,
        cert: `${certDir}/cert.pem`,
        key: `${certDir}/key.pem`,
      },
      ...(o.turn ? { own: o.turn } : {}),
      listeningPort: 3478,
      relayPorts: TURN_RELAY_PORTS,
    },
    metricsPublic: o.metricsPublic,
  };
}

/** The TURN secret already in the environment file, so that a re-run keeps it (and changes nothing). */
function keptSecret(envPath: string): string | null {
  if (!existsSync(envPath)) return null;
  const m = /^TURN_SECRET=([0-9a-f]{64})$/m.exec(readFileSync(envPath, "utf8"));
  return m?.[1] ?? null;
}

function writeIfChanged(path: string, content: string, mode: number): boolean {
  if (existsSync(path) && readFileSync(path, "utf8") === content) {
    chmodSync(path, mode);
    return false;
  }
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content, { mode });
  chmodSync(path, mode);
  return true;
}

/** Writes every file; returns the paths written. */
export function writeAll(o: Options): string[] {
  const at = (p: string) => join(o.root, p);
  const secret = keptSecret(at(PATHS.env)) ?? randomBytes(32).toString("hex");
  const instance = productionInstance(o, secret);
  const cert = turnCertUnits(o.appDir, o.turn?.host ?? o.domain);
  const files: [string, string, number][] = [
    [PATHS.env, envFile(instance), 0o600],
    [PATHS.unit, unitFile(o.appDir, `/${PATHS.env}`), 0o644],
    [PATHS.certService, cert.service, 0o644],
    [PATHS.certTimer, cert.timer, 0o644],
    [PATHS.caddyfile, caddyfile(instance), 0o644],
    // coturn runs as its own user (turnserver) and must read it; setup.sh gives it that group.
    [PATHS.turnserver, turnserverConf(instance), 0o640],
  ];
  return files.filter(([p, content, mode]) => writeIfChanged(at(p), content, mode)).map(([p]) => `/${p}`);
}

function parse(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      domain: { type: "string" },
      "public-ip": { type: "string" },
      "private-ip": { type: "string" },
      "turn-ip": { type: "string" },
      "turn-private-ip": { type: "string" },
      "turn-host": { type: "string" },
      root: { type: "string", default: "/" },
      "app-dir": { type: "string" },
      "metrics-public": { type: "boolean", default: false },
    },
    strict: true,
  });
  // A host name (or, for tests, an address): what goes into the Caddyfile and coturn's realm verbatim.
  const hostName = (name: string, value: string) => {
    if (
      !/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i.test(value)
    )
      throw new Error(`--${name}: not a host name: '${value}'`);
    return value;
  };
  const domain = hostName("domain", values.domain ?? "");
  const ip = (name: string, value: string | undefined, required: boolean) => {
    if (value === undefined && !required) return undefined;
    if (!value || isIP(value) !== 4)
      throw new Error(`--${name}: expected an IPv4 address, got '${value ?? ""}'`);
    return value;
  };
  const publicIp = ip("public-ip", values["public-ip"], true) as string;
  const privateIp = ip("private-ip", values["private-ip"], false);
  const turnIp = ip("turn-ip", values["turn-ip"], false);
  const turnPrivateIp = ip("turn-private-ip", values["turn-private-ip"], false);
  if (!turnIp && (turnPrivateIp || values["turn-host"]))
    throw new Error("--turn-private-ip and --turn-host need --turn-ip");
  if (turnIp && [publicIp, privateIp].includes(turnIp))
    throw new Error("--turn-ip: must be a second address (the front holds 443 on the first)");
  const turnHost = hostName("turn-host", values["turn-host"] ?? `turn.${domain}`);
  return {
    domain,
    publicIp,
    ...(privateIp ? { privateIp } : {}),
    ...(turnIp
      ? { turn: { ip: turnIp, ...(turnPrivateIp ? { privateIp: turnPrivateIp } : {}), host: turnHost } }
      : {}),
    root: resolve(values.root),
    appDir: resolve(values["app-dir"] ?? fileURLToPath(new URL("../..", import.meta.url))),
    metricsPublic: values["metrics-public"],
  };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    for (const path of writeAll(parse(process.argv.slice(2)))) console.log(`changed ${path}`);
  } catch (err) {
    console.error((err as Error).message);
    process.exit(2);
  }
}
