/**
 * Issue 19: the production set-up, run from the files scripts/deploy/render.ts writes for an instance with test
 * addresses, in the topology of `setup.sh --domain … --turn-ip …`. The host end of a veth pair in 198.18.0.0/15
 * has two addresses: on the main one Caddy serves the front on 443 in front of a Palabre started with the
 * rendered environment file (HOST and PORT aside), and Janus; on the second coturn serves TURN on 3478 and TURN
 * over TLS on 443. A test CA (openssl) signs one leaf for both. Both Chromiums trust only the test CA, through
 * the NSS database in their HOME; browser B runs in a network namespace whose nftables firewall blocks UDP (then
 * everything but TCP 443), and opens the same https origin. What is asserted:
 * 1. the front: trusted certificate (and refused by a Chromium without the database), secure context, camera
 *    and microphone, HSTS, /metrics refused and /healthz without counts through the front (Palabre's own
 *    /healthz on loopback has them);
 * 2. B, UDP blocked (and TCP to the TLS port, so that it cannot be TLS), has media both ways with A through
 *    TURN over TCP; with nothing but TCP 443, through TURN over TLS;
 * 3. coturn relays only for credentials the server issued (not forged, not expired), and only toward Janus.
 * Everything is stopped and removed in afterAll, and that nothing is left is checked there.
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { iceUrls } from "../../scripts/deploy/render.js";
import { probeTurn, restCredentials, type TurnTarget } from "../../scripts/deploy/turn-probe.js";
import { describeServerLog } from "../helpers/log-health.js";
import { REPO_ROOT } from "../helpers/paths.js";
import { uniqueRoom } from "../helpers/room-clients.js";
import { tail } from "../helpers/server.js";
import { safeJson, waitFor } from "../helpers/wait.js";
import { RawClient } from "../helpers/ws-client.js";
import type { Participant } from "./helpers/browser.js";
import { httpsGet, Teardown } from "./helpers/deploy.js";
import {
  browserCommandLines,
  configuredServers,
  deployParticipant,
  FORBIDDEN_FLAGS,
  framesGrow,
  joinThroughFront,
  launchWithHome,
  processesWithHome,
  relayCandidates,
  saveDeployEvidence,
  selectedPairs,
} from "./helpers/deploy-browser.js";
import type { Firewall } from "./helpers/deploy-netns.js";
import {
  type Deployment,
  RELAY_PORTS,
  startDeployment,
  TURN_PORT,
  TURNS_PORT,
} from "./helpers/deploy-stack.js";
import { outboundSummary } from "./helpers/rtc.js";
import { waitForMediaFrom } from "./helpers/ui.js";

const teardown = new Teardown();
const secret = randomBytes(32).toString("hex");
/** Filled as the parts start (a failure half-way leaves what did start, for the evidence and the teardown). */
const parts: Partial<Deployment> = {};
let d: Deployment;
/** The current test's participants: kept open for the evidence of a failure, closed by the next test. */
let people: Participant[] = [];

async function participant(browser: Browser, label: string): Promise<Participant> {
  const p = await deployParticipant(browser, label);
  people.push(p);
  return p;
}

async function closePeople(): Promise<void> {
  for (const p of people) await p.close();
  people = [];
}

function evidenceOnFailure(tag: string): void {
  onTestFailed(() =>
    saveDeployEvidence(tag, people, [
      `server log (tail):\n${parts.server ? tail(parts.server.lines, 60) : "(not started)"}`,
      parts.caddy?.tail(30) ?? "(no caddy)",
      parts.coturn?.tail(60) ?? "(no coturn)",
      `nft in ${parts.network?.ns}:\n${parts.network?.listing()}`,
    ]),
  );
}

beforeAll(async () => {
  d = await startDeployment(teardown, secret, parts);
  teardown.add("participants", closePeople);
});

afterAll(async () => {
  const problems = await teardown.run();
  if (problems.length > 0) throw new Error(`teardown: ${problems.join("; ")}`);
});

describe.sequential("the deployment, from render.ts's files", () => {
  it("serves the meeting over TLS: trusted certificate, secure context, camera and microphone, HSTS, no metrics or counts through the front", async () => {
    evidenceOnFailure("front");
    const alice = await participant(d.browsers.a, "alice");
    const { response } = await joinThroughFront(alice.page, d.front, uniqueRoom("deploy-front"), "Alice");
    expect(response.status()).toBe(200);
    expect(response.headers()["strict-transport-security"]).toMatch(/max-age=\d+/);
    expect((await response.securityDetails())?.issuer).toBe("Palabre deploy test CA");
    expect(await alice.page.evaluate("window.isSecureContext")).toBe(true);
    expect(alice.websockets.filter((u) => u.startsWith("wss:"))).toContain(
      `wss://${d.network.hostAddress}/ws`,
    );
    // Camera and microphone granted and sending, over a trust given by the NSS database alone.
    await waitFor(
      async () => {
        const sent = await outboundSummary(alice.page);
        return sent.audioPackets > 0 && sent.videoFrames > 0 ? sent : undefined;
      },
      { timeoutMs: 30_000, what: "Alice sending her camera and microphone" },
    );
    expect(browserCommandLines(d.homes.a), "browser A's process").toHaveLength(1);
    for (const args of processesWithHome(d.homes.a)) expect(args.join(" ")).not.toMatch(FORBIDDEN_FLAGS);

    // The trust is the database's: the same Chromium, HOME without it, refuses the front's certificate.
    const untrusting = await launchWithHome(d.homes.none);
    teardown.add("the untrusting browser", () => untrusting.close());
    try {
      const page = await untrusting.newPage();
      // A namespace another test adds or removes is a network change to Chromium, which aborts the load: the
      // refusal is the certificate's only when the answer says so.
      const refusal = async () =>
        await page.goto(`${d.front}/`).then(
          () => "loaded",
          (e: Error) => e.message,
        );
      let why = await refusal();
      if (why.includes("ERR_NETWORK_CHANGED")) why = await refusal();
      expect(why).toMatch(/ERR_CERT_AUTHORITY_INVALID/);
    } finally {
      await untrusting.close();
    }

    const metrics = await httpsGet(`${d.front}/metrics`, d.pki.caPem);
    expect(metrics.status, "/metrics through the front").toBe(404);
    const ownMetrics = await fetch(`${d.server.origin}/metrics`);
    await ownMetrics.arrayBuffer();
    expect(ownMetrics.status, "Palabre's own /metrics, asked on loopback").toBe(200);
    const health = await httpsGet(`${d.front}/healthz`, d.pki.caPem);
    expect(health.status).toBe(200);
    const shown = JSON.parse(health.body) as Record<string, unknown>;
    expect(shown.ok).toBe(true);
    expect(shown).not.toHaveProperty("rooms");
    expect(shown).not.toHaveProperty("participants");
    // Palabre's own, asked directly on loopback: the counts, Alice included.
    const own = (await (await fetch(`${d.server.origin}/healthz`)).json()) as Record<string, unknown>;
    expect(own.rooms).toBeGreaterThanOrEqual(1);
    expect(own.participants).toBeGreaterThanOrEqual(1);
  });

  async function relayedCall(tag: string, firewall: Firewall, protocol: "tcp" | "tls"): Promise<void> {
    const net = d.network;
    net.firewall(firewall);
    const room = uniqueRoom(`deploy-${tag}`);
    const ana = await participant(d.browsers.a, `ana-${tag}`);
    const bruno = await participant(d.browsers.b, `bruno-${tag}`);
    const a = await joinThroughFront(ana.page, d.front, room, "Ana");
    const b = await joinThroughFront(bruno.page, d.front, room, "Bruno");
    expect(b.response.url(), "B's page, from inside the namespace").toBe(`${d.front}/${room}`);
    expect(await bruno.page.evaluate("window.isSecureContext")).toBe(true);
    // The page was given its own TURN credentials at the join, for the rendered URLs.
    const turn = (await configuredServers(bruno.page)).find((s) => s.username !== undefined);
    expect(turn?.urls).toEqual(iceUrls(d.instance));
    expect(turn?.username).toMatch(/^\d+:/);
    expect(turn?.credential).toBeTruthy();

    await waitForMediaFrom(ana.page, [b.id], 60_000);
    await waitForMediaFrom(bruno.page, [a.id], 60_000);
    await framesGrow(ana.page, b.id, 30);
    await framesGrow(bruno.page, a.id, 30);
    const pairs = await waitFor(
      async () => {
        const seen = await selectedPairs(bruno.page);
        return seen.length >= 2 ? seen : undefined;
      },
      { what: "B's publishing and subscribing connections connected" },
    );
    for (const pair of pairs) {
      expect(pair.localType, safeJson(pair)).toBe("relay");
      expect(pair.relayProtocol, safeJson(pair)).toBe(protocol);
      expect(pair.remote.startsWith(`${net.hostAddress}:`), safeJson(pair)).toBe(true);
    }
    // The firewall did block what B tried otherwise.
    expect(net.dropped(), net.listing()).toBeGreaterThan(0);
    expect(browserCommandLines(d.homes.b), "browser B's process").toHaveLength(1);
    for (const args of processesWithHome(d.homes.b)) expect(args.join(" ")).not.toMatch(FORBIDDEN_FLAGS);
  }

  it("gives B, all UDP (and TCP to the TLS port) blocked, media both ways with A through TURN over TCP", async () => {
    evidenceOnFailure("tcp");
    await closePeople();
    await relayedCall("tcp", "udp-blocked", "tcp");
  });

  it("gives B, nothing but TCP 443 allowed, the front and media both ways with A through TURN over TLS", async () => {
    evidenceOnFailure("tls");
    await closePeople();
    await relayedCall("tls", "tls443-only", "tls");
  });

  it("relays only for credentials the server issued, unexpired, and only toward Janus", async () => {
    evidenceOnFailure("probe");
    await closePeople();
    const net = d.network;
    const client = await RawClient.connect(`wss://${net.hostAddress}/ws`, {
      ca: d.pki.caPem,
    });
    try {
      const joined = await client.request(
        { type: "join", v: 1, room: uniqueRoom("deploy-probe"), name: "Probe" },
        10_000,
      );
      expect(joined.type, safeJson(joined)).toBe("joined");
      const issued = (joined.iceServers as RTCIceServer[]).find((s) => s.username !== undefined);
      if (!issued?.username || typeof issued.credential !== "string")
        throw new Error(safeJson(joined.iceServers));
      expect(Number(issued.username.split(":")[0]) * 1000).toBeGreaterThan(Date.now());
      const janus = net.hostAddress;
      const elsewhere = ["127.0.0.1", net.nsAddress, "10.0.0.1", "172.16.0.1", "192.168.1.1"];
      const targets: Record<string, TurnTarget> = {
        tcp: { host: net.turnAddress, port: TURN_PORT },
        tls: { host: net.turnAddress, port: TURNS_PORT, tls: { ca: d.pki.caPem } },
      };
      for (const [name, target] of Object.entries(targets)) {
        const good = await probeTurn(target, issued.username, issued.credential, [janus, ...elsewhere]);
        expect(good.allocate, `${name}: the issued credentials`).toBe(200);
        const relayPort = Number(good.relayed?.split(":")[1]);
        expect(good.relayed?.startsWith(`${janus}:`), `${name}: ${good.relayed}`).toBe(true);
        expect(relayPort).toBeGreaterThanOrEqual(RELAY_PORTS[0]);
        expect(relayPort).toBeLessThanOrEqual(RELAY_PORTS[1]);
        expect(good.permissions, name).toEqual(
          Object.fromEntries([[janus, 200], ...elsewhere.map((peer) => [peer, 403])]),
        );
        const forged = restCredentials(randomBytes(32).toString("hex"), 3600);
        expect((await probeTurn(target, forged.username, forged.password)).allocate, `${name}: forged`).toBe(
          401,
        );
        const expired = restCredentials(secret, -60);
        expect(
          (await probeTurn(target, expired.username, expired.password)).allocate,
          `${name}: expired`,
        ).toBe(401);
        const stolen = await probeTurn(target, issued.username, restCredentials(secret, 3600).password);
        expect(stolen.allocate, `${name}: issued username, another password`).toBe(401);
      }
      // The same, as a browser meets it: Chromium's TURN client gets a relay with the issued credentials only.
      const page = (await participant(d.browsers.a, "gatherer")).page;
      await page.goto(`${d.front}/`);
      const withIssued = await relayCandidates(page, issued);
      expect(withIssued.length, "relay candidates with the issued credentials").toBeGreaterThan(0);
      for (const c of withIssued) expect(c.startsWith(`${janus}:`), c).toBe(true);
      const forged = restCredentials(randomBytes(32).toString("hex"), 3600);
      const expired = restCredentials(secret, -60);
      for (const [name, bad] of [
        ["forged", forged],
        ["expired", expired],
      ] as const)
        expect(
          await relayCandidates(page, {
            urls: issued.urls,
            username: bad.username,
            credential: bad.password,
          }),
          `relay candidates with ${name} credentials`,
        ).toEqual([]);
    } finally {
      client.close();
    }
  });
});

describe("npm run doctor", () => {
  it("finds the instance healthy: certificate, HSTS, Janus, no public metrics, a join, TURN over TCP and TLS", async () => {
    evidenceOnFailure("doctor");
    const caFile = path.join(d.dir, "doctor-ca.pem");
    fs.writeFileSync(caFile, d.pki.caPem);
    // The test CA through NODE_EXTRA_CA_CERTS, as an operator with a private CA would give it.
    const run = spawnSync(process.execPath, ["--import", "tsx", "scripts/doctor.ts", d.front], {
      cwd: REPO_ROOT,
      encoding: "utf8",
      env: { ...process.env, NODE_EXTRA_CA_CERTS: caFile },
      timeout: 60_000,
    });
    console.log(`[deploy] doctor:\n${run.stdout}${run.stderr}`);
    expect(run.status, run.stdout + run.stderr).toBe(0);
    const ok = run.stdout.split("\n").filter((l) => l.startsWith("ok"));
    expect(
      ok.some((l) => /TURN turn:.*transport=tcp: allocation 200/.test(l)),
      run.stdout,
    ).toBe(true);
    expect(
      ok.some((l) => /TURN turns:.*allocation 200/.test(l)),
      run.stdout,
    ).toBe(true);
    expect(
      ok.some((l) => /relay to 127\.0\.0\.1 refused: 403/.test(l)),
      run.stdout,
    ).toBe(true);
    expect(
      ok.filter((l) => /turns?:.*relay to the media server: 200/.test(l)),
      run.stdout,
    ).toHaveLength(2);
    expect(
      ok.some((l) => /media server: up/.test(l)),
      run.stdout,
    ).toBe(true);
  });
});

// Last: judges every line the server printed during the file's tests.
describeServerLog(() => parts.server);
