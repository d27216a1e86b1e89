/**
 * One media frame, encrypted or decrypted (AES-GCM, a 128-bit key per sender). The codec's first bytes stay in
 * clear, so that the media server can still route and switch what it cannot read: VP8's payload header (10
 * bytes on a key frame, 3 otherwise: key frame flag, size) and Opus's TOC byte; they are authenticated as
 * additional data, so nobody can change them unnoticed. After the ciphertext and its tag come the 12-byte IV
 * and the 4-byte tag of the key used, by which the receiver picks the sender's key (a receiver's m-line may
 * carry several people over time; the tag says whose key without asking the m-line). Pure: the worker
 * (e2ee-worker.ts) and the unit tests use it.
 */

export const IV_BYTES = 12;
export const TAG_BYTES = 4;
const TRAILER = IV_BYTES + TAG_BYTES;
/** AES-GCM's authentication tag, part of the ciphertext. */
const GCM_TAG_BYTES = 16;

export type FrameKind = "audio" | "video";

/** How many leading bytes stay clear for the media server. */
export function clearBytes(kind: FrameKind, keyFrame: boolean): number {
  if (kind === "audio") return 1;
  return keyFrame ? 10 : 3;
}

/** A key and the tag frames name it by. */
export interface FrameKey {
  tag: number;
  key: CryptoKey;
}

export async function encryptFrame(
  data: ArrayBuffer,
  clear: number,
  { tag, key }: FrameKey,
  iv = crypto.getRandomValues(new Uint8Array(IV_BYTES)),
): Promise<ArrayBuffer> {
  const bytes = new Uint8Array(data);
  const head = bytes.subarray(0, Math.min(clear, bytes.length));
  const body = bytes.subarray(head.length);
  const sealed = new Uint8Array(
    await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: head }, key, body),
  );
  const out = new Uint8Array(head.length + sealed.length + TRAILER);
  out.set(head, 0);
  out.set(sealed, head.length);
  out.set(iv, head.length + sealed.length);
  new DataView(out.buffer).setUint32(out.length - TAG_BYTES, tag);
  return out.buffer;
}

/** The frame in clear, or null when it is not ours to read (no key with its tag, or it does not verify). */
export async function decryptFrame(
  data: ArrayBuffer,
  clear: number,
  keys: ReadonlyMap<number, CryptoKey>,
): Promise<ArrayBuffer | null> {
  const bytes = new Uint8Array(data);
  if (bytes.length < clear + GCM_TAG_BYTES + TRAILER) return null;
  const tag = new DataView(data).getUint32(bytes.length - TAG_BYTES);
  const key = keys.get(tag);
  if (!key) return null;
  const head = bytes.subarray(0, clear);
  const iv = bytes.subarray(bytes.length - TRAILER, bytes.length - TAG_BYTES);
  try {
    const body = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv, additionalData: head },
      key,
      bytes.subarray(clear, bytes.length - TRAILER),
    );
    const out = new Uint8Array(clear + body.byteLength);
    out.set(head, 0);
    out.set(new Uint8Array(body), clear);
    return out.buffer;
  } catch {
    return null;
  }
}

/** The tag an encrypted frame names its key by (null if too short to carry one). */
export function tagOf(data: ArrayBuffer): number | null {
  return data.byteLength < TRAILER ? null : new DataView(data).getUint32(data.byteLength - TAG_BYTES);
}
