/**
 * The network-impairment relay itself, with plain UDP sockets on loopback: it forwards both ways, and its
 * loss, delay and bandwidth cap do what they say (within statistical margins).
 */
import dgram from "node:dgram";
import { afterEach, describe, expect, it } from "vitest";
import { UdpRelay } from "../helpers/udp-relay.js";

const LISTEN = "127.0.0.9";
const TARGET = "127.0.0.1";
const PORT = 47_311;

async function bound(host: string, port = 0): Promise<dgram.Socket> {
  const s = dgram.createSocket("udp4");
  await new Promise<void>((resolve) => s.bind(port, host, () => resolve()));
  return s;
}

let cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function setup() {
  const relay = await UdpRelay.start({
    listenHost: LISTEN,
    targetHost: TARGET,
    upstreamHost: "127.0.0.1",
    ports: [PORT, PORT],
  });
  // The "server" echoes every datagram back to whoever sent it (the relay's upstream socket).
  const server = await bound(TARGET, PORT);
  server.on("message", (msg, r) => server.send(msg, r.port, r.address));
  const client = await bound("127.0.0.1");
  const received: { at: number; msg: Buffer }[] = [];
  client.on("message", (msg) => received.push({ at: performance.now(), msg }));
  cleanup.push(
    () => relay.close(),
    () => server.close(),
    () => client.close(),
  );
  const send = (msg: Buffer) => client.send(msg, PORT, LISTEN);
  return { relay, received, send };
}

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("UdpRelay", () => {
  it("forwards to the target and brings the replies back through the same flow", async () => {
    const { relay, received, send } = await setup();
    for (let i = 0; i < 10; i++) send(Buffer.from(`ping ${i}`));
    await settle(200);
    expect(received.map((r) => r.msg.toString())).toEqual(Array.from({ length: 10 }, (_, i) => `ping ${i}`));
    const [flow] = relay.flows();
    expect(flow?.forwarded).toEqual({ toClient: 10, toServer: 10 });
    // The relay's own socket toward the target: what the target sees as the client.
    expect(flow?.upstreamPort).toBeGreaterThan(0);
  });

  it("drops about the share of packets it is told to", async () => {
    const { relay, received, send } = await setup();
    relay.impair("toServer", { loss: 0.3 });
    // In small batches: a burst of 2000 would overflow the sockets' kernel buffers, which is not our loss.
    for (let i = 0; i < 2000; i++) {
      send(Buffer.from([i & 0xff]));
      if (i % 50 === 49) await settle(5);
    }
    await settle(500);
    const share = 1 - received.length / 2000;
    expect(share).toBeGreaterThan(0.25);
    expect(share).toBeLessThan(0.35);
  });

  it("adds the delay it is told to", async () => {
    const { relay, received, send } = await setup();
    relay.impair("toClient", { delayMs: 120 });
    const t0 = performance.now();
    send(Buffer.from("x"));
    await settle(400);
    expect(received).toHaveLength(1);
    expect((received[0]?.at ?? 0) - t0).toBeGreaterThanOrEqual(115);
  });

  it("caps the bandwidth of one direction", async () => {
    const { relay, received, send } = await setup();
    relay.impair("toClient", { rateBps: 400_000, queueMs: 100 });
    // 2 Mbit/s offered for 1.5 s, in 1000-byte packets.
    const packet = Buffer.alloc(1000);
    const t0 = performance.now();
    for (let i = 0; i < 375; i++) {
      send(packet);
      if (i % 25 === 24) await settle(100);
    }
    await settle(300);
    const span = ((received.at(-1)?.at ?? t0) - t0) / 1000;
    const kbps = (received.length * 8) / span; // packets × 8 kbit
    expect(kbps).toBeGreaterThan(300);
    expect(kbps).toBeLessThan(480);
    expect(relay.flows()[0]?.dropped.toClient).toBeGreaterThan(100);
  });
});
