/**
 * The loopback-ICE trick (see janus-notes.md, "Loopback ICE: the one trap"): Janus skips interfaces flagged
 * LOOPBACK, so tests give it a veth pair carrying an address in 127/8 and set JANUS_ICE_INTERFACE=pal0.
 * Needs root. Idempotent; remove the pair only if we created it.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";

export const VETH_IFACE = "pal0";
export const VETH_PEER = "pal1";
export const VETH_ADDRESS = "127.77.0.1/32";

function ip(...args: string[]): string {
  return execFileSync("ip", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

function linkExists(name: string): boolean {
  try {
    ip("-o", "link", "show", "dev", name);
    return true;
  } catch {
    return false;
  }
}

/** Makes sure pal0 exists, is up and holds 127.77.0.1. Returns whether this call created the pair. */
export function ensureVeth(): { created: boolean } {
  let created = false;
  if (!linkExists(VETH_IFACE)) {
    try {
      ip("link", "add", VETH_IFACE, "type", "veth", "peer", "name", VETH_PEER);
    } catch (error) {
      const stderr = (error as { stderr?: string }).stderr ?? String(error);
      throw new Error(
        `cannot create the veth pair ${VETH_IFACE}/${VETH_PEER} that Janus needs for loopback ICE ` +
          `(must run as root): ${stderr.trim()}`,
      );
    }
    created = true;
  }
  const addresses = ip("-o", "-4", "addr", "show", "dev", VETH_IFACE);
  if (!addresses.includes(VETH_ADDRESS.replace(/\/32$/, ""))) {
    ip("addr", "add", VETH_ADDRESS, "dev", VETH_IFACE);
  }
  ip("link", "set", VETH_IFACE, "up");
  ip("link", "set", VETH_PEER, "up");
  return { created };
}

/** Any janus process still running on this machine (ours are all stopped by the time we tear down). */
function janusStillRunning(): boolean {
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (fs.readFileSync(`/proc/${entry}/comm`, "utf8").trim() === "janus") return true;
    } catch {
      /* vanished */
    }
  }
  return false;
}

/**
 * Deletes the pair. Leaves it in place while some other janus runs (a developer's server started meanwhile may
 * be using it); returns whether it was removed.
 */
export function removeVeth(): boolean {
  if (!linkExists(VETH_IFACE)) return false;
  if (janusStillRunning()) {
    console.warn(`[veth] leaving ${VETH_IFACE} in place: another janus process is running and may use it`);
    return false;
  }
  ip("link", "del", VETH_IFACE);
  return true;
}
