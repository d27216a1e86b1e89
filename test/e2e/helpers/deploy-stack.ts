/**
 * The deployment under test (deploy.test.ts), from the files scripts/deploy/render.ts writes for an instance with
 * test addresses, the topology of `setup.sh --domain … --turn-ip …`: a namespace and veth whose host end has two
 * addresses (deploy-netns.ts), the main one for the front (Caddy on 443) and Janus, the second for coturn alone
 * (TURN on 3478, TURN over TLS on 443); a test CA whose leaf covers both; coturn from turnserverConf, Palabre from
 * envFile (HOST and PORT its own), Caddy from caddyfile in front of it, and two Chromiums trusting only the test
 * CA (B inside the namespace). Each part's stop goes to the teardown as soon as the part runs, and `parts` is filled as they
 * come, so that a failure half-way still leaves logs to read and nothing running. Imports nothing from vitest.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser } from "playwright-core";
import { caddyfile, envFile, type Instance, turnserverConf } from "../../../scripts/deploy/render.js";
import { type ServerHandle, startServer } from "../../helpers/server.js";
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
import { chromiumInNamespace, createTurnNetwork, type TurnNetwork } from "./deploy-netns.js";

export const TURN_PORT = 3478;
export const TURNS_PORT = 443;
export const RELAY_PORTS: [number, number] = [49160, 49260];

export interface Deployment {
  dir: string;
  network: TurnNetwork;
  pki: TestPki;
  /** The instance the files were rendered from (palabre.port: the test server's). */
  instance: Instance;
  /** https://<main address>: the origin both browsers open. */
  front: string;
  coturn: Daemon;
  server: ServerHandle;
  caddy: Daemon;
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
    // The kernel tears a deleted namespace's devices down in the background: the veth end goes a moment later.
    if (net)
      await waitFor(() => !fs.existsSync(`/sys/class/net/${net.hostIf}`), {
        timeoutMs: 10_000,
        what: `${net.hostIf} gone`,
      });
  });
  teardown.add("temporary folder", () => fs.rmSync(dir, { recursive: true, force: true }));
  const net = createTurnNetwork();
  parts.network = net;
  teardown.add("namespace", () => net.remove());
  const pki = makeTestPki(dir, ["127.0.0.1", net.hostAddress, net.turnAddress]);
  parts.pki = pki;
  const rtpBase = 20_000 + 1000 * Math.floor(Math.random() * 20);
  const draft: Instance = {
    domain: net.hostAddress,
    publicIp: net.hostAddress,
    // The server's own port is known once it listens: the front is rendered after it.
    palabre: { host: "127.0.0.1", port: 0 },
    rtpPorts: [rtpBase, rtpBase + 999],
    certificate: { cert: pki.cert, key: pki.key },
    front: { bind: net.hostAddress, port: 443 },
    turn: {
      secret,
      tls: { port: TURNS_PORT, cert: pki.cert, key: pki.key },
      own: { ip: net.turnAddress, host: net.turnAddress },
      listeningPort: TURN_PORT,
      relayPorts: RELAY_PORTS,
      pidFile: path.join(dir, "turnserver.pid"),
      userDb: path.join(dir, "turndb"),
      verbose: true,
    },
  };
  const coturn = await startCoturn(dir, turnserverConf(draft), [
    { host: net.turnAddress, port: TURN_PORT },
    { host: net.turnAddress, port: TURNS_PORT },
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
  const front = `https://${net.hostAddress}`;
  parts.front = front;
  const caddy = await startCaddy(dir, caddyfile(instance), `${front}/healthz`, pki.caPem);
  parts.caddy = caddy;
  teardown.add("caddy", () => caddy.stop());
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
