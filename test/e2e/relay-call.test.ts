/**
 * The network-impairment harness with real parts: two Chromium participants whose media reaches Janus only
 * through the UDP relay (Janus announces the relay's address; the pages signal no candidates of their own,
 * so Janus learns them from the relay). What loss, caps and delay on that path do is adaptation.test.ts's.
 * The relay picks its port block among ports the OS says are free, and Janus gets that block as its range.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeServerLog } from "../helpers/log-health.js";
import { type ServerHandle, startServer } from "../helpers/server.js";
import { UdpRelay } from "../helpers/udp-relay.js";
import { waitFor } from "../helpers/wait.js";
import { launchChromium, newParticipant, type Participant } from "./helpers/browser.js";
import { selectedCandidatePairs } from "./helpers/rtc.js";
import { joinViaUi, waitForMediaFrom } from "./helpers/ui.js";

const RELAY_HOST = "127.77.0.9";
/** Janus's RTP range, as large as the relay's block: two pages × two connections need far fewer. */
const PORT_COUNT = 40;

let server: ServerHandle | undefined;

describe.sequential("a call through the impairment relay", () => {
  let relay: UdpRelay;
  let browser: Browser;
  let alice: Participant;
  let bob: Participant;
  const room = `relay-${Date.now().toString(36)}`;

  beforeAll(async () => {
    relay = await UdpRelay.start({
      listenHost: RELAY_HOST,
      targetHost: "127.77.0.1",
      upstreamHost: "127.77.0.1",
      ports: { count: PORT_COUNT },
    });
    const [lo, hi] = relay.ports;
    server = await startServer({
      name: "relay-call",
      env: { JANUS_PUBLIC_IP: RELAY_HOST, JANUS_RTP_PORTS: `${lo}-${hi}` },
    });
    browser = await launchChromium();
    alice = await newParticipant(browser, "alice");
    bob = await newParticipant(browser, "bob");
    for (const p of [alice, bob]) await p.context.addInitScript("window.__candidatePolicy = 'none';");
  });

  afterAll(async () => {
    await alice?.close();
    await bob?.close();
    await browser?.close();
    await server?.stop();
    await relay?.close();
  });

  it("carries the call: both see and hear each other, and every packet went through the relay", async () => {
    if (!server) throw new Error("the server did not start");
    const aliceId = await joinViaUi(alice.page, server.origin, room, "Alice");
    const bobId = await joinViaUi(bob.page, server.origin, room, "Bob");
    await waitForMediaFrom(alice.page, [bobId], 45_000);
    await waitForMediaFrom(bob.page, [aliceId], 45_000);
    // Every connected ICE pair's far end is the relay, not Janus itself.
    for (const p of [alice, bob]) {
      const pairs = await selectedCandidatePairs(p.page);
      expect(pairs.length, `${p.label}: connected peer connections`).toBeGreaterThanOrEqual(2);
      for (const pair of pairs) expect(pair.remote, `${p.label}: far end of the ICE pair`).toBe(RELAY_HOST);
    }
    // Two pages × (publish + subscribe) connections carry media both ways through the relay.
    const counted = await waitFor(
      () => {
        const flows = relay.flows();
        const toClient = flows.reduce((n, f) => n + f.forwarded.toClient, 0);
        const toServer = flows.reduce((n, f) => n + f.forwarded.toServer, 0);
        return toClient > 200 && toServer > 200 ? { flows: flows.length, toClient, toServer } : undefined;
      },
      { timeoutMs: 15_000, intervalMs: 250, what: "media both ways through the relay" },
    );
    expect(counted.flows).toBeGreaterThanOrEqual(4);
  });
});

// Last: judges every line the server printed during the file's tests.
describeServerLog(() => server);
