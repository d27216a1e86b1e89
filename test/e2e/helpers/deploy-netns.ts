/**
 * A restrictive network for the deployment test (deploy.test.ts): a namespace joined to this one by a veth
 * pair on a /30 picked at random in 198.18.0.0/15 (the benchmarking range, checked unused here; the namespace
 * has no other route), with an nftables table inside the namespace that blocks what a restrictive network
 * blocks; a Chromium runs there through a wrapper script, and reaches the TLS front on loopback through a TCP
 * bridge (namespace 127.0.0.1:port → Unix socket → this namespace's 127.0.0.1:port), so both browsers open the
 * same https origin and only the media crosses the veth. Needs root; imports nothing from vitest.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { createNamespacePair } from "../../helpers/netns.js";
import { Daemon } from "./deploy.js";

function run(command: string, ...args: string[]): string {
  return execFileSync(command, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/**
 * What the namespace's firewall lets through. "udp-blocked": no UDP at all, and no TCP to the TURN server's
 * TLS port either, so that the relay that carries the media can only be TURN over TCP. "tls443-only": nothing
 * but TCP to the TURN address's port 443 (and the answers to it).
 */
export type Firewall = "udp-blocked" | "tls443-only";

const TABLE = "palabre_deploy";

function rules(mode: Firewall, turn: string, tlsPort: number): string {
  const body =
    mode === "udp-blocked"
      ? [
          "chain out {",
          "  type filter hook output priority 0; policy accept;",
          '  oif "lo" accept',
          "  meta l4proto udp counter drop",
          `  ip daddr ${turn} tcp dport ${tlsPort} counter drop`,
          "}",
          "chain in {",
          "  type filter hook input priority 0; policy accept;",
          '  iif "lo" accept',
          "  meta l4proto udp counter drop",
          "}",
        ]
      : [
          "chain out {",
          "  type filter hook output priority 0; policy drop;",
          '  oif "lo" accept',
          `  ip daddr ${turn} tcp dport ${tlsPort} accept`,
          "  counter",
          "}",
          "chain in {",
          "  type filter hook input priority 0; policy drop;",
          '  iif "lo" accept',
          `  ip saddr ${turn} tcp sport ${tlsPort} ct state established accept`,
          "  counter",
          "}",
        ];
  // Declared, deleted and written again in one transaction: the first call and the later swaps alike.
  return [
    `table inet ${TABLE}`,
    `delete table inet ${TABLE}`,
    `table inet ${TABLE} {`,
    ...body,
    "}",
    "",
  ].join("\n");
}

export interface TurnNetwork {
  ns: string;
  /** The veth end in this namespace (JANUS_ICE_INTERFACE) and its address: the TURN and Janus address. */
  hostIf: string;
  hostAddress: string;
  /** The address inside the namespace: browser B's, and a peer that is not Janus. */
  nsAddress: string;
  /** Loads (or replaces) the namespace's firewall. */
  firewall(mode: Firewall, tlsPort: number): void;
  /** `nft list table` inside the namespace, counters included (evidence); what went wrong if it cannot. */
  listing(): string;
  /** Packets the firewall's counters saw, all of them dropped ones. */
  dropped(): number;
  /** Deletes the namespace, the veth pair with it. */
  remove(): void;
}

export function createTurnNetwork(): TurnNetwork {
  const pair = createNamespacePair("turn", { range: "198.18", noIpv6: true });
  const { ns, hostIf, hostAddress, nsAddress } = pair;
  const inNs = (...args: string[]) => run("ip", "netns", "exec", ns, ...args);
  const nft = (input: string) =>
    execFileSync("ip", ["netns", "exec", ns, "nft", "-f", "-"], { input, encoding: "utf8", stdio: "pipe" });
  const listing = () => {
    try {
      return inNs("nft", "list", "table", "inet", TABLE);
    } catch (error) {
      return `(no table: ${(error as Error).message.trim()})`;
    }
  };
  return {
    ns,
    hostIf,
    hostAddress,
    nsAddress,
    firewall: (mode, tlsPort) => {
      nft(rules(mode, hostAddress, tlsPort));
    },
    listing,
    dropped: () => [...listing().matchAll(/counter packets (\d+)/g)].reduce((n, m) => n + Number(m[1]), 0),
    remove: pair.remove,
  };
}

/** An executable that runs Chromium inside `ns` (playwright's pipe and the environment pass through). */
export function chromiumInNamespace(dir: string, ns: string, chromium: string): string {
  const file = path.join(dir, `chromium-in-${ns}.sh`);
  fs.writeFileSync(file, `#!/bin/sh\nexec ip netns exec ${ns} ${chromium} "$@"\n`, { mode: 0o755 });
  return file;
}

export interface Bridge {
  /** Connections carried so far. */
  connections(): number;
  stop(): Promise<string>;
}

/** The namespace's 127.0.0.1:`port` carried to this namespace's 127.0.0.1:`port`, through a Unix socket in `dir`. */
export async function startBridge(ns: string, dir: string, port: number): Promise<Bridge> {
  const socketPath = path.join(dir, "bridge.sock");
  const sockets = new Set<net.Socket>();
  let count = 0;
  const splice = (x: net.Socket, y: net.Socket) => {
    sockets.add(x);
    sockets.add(y);
    x.pipe(y);
    y.pipe(x);
    x.on("error", () => y.destroy());
    y.on("error", () => x.destroy());
    x.on("close", () => {
      y.destroy();
      sockets.delete(x);
    });
    y.on("close", () => {
      x.destroy();
      sockets.delete(y);
    });
  };
  const outside = net.createServer((inbound) => {
    count++;
    splice(inbound, net.connect({ host: "127.0.0.1", port }));
  });
  await new Promise<void>((resolve, reject) => {
    outside.once("error", reject);
    outside.listen(socketPath, resolve);
  });
  const inside = new Daemon("bridge", "ip", [
    "netns",
    "exec",
    ns,
    process.execPath,
    "-e",
    `const net = require("node:net");
     net.createServer((c) => {
       const u = net.connect(${JSON.stringify(socketPath)});
       c.pipe(u); u.pipe(c);
       c.on("error", () => u.destroy()); u.on("error", () => c.destroy());
       c.on("close", () => u.destroy()); u.on("close", () => c.destroy());
     }).listen(${port}, "127.0.0.1", () => console.log("bridge ready"));`,
  ]);
  const stop = async () => {
    const how = await inside.stop();
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => outside.close(() => resolve()));
    return how;
  };
  try {
    await inside.waitForLine(/bridge ready/);
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\n${inside.tail(20)}`);
  }
  return { connections: () => count, stop };
}
