/**
 * The network-impairment relay itself, with plain UDP sockets on loopback: it forwards both ways, and its
 * loss, delay and bandwidth cap do what they say (within statistical margins). Its port is one the OS said
 * was free (the relay's `{ count: 1 }`), never a fixed number another run could hold.
 */
import dgram from "node:dgram";
import { afterEach, describe, expect, it } from "vitest";
import { type FlowStats, UdpRelay } from "../helpers/udp-relay.js";
import { sleep, waitFor } from "../helpers/wait.js";

const LISTEN = "127.0.0.9";
const TARGET = "127.0.0.1";

async function bound(host: string, port = 0): Promise<dgram.Socket> {
  const s = dgram.createSocket("udp4");
  await new Promise<void>((resolve, reject) => {
    s.once("error", reject);
    s.bind(port, host, () => resolve());
  });
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
    ports: { count: 1 },
  });
  cleanup.push(() => relay.close());
  const [port, last] = relay.ports;
  expect(last, "one port").toBe(port);
  // The "server" echoes every datagram back to whoever sent it (the relay's upstream socket).
  const server = await bound(TARGET, port);
  cleanup.push(() => server.close());
  server.on("message", (msg, r) => server.send(msg, r.port, r.address));
  const client = await bound("127.0.0.1");
  cleanup.push(() => client.close());
  const received: { at: number; msg: Buffer }[] = [];
  client.on("message", (msg) => received.push({ at: performance.now(), msg }));
  const send = (msg: Buffer) => client.send(msg, port, LISTEN);
  /** Resolves once a datagram whose text is `text` came back; what came before it has arrived too. */
  const arrived = (text: string, timeoutMs = 2000) =>
    waitFor(() => received.some((r) => r.msg.toString() === text), { timeoutMs, what: `"${text}" back` });
  return { relay, received, send, arrived };
}

/** The relay's only flow (one client, one port), once it exists. */
function onlyFlow(relay: UdpRelay): FlowStats {
  const flows = relay.flows();
  expect(flows, "one flow through the relay").toHaveLength(1);
  return flows[0] as FlowStats;
}

/** Whether `port` can be bound on `host` right now (the socket is let go at once). */
async function bindable(host: string, port: number): Promise<boolean> {
  const s = dgram.createSocket("udp4");
  return new Promise((resolve) => {
    s.once("error", () => {
      s.close();
      resolve(false);
    });
    s.bind(port, host, () => s.close(() => resolve(true)));
  });
}

describe("UdpRelay", () => {
  it("listens on a block of free ports the OS handed out, held until it closes, and free on the target", async () => {
    const a = await UdpRelay.start({
      listenHost: LISTEN,
      targetHost: TARGET,
      upstreamHost: TARGET,
      ports: { count: 40 },
    });
    cleanup.push(() => a.close());
    const b = await UdpRelay.start({
      listenHost: LISTEN,
      targetHost: TARGET,
      upstreamHost: TARGET,
      ports: { count: 40 },
    });
    cleanup.push(() => b.close());
    const [lo, hi] = a.ports;
    expect(hi - lo + 1, "40 consecutive ports").toBe(40);
    expect(b.ports[1] - b.ports[0] + 1).toBe(40);
    // Two relays never share a port: each holds its block.
    expect(b.ports[0] > hi || b.ports[1] < lo, `${a.ports} and ${b.ports} overlap`).toBe(true);
    for (let port = lo; port <= hi; port++) {
      expect(await bindable(LISTEN, port), `port ${port} is the relay's on ${LISTEN}`).toBe(false);
      expect(await bindable(TARGET, port), `port ${port} is free on the target`).toBe(true);
    }
    await a.close();
    // Closed: the block is free again.
    await waitFor(async () => (await bindable(LISTEN, lo)) && (await bindable(LISTEN, hi)), {
      timeoutMs: 2000,
      what: "the closed relay's ports to be free",
    });
  });

  it("forwards to the target and brings the replies back through the same flow", async () => {
    const { relay, received, send, arrived } = await setup();
    for (let i = 0; i < 10; i++) send(Buffer.from(`ping ${i}`));
    // A last datagram as a marker: once it is back, the ten before it (and any copy of them) are back too.
    send(Buffer.from("end"));
    await arrived("end");
    expect(received.map((r) => r.msg.toString())).toEqual([
      ...Array.from({ length: 10 }, (_, i) => `ping ${i}`),
      "end",
    ]);
    const flow = onlyFlow(relay);
    expect(flow.forwarded).toEqual({ toClient: 11, toServer: 11 });
    expect(flow.dropped).toEqual({ toClient: 0, toServer: 0 });
    // The relay's own socket toward the target: what the target sees as the client.
    expect(flow.upstreamPort).toBeGreaterThan(0);
  });

  it("drops about the share of packets it is told to", async () => {
    const { relay, received, send, arrived } = await setup();
    relay.impair("toServer", { loss: 0.3 });
    const judged = () => {
      const f = relay.flows()[0];
      return f === undefined ? 0 : f.forwarded.toServer + f.dropped.toServer;
    };
    // In batches of 50, each judged by the relay before the next is sent: a burst (or a relay held up on a
    // loaded machine) would overflow the sockets' kernel buffers, which is not the relay's loss.
    for (let i = 0; i < 2000; i++) {
      send(Buffer.from([i & 0xff]));
      if (i % 50 === 49) {
        await waitFor(() => judged() === i + 1, {
          timeoutMs: 3000,
          intervalMs: 1,
          what: `the relay to judge the first ${i + 1} packets`,
        });
      }
    }
    // The relay has judged all 2000 (under the loss); the marker goes through it lossless: once the marker is
    // back, every survivor of the 2000 is back too.
    relay.impair("toServer", {});
    send(Buffer.from("end"));
    await arrived("end");
    const survivors = received.length - 1;
    const flow = onlyFlow(relay);
    // Every packet was judged by the relay (2000 + the marker), and only the relay lost any.
    expect(flow.forwarded.toServer + flow.dropped.toServer).toBe(2001);
    expect(flow.forwarded.toClient, "echoed back through the relay").toBe(flow.forwarded.toServer);
    expect(survivors, "received = what the relay let through").toBe(flow.forwarded.toServer - 1);
    const share = 1 - survivors / 2000;
    expect(share).toBeGreaterThan(0.25);
    expect(share).toBeLessThan(0.35);
  });

  it("adds the delay it is told to", async () => {
    const { relay, received, send, arrived } = await setup();
    relay.impair("toClient", { delayMs: 120 });
    const t0 = performance.now();
    send(Buffer.from("x"));
    await arrived("x");
    const delay = (received[0]?.at ?? 0) - t0;
    expect(delay).toBeGreaterThanOrEqual(115);
    // Delayed, not held back for long: loopback with no delay takes well under a millisecond.
    expect(delay).toBeLessThan(400);
    // Once, not twice: a marker sent after it comes back after it (same delay), with nothing in between.
    send(Buffer.from("end"));
    await arrived("end");
    expect(received.map((r) => r.msg.toString())).toEqual(["x", "end"]);
  });

  it("caps the bandwidth of one direction", async () => {
    const { relay, received, send } = await setup();
    relay.impair("toClient", { rateBps: 400_000, queueMs: 100 });
    // 2 Mbit/s offered for 1.5 s, in 1000-byte packets.
    const packet = Buffer.alloc(1000);
    const t0 = performance.now();
    for (let i = 0; i < 375; i++) {
      send(packet);
      if (i % 25 === 24) await sleep(100);
    }
    // Until the relay has judged every packet on its way back and the client has each one it forwarded (the
    // queue behind the cap drains at the cap's rate: a marker would be dropped or wait behind it).
    await waitFor(
      () => {
        const f = relay.flows()[0];
        return f !== undefined && f.forwarded.toClient + f.dropped.toClient === 375
          ? received.length === f.forwarded.toClient
          : false;
      },
      { timeoutMs: 3000, what: "every packet judged and every forwarded one received" },
    );
    const span = ((received.at(-1)?.at ?? t0) - t0) / 1000;
    const kbps = (received.length * 8) / span; // packets × 8 kbit
    expect(kbps).toBeGreaterThan(300);
    expect(kbps).toBeLessThan(480);
    expect(onlyFlow(relay).dropped.toClient).toBeGreaterThan(100);
  });
});
