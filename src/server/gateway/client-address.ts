/**
 * Which client a connection counts against, for the per-address limits (README "Security"). The peer's
 * address, unless the peer is a reverse proxy the operator trusts (TRUSTED_PROXIES): then the address that
 * proxy says it forwarded for. IPv6 clients count per /64, the block one subscriber usually holds, since a
 * single machine can pick any address in it. The result stays in memory: it is never logged or sent.
 */
import type { IncomingMessage } from "node:http";
import { isIP } from "node:net";

/** `::ffff:1.2.3.4` is the IPv4 client 1.2.3.4. */
function plain(address: string): string {
  return address.startsWith("::ffff:") && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}

/** The /64 of an IPv6 address, as its first four groups. */
function ipv6Block(address: string): string {
  const [head = "", tail = ""] = address.split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const groups = address.includes("::")
    ? [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill("0"), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.toLowerCase().replace(/^0+(?=.)/, ""))
    .join(":")}::/64`;
}

/** The key per-address limits use for `address`. */
export function addressKey(address: string): string {
  const a = plain(address);
  return isIP(a) === 6 ? ipv6Block(a) : a;
}

export function clientAddress(req: IncomingMessage, trustedProxies: ReadonlySet<string>): string {
  const peer = plain(req.socket.remoteAddress ?? "");
  if (!trustedProxies.has(peer)) return addressKey(peer);
  // The right-most entry that is not one of our proxies is the one our first proxy saw connecting.
  const header = req.headers["x-forwarded-for"];
  const hops = (Array.isArray(header) ? header.join(",") : (header ?? ""))
    .split(",")
    .slice(-16)
    .map((h) => plain(h.trim()));
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i] as string;
    if (!isIP(hop)) break;
    if (!trustedProxies.has(hop)) return addressKey(hop);
  }
  return addressKey(peer);
}
