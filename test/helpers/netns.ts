/**
 * A throwaway network namespace joined to this one by a veth pair, for tests that need a client that is not on
 * loopback: the host end and the namespace end carry a /30 picked at random in 10.213.0.0/16, or in
 * 198.18.0.0/15 (checked unused here; the namespace has no other route, so nothing it sends can leave the
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
}

const made = new Set<string>();
let exitHook = false;

function randomSlash30(range: PairOptions["range"]): string {
  const second = range === "198.18" ? 18 + Math.floor(Math.random() * 2) : 213;
  const first = range === "198.18" ? 198 : 10;
  return `${first}.${second}.${Math.floor(Math.random() * 256)}.${4 * Math.floor(Math.random() * 63)}`;
}

export function createNamespacePair(
  label: string,
  { range = "10.213", noIpv6 = false }: PairOptions = {},
): NamespacePair {
  const tag = `${label.slice(0, 4)}${process.pid % 10_000}${Math.floor(Math.random() * 100)}`;
  const ns = `palns-${tag}`;
  const hostIf = `ph${tag}`.slice(0, 15);
  const nsIf = `pn${tag}`.slice(0, 15);
  const used = ip("-o", "-4", "addr", "show");
  let hostAddress = "";
  let nsAddress = "";
  for (let attempt = 0; attempt < 40 && !hostAddress; attempt++) {
    const base = randomSlash30(range);
    const [a, b, c, d] = base.split(".").map(Number) as [number, number, number, number];
    const host = `${a}.${b}.${c}.${d + 1}`;
    const peer = `${a}.${b}.${c}.${d + 2}`;
    if (used.includes(` ${host}/`) || used.includes(` ${peer}/`) || ip("route", "show", `${base}/30`).trim())
      continue;
    hostAddress = host;
    nsAddress = peer;
  }
  if (!hostAddress) throw new Error(`no free /30 in ${range}.x.x`);
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
    ip("addr", "add", `${hostAddress}/30`, "dev", hostIf);
    ip("link", "set", hostIf, "up");
    ip("-n", ns, "addr", "add", `${nsAddress}/30`, "dev", nsIf);
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
