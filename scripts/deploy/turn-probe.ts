/**
 * A minimal TURN client (RFC 5766 over TCP or TLS, long-term credentials): Allocate, then CreatePermission
 * toward a peer. Enough to check that a TURN server relays for good credentials, refuses bad ones, and refuses
 * peers it must not reach (`npm run doctor`, and the deployment test). Not a media path.
 */
import { createHash, createHmac, randomBytes } from "node:crypto";
import net from "node:net";
import tls from "node:tls";

const MAGIC = 0x2112a442;
const ALLOCATE = 0x0003;
const CREATE_PERMISSION = 0x0008;
const ATTR = {
  username: 0x0006,
  integrity: 0x0008,
  error: 0x0009,
  realm: 0x0014,
  nonce: 0x0015,
  xorPeer: 0x0012,
  xorRelayed: 0x0016,
  transport: 0x0019,
  fingerprint: 0x8028,
} as const;

export interface TurnTarget {
  host: string;
  port: number;
  /** TURN over TLS (turns:); `ca`: the PEM to trust (a test CA); `servername`: the name to check. */
  tls?: { ca?: string; servername?: string };
}

export interface TurnResult {
  /** Allocate's outcome: 200, or the error code (401: credentials refused). */
  allocate: number;
  relayed?: string;
  /** CreatePermission's outcome per peer address (200, or 403 for a forbidden peer). */
  permissions: Record<string, number>;
}

interface Message {
  type: number;
  attrs: Map<number, Buffer>;
}

function attr(type: number, value: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt16BE(type, 0);
  head.writeUInt16BE(value.length, 2);
  return Buffer.concat([head, value, Buffer.alloc((4 - (value.length % 4)) % 4)]);
}

function xorAddress(ip: string, port: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeUInt8(1, 1);
  b.writeUInt16BE(port ^ (MAGIC >>> 16), 2);
  const parts = ip.split(".").map(Number);
  const ip4 = parts.reduce((n, part) => n * 256 + part, 0);
  b.writeUInt32BE((ip4 ^ MAGIC) >>> 0, 4);
  return b;
}

function readXorAddress(b: Buffer): string {
  const port = b.readUInt16BE(2) ^ (MAGIC >>> 16);
  const ip = (b.readUInt32BE(4) ^ MAGIC) >>> 0;
  return `${ip >>> 24}.${(ip >>> 16) & 255}.${(ip >>> 8) & 255}.${ip & 255}:${port}`;
}

/** A request with MESSAGE-INTEGRITY (when `key`) and FINGERPRINT, as RFC 5389 §15.4-15.5 lay them out. */
function encode(type: number, attrs: Buffer[], key?: Buffer): Buffer {
  const id = randomBytes(12);
  let body = Buffer.concat(attrs);
  const header = (length: number) => {
    const h = Buffer.alloc(20);
    h.writeUInt16BE(type, 0);
    h.writeUInt16BE(length, 2);
    h.writeUInt32BE(MAGIC, 4);
    id.copy(h, 8);
    return h;
  };
  if (key) {
    const mac = createHmac("sha1", key)
      .update(Buffer.concat([header(body.length + 24), body]))
      .digest();
    body = Buffer.concat([body, attr(ATTR.integrity, mac)]);
  }
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE((crc32(Buffer.concat([header(body.length + 8), body])) ^ 0x5354554e) >>> 0);
  body = Buffer.concat([body, attr(ATTR.fingerprint, crc)]);
  return Buffer.concat([header(body.length), body]);
}

function crc32(data: Buffer): number {
  let c = ~0;
  for (const byte of data) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}

function decode(b: Buffer): Message {
  const attrs = new Map<number, Buffer>();
  let at = 20;
  while (at + 4 <= b.length) {
    const type = b.readUInt16BE(at);
    const length = b.readUInt16BE(at + 2);
    attrs.set(type, b.subarray(at + 4, at + 4 + length));
    at += 4 + length + ((4 - (length % 4)) % 4);
  }
  return { type: b.readUInt16BE(0), attrs };
}

function status(m: Message): number {
  if ((m.type & 0x0110) === 0x0100) return 200;
  const e = m.attrs.get(ATTR.error);
  return e ? (e.readUInt8(2) & 7) * 100 + e.readUInt8(3) : 0;
}

/** One stream connection; STUN messages are framed by their own length over TCP. */
class Channel {
  #buffer = Buffer.alloc(0);
  #waiting: ((m: Message) => void) | null = null;
  #failed: ((err: Error) => void) | null = null;

  constructor(readonly socket: net.Socket) {
    // A server that hangs up (or a broken connection) fails the request at once, not at its timeout.
    socket.on("error", (err) => this.#failed?.(err));
    socket.on("close", () => this.#failed?.(new Error("the TURN server closed the connection")));
    socket.on("data", (chunk: Buffer) => {
      this.#buffer = Buffer.concat([this.#buffer, chunk]);
      while (this.#buffer.length >= 20) {
        const length = 20 + this.#buffer.readUInt16BE(2);
        if (this.#buffer.length < length) break;
        const message = decode(this.#buffer.subarray(0, length));
        this.#buffer = this.#buffer.subarray(length);
        this.#waiting?.(message);
      }
    });
  }

  ask(request: Buffer, timeoutMs = 5000): Promise<Message> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("no answer from the TURN server")), timeoutMs);
      this.#waiting = (m) => {
        clearTimeout(timer);
        resolve(m);
      };
      this.#failed = (err) => {
        clearTimeout(timer);
        reject(err);
      };
      this.socket.write(request);
    });
  }
}

function connect(target: TurnTarget): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = target.tls
      ? tls.connect({
          host: target.host,
          port: target.port,
          ...(target.tls.ca ? { ca: target.tls.ca } : {}),
          ...(target.tls.servername ? { servername: target.tls.servername } : {}),
        })
      : net.connect({ host: target.host, port: target.port });
    socket.once(target.tls ? "secureConnect" : "connect", () => resolve(socket));
    socket.once("error", reject);
    socket.setTimeout(10_000, () => socket.destroy(new Error("TURN connection timed out")));
  });
}

/** Allocates a UDP relay with (username, password), then asks permission for each of `peers`. */
export async function probeTurn(
  target: TurnTarget,
  username: string,
  password: string,
  peers: string[] = [],
): Promise<TurnResult> {
  const socket = await connect(target);
  try {
    const channel = new Channel(socket);
    const udp = Buffer.from([17, 0, 0, 0]);
    // The first Allocate has no credentials: the answer (401) carries the realm and nonce to use.
    const challenge = await channel.ask(encode(ALLOCATE, [attr(ATTR.transport, udp)]));
    const realm = challenge.attrs.get(ATTR.realm);
    const nonce = challenge.attrs.get(ATTR.nonce);
    if (!realm || !nonce) return { allocate: status(challenge), permissions: {} };
    const key = createHash("md5").update(`${username}:${realm.toString()}:${password}`).digest();
    const auth = [
      attr(ATTR.username, Buffer.from(username)),
      attr(ATTR.realm, realm),
      attr(ATTR.nonce, nonce),
    ];
    const allocated = await channel.ask(encode(ALLOCATE, [attr(ATTR.transport, udp), ...auth], key));
    const result: TurnResult = { allocate: status(allocated), permissions: {} };
    const relayed = allocated.attrs.get(ATTR.xorRelayed);
    if (relayed) result.relayed = readXorAddress(relayed);
    if (result.allocate !== 200) return result;
    for (const peer of peers) {
      const answer = await channel.ask(
        encode(CREATE_PERMISSION, [attr(ATTR.xorPeer, xorAddress(peer, 9)), ...auth], key),
      );
      result.permissions[peer] = status(answer);
    }
    return result;
  } finally {
    socket.destroy();
  }
}

/** TURN REST credentials (what the server issues, media/turn-credentials.ts), for a probe. */
export function restCredentials(secret: string, ttlSeconds: number): { username: string; password: string } {
  const username = `${Math.floor(Date.now() / 1000) + ttlSeconds}:probe`;
  return { username, password: createHmac("sha1", secret).update(username).digest("base64") };
}
