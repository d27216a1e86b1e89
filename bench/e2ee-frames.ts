/**
 * The cost of one frame's encryption and decryption (features/e2ee/frame-crypto.ts, the code the browsers'
 * worker runs), with Node's WebCrypto on this machine: microseconds per frame for an Opus frame (~120 bytes),
 * a VP8 delta frame (~3 KB) and a VP8 key frame (~30 KB), and what that is at a meeting's rates. A lower
 * bound of what a browser spends (its WebCrypto is asynchronous the same way); bench/e2ee-cost.ts measures
 * the pages themselves.
 *
 *   npx tsx bench/e2ee-frames.ts
 */
import { clearBytes, decryptFrame, encryptFrame } from "../src/client/features/e2ee/frame-crypto.js";

const ROUNDS = Number(process.env.BENCH_FRAMES ?? 5000);

async function perFrame(
  bytes: number,
  kind: "audio" | "video",
  keyFrame: boolean,
): Promise<[number, number]> {
  const key = await crypto.subtle.generateKey({ name: "AES-GCM", length: 128 }, false, [
    "encrypt",
    "decrypt",
  ]);
  const keys = new Map([[7, key]]);
  const frame = crypto.getRandomValues(new Uint8Array(Math.min(bytes, 65_536))).buffer;
  const clear = clearBytes(kind, keyFrame);
  const sealed: ArrayBuffer[] = [];
  let t0 = performance.now();
  for (let i = 0; i < ROUNDS; i++) sealed.push(await encryptFrame(frame, clear, { tag: 7, key }));
  const enc = ((performance.now() - t0) * 1000) / ROUNDS;
  t0 = performance.now();
  for (const s of sealed) if (!(await decryptFrame(s, clear, keys))) throw new Error("did not decrypt");
  const dec = ((performance.now() - t0) * 1000) / ROUNDS;
  return [enc, dec];
}

const cases: [string, number, "audio" | "video", boolean, number][] = [
  // name, bytes, kind, key frame, frames per second in a meeting's stream
  ["Opus 20 ms", 120, "audio", false, 50],
  ["VP8 delta (720p)", 3000, "video", false, 30],
  ["VP8 key frame (720p)", 30_000, "video", true, 1],
];
console.log(`frames: ${ROUNDS} of each; µs per frame (encrypt / decrypt)`);
for (const [name, bytes, kind, key, fps] of cases) {
  const [e, d] = await perFrame(bytes, kind, key);
  console.log(
    `${name.padEnd(22)} ${e.toFixed(1).padStart(7)} / ${d.toFixed(1).padStart(7)} µs   at ${fps}/s: ${((e * fps) / 10_000).toFixed(2)} % of a core to send, ${((d * fps) / 10_000).toFixed(2)} % per stream received`,
  );
}
