/**
 * A throwaway network namespace joined to this one by a veth pair, for tests that need a client that is not on
 * loopback: the host end and the namespace end carry a /30 (a /29 when the host end needs a second address)
 * picked at random in 10.213.0.0/16, or in 198.18.0.0/15 (checked unused here; the namespace has no other route, so nothing it sends can leave the
 * pair). Every namespace made is deleted when the process exits, whatever ended it. Needs root. Imports
 * nothing from vitest.
 */
import { execFile, execFileSync } from "node:child_process";

function ip(...args: string[]): string {
  return execFileSync("ip", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

export interface NamespacePair {
  /** The namespace's name (for `ip netns exec`). */
  ns: string;
  /** The veth end in this namespace (an interface Janus may be told to use). */
  hostIf: string;
  /** The address on this (the host's) side of the pair, and the one inside the namespace. */
  hostAddress: string;
  nsAddress: string;
  /** The host end's second address, when asked for (`secondHostAddress`); "" otherwise. */
  secondHostAddress: string;
  /** Runs `node -e script` inside the namespace; resolves with its stdout (rejects on a non-zero exit). */
  node(script: string, timeoutMs?: number): Promise<string>;
  /** Deletes the namespace, and with it both ends of the pair. */
  remove(): void;
}

export interface PairOptions {
  /** Where the /30 is picked: 10.213.0.0/16 (default) or 198.18.0.0/15 (the benchmarking range). */
  range?: "10.213" | "198.18";
  /** IPv4 only on both ends: no link-local IPv6 address for a browser to offer. */
  noIpv6?: boolean;
  /** A second address on the host end (the subnet is then a /29), reachable from the namespace on-link. */
  secondHostAddress?: boolean;
}

const made = new Set<string>();
let exitHook = false;

/** The base of a subnet of `size` addresses (4 or 8) at random in `range`. */
function randomSubnet(range: PairOptions["range"], size: number): string {
  const second = range === "198.18" ? 18 + Math.floor(Math.random() * 2) : 213;
  const first = range === "198.18" ? 198 : 10;
  const last = size * Math.floor(Math.random() * (256 / size - 1));
  return `${first}.${second}.${Math.floor(Math.random() * 256)}.${last}`;
}

export function createNamespacePair(
  label: string,
  { range = "10.213", noIpv6 = false, secondHostAddress = false }: PairOptions = {},
): NamespacePair {
  const tag = `${label.slice(0, 4)}${process.pid % 10_000}${Math.floor(Math.random() * 100)}`;
  const ns = `palns-${tag}`;
  const hostIf = `ph${tag}`.slice(0, 15);
  const nsIf = `pn${tag}`.slice(0, 15);
  const used = ip("-o", "-4", "addr", "show");
  const prefix = secondHostAddress ? 29 : 30;
  let hostAddress = "";
  let nsAddress = "";
  let second = "";
  for (let attempt = 0; attempt < 40 && !hostAddress; attempt++) {
    const base = randomSubnet(range, 2 ** (32 - prefix));
    const [a, b, c, d] = base.split(".").map(Number) as [number, number, number, number];
    const mine = [1, 2, 3].map((n) => `${a}.${b}.${c}.${d + n}`);
    if (mine.some((m) => used.includes(` ${m}/`)) || ip("route", "show", `${base}/${prefix}`).trim())
      continue;
    [hostAddress, nsAddress] = mine as [string, string];
    second = secondHostAddress ? (mine[2] as string) : "";
  }
  if (!hostAddress) throw new Error(`no free /${prefix} in ${range}.x.x`);
  if (!exitHook) {
    exitHook = true;
    process.on("exit", () => {
      for (const name of made) {
        try {
          ip("netns", "del", name);
        } catch {
          /* gone */
        }
      }
    });
  }
  ip("netns", "add", ns);
  made.add(ns);
  const sysctl = (inNs: boolean, setting: string) =>
    execFileSync(inNs ? "ip" : "sysctl", [...(inNs ? ["netns", "exec", ns, "sysctl"] : []), "-qw", setting]);
  try {
    if (noIpv6) sysctl(true, "net.ipv6.conf.all.disable_ipv6=1");
    if (noIpv6) sysctl(true, "net.ipv6.conf.default.disable_ipv6=1");
    ip("link", "add", hostIf, "type", "veth", "peer", "name", nsIf);
    if (noIpv6) sysctl(false, `net.ipv6.conf.${hostIf}.disable_ipv6=1`);
    ip("link", "set", nsIf, "netns", ns);
    if (noIpv6) sysctl(true, `net.ipv6.conf.${nsIf}.disable_ipv6=1`);
    ip("addr", "add", `${hostAddress}/${prefix}`, "dev", hostIf);
    if (second) ip("addr", "add", `${second}/${prefix}`, "dev", hostIf);
    ip("link", "set", hostIf, "up");
    ip("-n", ns, "addr", "add", `${nsAddress}/${prefix}`, "dev", nsIf);
    ip("-n", ns, "link", "set", nsIf, "up");
    ip("-n", ns, "link", "set", "lo", "up");
  } catch (error) {
    ip("netns", "del", ns);
    made.delete(ns);
    try {
      ip("link", "del", hostIf);
    } catch {
      /* went with the namespace */
    }
    throw error;
  }
  return {
    ns,
    hostIf,
    hostAddress,
    nsAddress,
    secondHostAddress: second,
    node: (script, timeoutMs = 15_000) =>
      new Promise((resolve, reject) => {
        execFile(
          "ip",
          ["netns", "exec", ns, process.execPath, "-e", script],
          { timeout: timeoutMs, encoding: "utf8" },
          (error, stdout, stderr) =>
            error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout),
        );
      }),
    remove: () => {
      ip("netns", "del", ns);
      made.delete(ns);
    },
  };
}
