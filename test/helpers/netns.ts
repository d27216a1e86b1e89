/**
 * A throwaway network namespace joined to this one by a veth pair, for tests that need a client that is not on
 * loopback: the host end and the namespace end carry a /30 picked at random in 10.213.0.0/16 (checked unused
 * here; the namespace has no other route, so nothing it sends can leave the pair). Needs root. Imports nothing
 * from vitest.
 */
import { execFile, execFileSync } from "node:child_process";

function ip(...args: string[]): string {
  return execFileSync("ip", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

export interface NamespacePair {
  /** The namespace's name (for `ip netns exec`). */
  ns: string;
  /** The address on this (the host's) side of the pair, and the one inside the namespace. */
  hostAddress: string;
  nsAddress: string;
  /** Runs `node -e script` inside the namespace; resolves with its stdout (rejects on a non-zero exit). */
  node(script: string, timeoutMs?: number): Promise<string>;
  /** Deletes the namespace, and with it both ends of the pair. */
  remove(): void;
}

export function createNamespacePair(label: string): NamespacePair {
  const tag = `${label.slice(0, 4)}${process.pid % 10_000}${Math.floor(Math.random() * 100)}`;
  const ns = `palns-${tag}`;
  const hostIf = `ph${tag}`.slice(0, 15);
  const nsIf = `pn${tag}`.slice(0, 15);
  const used = ip("-o", "-4", "addr", "show");
  let hostAddress = "";
  let nsAddress = "";
  for (let attempt = 0; attempt < 20 && !hostAddress; attempt++) {
    const base = `10.213.${Math.floor(Math.random() * 256)}.${4 * Math.floor(Math.random() * 63)}`;
    const [a, b, c, d] = base.split(".").map(Number) as [number, number, number, number];
    const host = `${a}.${b}.${c}.${d + 1}`;
    const peer = `${a}.${b}.${c}.${d + 2}`;
    if (used.includes(` ${host}/`) || used.includes(` ${peer}/`) || ip("route", "show", `${base}/30`).trim())
      continue;
    hostAddress = host;
    nsAddress = peer;
  }
  if (!hostAddress) throw new Error("no free /30 in 10.213.0.0/16");
  ip("netns", "add", ns);
  try {
    ip("link", "add", hostIf, "type", "veth", "peer", "name", nsIf);
    ip("link", "set", nsIf, "netns", ns);
    ip("addr", "add", `${hostAddress}/30`, "dev", hostIf);
    ip("link", "set", hostIf, "up");
    ip("-n", ns, "addr", "add", `${nsAddress}/30`, "dev", nsIf);
    ip("-n", ns, "link", "set", nsIf, "up");
    ip("-n", ns, "link", "set", "lo", "up");
  } catch (error) {
    ip("netns", "del", ns);
    try {
      ip("link", "del", hostIf);
    } catch {
      /* went with the namespace */
    }
    throw error;
  }
  return {
    ns,
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
    },
  };
}
