/**
 * The deployment under test (deploy.test.ts), from the files scripts/deploy/render.ts writes for an instance with
 * test addresses: a namespace and veth for the TURN address (deploy-netns.ts), a test CA whose leaf covers
 * 127.0.0.1 and that address, coturn from turnserverConf, Palabre from envFile (HOST and PORT its own), Caddy from
 * caddyfile in front of it, the bridge into the namespace, and two Chromiums trusting only the test CA (B inside
 * the namespace). Each part's stop goes to the teardown as soon as the part runs, and `parts` is filled as they
 * come, so that a failure half-way still leaves logs to read and nothing running. Imports nothing from vitest.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser } from "playwright-core";
import { caddyfile, envFile, type Instance, turnserverConf } from "../../../scripts/deploy/render.js";
import { getFreePort, type ServerHandle, startServer } from "../../helpers/server.js";
import { waitFor } from "../../helpers/wait.js";
import { CHROMIUM_PATH } from "./browser.js";
import {
  type Daemon,
  makeTestPki,
  parseEnvFile,
  startCaddy,
  startCoturn,
  type Teardown,
  type TestPki,
  trustingHome,
} from "./deploy.js";
import { launchWithHome, processesWithHome } from "./deploy-browser.js";
import {
  type Bridge,
  chromiumInNamespace,
  createTurnNetwork,
  startBridge,
  type TurnNetwork,
} from "./deploy-netns.js";

export const TURN_PORT = 3478;
export const TURNS_PORT = 443;
export const RELAY_PORTS: [number, number] = [49160, 49260];

export interface Deployment {
  dir: string;
  network: TurnNetwork;
  pki: TestPki;
  /** The instance the files were rendered from (palabre.port: the test server's). */
  instance: Instance;
  /** https://127.0.0.1:<front port>: the origin both browsers open. */
  front: string;
  coturn: Daemon;
  server: ServerHandle;
  caddy: Daemon;
  bridge: Bridge;
  /** HOMEs of browser A and B (NSS database trusting the test CA), and one without any database. */
  homes: { a: string; b: string; none: string };
  /** A in this namespace, B in the restrictive one. */
  browsers: { a: Browser; b: Browser };
}

export async function startDeployment(
  teardown: Teardown,
  secret: string,
  parts: Partial<Deployment>,
): Promise<Deployment> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "palabre-deploy-"));
  parts.dir = dir;
  // Runs last: what the teardown must have left.
  teardown.add("nothing left behind", async () => {
    const homes = Object.values(parts.homes ?? {});
    await waitFor(() => homes.every((h) => processesWithHome(h).length === 0), {
      timeoutMs: 15_000,
      what: "no Chromium process left",
    });
    for (const d of [parts.caddy, parts.coturn]) if (d?.running) throw new Error(`${d.name} still running`);
    const net = parts.network;
    if (net && fs.existsSync(`/run/netns/${net.ns}`)) throw new Error(`namespace ${net.ns} still there`);
    if (net && fs.existsSync(`/sys/class/net/${net.hostIf}`)) throw new Error(`${net.hostIf} still there`);
  });
  teardown.add("temporary folder", () => fs.rmSync(dir, { recursive: true, force: true }));
  const net = createTurnNetwork();
  parts.network = net;
  teardown.add("namespace", () => net.remove());
  const pki = makeTestPki(dir, ["127.0.0.1", net.hostAddress]);
  parts.pki = pki;
  const frontPort = await getFreePort();
  const rtpBase = 20_000 + 1000 * Math.floor(Math.random() * 20);
  const draft: Instance = {
    domain: "127.0.0.1",
    publicIp: net.hostAddress,
    // The server's own port is known once it listens: the front is rendered after it.
    palabre: { host: "127.0.0.1", port: 0 },
    rtpPorts: [rtpBase, rtpBase + 999],
    certificate: { cert: pki.cert, key: pki.key },
    front: { bind: "127.0.0.1", port: frontPort },
    turn: {
      secret,
      tls: { port: TURNS_PORT, host: net.hostAddress, cert: pki.cert, key: pki.key },
      listeningPort: TURN_PORT,
      relayPorts: RELAY_PORTS,
      pidFile: path.join(dir, "turnserver.pid"),
      userDb: path.join(dir, "turndb"),
      verbose: true,
    },
  };
  const coturn = await startCoturn(dir, turnserverConf(draft), [
    { host: net.hostAddress, port: TURN_PORT },
    { host: net.hostAddress, port: TURNS_PORT },
  ]);
  parts.coturn = coturn;
  teardown.add("coturn", () => coturn.stop());
  // HOST and PORT are the test server's own (loopback, a free port). JANUS_ICE_INTERFACE is the rendered one:
  // the TURN/public address, the veth end here (Janus cannot be reached through TURN on loopback).
  const env = Object.fromEntries(
    Object.entries(parseEnvFile(envFile(draft))).filter(([key]) => key !== "HOST" && key !== "PORT"),
  );
  const server = await startServer({ name: "e2e-deploy", iceInterface: null, env });
  parts.server = server;
  teardown.add("server", () => server.stop());
  const instance: Instance = { ...draft, palabre: { host: "127.0.0.1", port: server.port } };
  parts.instance = instance;
  const front = `https://127.0.0.1:${frontPort}`;
  parts.front = front;
  const caddy = await startCaddy(dir, caddyfile(instance), `${front}/healthz`, pki.caPem);
  parts.caddy = caddy;
  teardown.add("caddy", () => caddy.stop());
  const bridge = await startBridge(net.ns, dir, frontPort);
  parts.bridge = bridge;
  teardown.add("bridge", () => bridge.stop());
  const homes = {
    a: trustingHome(path.join(dir, "home-a"), pki.caCert),
    b: trustingHome(path.join(dir, "home-b"), pki.caCert),
    none: path.join(dir, "home-none"),
  };
  fs.mkdirSync(homes.none);
  parts.homes = homes;
  const a = await launchWithHome(homes.a);
  teardown.add("browser A", () => a.close());
  const b = await launchWithHome(homes.b, chromiumInNamespace(dir, net.ns, CHROMIUM_PATH));
  teardown.add("browser B", () => b.close());
  parts.browsers = { a, b };
  return parts as Deployment;
}
