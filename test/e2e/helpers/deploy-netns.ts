/**
 * The deployment test's network (deploy.test.ts): a namespace joined to this one by a veth pair on a /29
 * picked at random in 198.18.0.0/15 (the benchmarking range, checked unused here; the namespace has no other
 * route). The host end has two addresses, as a server with a second address for coturn has: the main one
 * (the front on 443, Janus) and coturn's own (TURN, and TURN over TLS on 443). An nftables table inside the
 * namespace blocks what a restrictive network blocks, and a Chromium runs there through a wrapper script.
 * Needs root; imports nothing from vitest.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { createNamespacePair } from "../../helpers/netns.js";

function run(command: string, ...args: string[]): string {
  return execFileSync(command, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/**
 * What the namespace's firewall lets through. "udp-blocked": no UDP at all, and no TCP to the TURN server's
 * TLS port either, so that the relay that carries the media can only be TURN over TCP. "tls443-only": nothing
 * but TCP to port 443 (the front's and coturn's), and the answers to it.
 */
export type Firewall = "udp-blocked" | "tls443-only";

const TABLE = "palabre_deploy";

function rules(mode: Firewall, turn: string): string {
  const body =
    mode === "udp-blocked"
      ? [
          "chain out {",
          "  type filter hook output priority 0; policy accept;",
          '  oif "lo" accept',
          "  meta l4proto udp counter drop",
          `  ip daddr ${turn} tcp dport 443 counter drop`,
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
          "  tcp dport 443 accept",
          "  counter",
          "}",
          "chain in {",
          "  type filter hook input priority 0; policy drop;",
          '  iif "lo" accept',
          "  tcp sport 443 ct state established accept",
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
  /** The veth end in this namespace (JANUS_ICE_INTERFACE) and its main address: the front's and Janus's. */
  hostIf: string;
  hostAddress: string;
  /** Its second address: coturn's own. */
  turnAddress: string;
  /** The address inside the namespace: browser B's, and a peer that is not Janus. */
  nsAddress: string;
  /** Loads (or replaces) the namespace's firewall. */
  firewall(mode: Firewall): void;
  /** `nft list table` inside the namespace, counters included (evidence); what went wrong if it cannot. */
  listing(): string;
  /** Packets the firewall's counters saw, all of them dropped ones. */
  dropped(): number;
  /** Deletes the namespace, the veth pair with it. */
  remove(): void;
}

export function createTurnNetwork(): TurnNetwork {
  const pair = createNamespacePair("turn", { range: "198.18", noIpv6: true, secondHostAddress: true });
  const { ns, hostIf, hostAddress, nsAddress, secondHostAddress: turnAddress } = pair;
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
    turnAddress,
    nsAddress,
    firewall: (mode) => {
      nft(rules(mode, turnAddress));
    },
    listing,
    dropped: () => [...listing().matchAll(/counter packets (\d+)/g)].reduce((n, m) => n + Number(m[1]), 0),
    remove: () => {
      // A socket the browser left closing (FIN-WAIT toward a front already stopped) keeps the namespace, and
      // the veth with it, for minutes after its deletion: closed here first.
      try {
        inNs("ss", "-K", "-tan");
      } catch {
        /* nothing to close, or a kernel without socket destruction: the namespace just goes later */
      }
      pair.remove();
    },
  };
}

/** An executable that runs Chromium inside `ns` (playwright's pipe and the environment pass through). */
export function chromiumInNamespace(dir: string, ns: string, chromium: string): string {
  const file = path.join(dir, `chromium-in-${ns}.sh`);
  fs.writeFileSync(file, `#!/bin/sh\nexec ip netns exec ${ns} ${chromium} "$@"\n`, { mode: 0o755 });
  return file;
}
