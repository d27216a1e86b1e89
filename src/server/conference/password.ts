/**
 * A meeting password is kept only as a salted scrypt hash (a "seal"): in memory on the node holding the
 * meeting and, in a cluster, in Redis for the node that takes it over. Checking runs on libuv's thread pool,
 * so a burst of guesses costs threads, not the event loop that carries every meeting's signaling.
 */
import { randomBytes, scrypt, timingSafeEqual } from "node:crypto";

import type { PasswordSeal } from "../routing/meeting-state.js";

/** N = 2^14, r = 8: about 16 MiB and a few tens of milliseconds per check (RFC 7914's interactive figure). */
const COST = { N: 1 << 14, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const KEY_BYTES = 32;

function derive(password: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize("NFC"), salt, KEY_BYTES, COST, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

export async function sealPassword(password: string): Promise<PasswordSeal> {
  const salt = randomBytes(16);
  const key = await derive(password, salt);
  return { salt: salt.toString("base64url"), hash: key.toString("base64url") };
}

/** Whether `password` is the one sealed; a malformed seal matches nothing. */
export async function passwordMatches(seal: PasswordSeal, password: string): Promise<boolean> {
  const salt = Buffer.from(seal.salt, "base64url");
  const expected = Buffer.from(seal.hash, "base64url");
  if (salt.length !== 16 || expected.length !== KEY_BYTES) return false;
  return timingSafeEqual(await derive(password, salt), expected);
}
