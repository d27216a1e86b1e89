/**
 * The media frames' worker (RTCRtpScriptTransform, in Chromium and Firefox alike): every frame this page
 * sends is encrypted with its current key, every frame it receives decrypted with its sender's key
 * (frame-crypto.ts). A frame that cannot be encrypted (no key yet) is not sent, and one that cannot be
 * decrypted is dropped: nothing in clear ever leaves, nothing undecodable reaches the decoder. Keys come from
 * the page (e2ee-controller.ts) as CryptoKeys that cannot be exported.
 */
import {
  clearBytes,
  decryptFrame,
  encryptFrame,
  type FrameKey,
  type FrameKind,
  tagOf,
} from "./frame-crypto.js";

export type WorkerCommand =
  | { type: "encrypt-with"; key: FrameKey }
  | { type: "decrypt-with"; key: FrameKey }
  | { type: "forget"; tags: number[] }
  /** Someone was just given our key: a key frame lets them start decoding at once. */
  | { type: "key-frame" }
  | { type: "stats" };

export interface WorkerStats {
  encrypted: number;
  /** Frames not sent for want of a key. */
  unsent: number;
  decrypted: number;
  /** Frames dropped: no key with their tag, or they did not verify. */
  undecryptable: number;
  /** The tag of the key we encrypt with (null: none yet). */
  sendingTag: number | null;
  /** The tags of the keys we hold to decrypt. */
  keyTags: number[];
  /** The tags named by the last frames received, decrypted or not (they travel in clear). */
  seenTags: number[];
  /** Frames dropped because their key had not arrived yet, by tag (the last few tags): a gap, if any. */
  keyMissing: Record<string, number>;
}

export interface TransformOptions {
  role: "send" | "receive";
  kind: FrameKind;
}

interface EncodedFrame {
  data: ArrayBuffer;
  type?: "key" | "delta" | "empty";
}

interface ScriptTransformer {
  readonly readable: ReadableStream<EncodedFrame>;
  readonly writable: WritableStream<EncodedFrame>;
  readonly options: TransformOptions;
  generateKeyFrame?(): Promise<void>;
  sendKeyFrameRequest?(): Promise<void>;
}

const scope = self as unknown as {
  onmessage: ((ev: MessageEvent<WorkerCommand>) => void) | null;
  onrtctransform: ((ev: { transformer: ScriptTransformer }) => void) | null;
  postMessage(message: unknown): void;
};

let sending: FrameKey | null = null;
const receiving = new Map<number, CryptoKey>();
const counts = { encrypted: 0, unsent: 0, decrypted: 0, undecryptable: 0 };
/** Distinct tags of received frames, the newest last (a few: enough to see a key change). */
const seen: number[] = [];
const SEEN_KEPT = 16;
const missing = new Map<number, number>();
/**
 * The video transformers. A frame dropped for want of a key leaves the decoder waiting for a key frame it
 * would not ask for (it saw nothing to fail on): a new key asks the senders for one, and the receivers ask theirs.
 */
const senders = new Set<ScriptTransformer>();
const receivers = new Set<ScriptTransformer>();
const keyFrame = (set: Set<ScriptTransformer>, ask: (t: ScriptTransformer) => Promise<void> | undefined) => {
  for (const t of set) ask(t)?.catch(() => {});
};

scope.onmessage = ({ data }) => {
  switch (data.type) {
    case "encrypt-with":
      sending = data.key;
      keyFrame(senders, (t) => t.generateKeyFrame?.());
      break;
    case "key-frame":
      keyFrame(senders, (t) => t.generateKeyFrame?.());
      break;
    case "decrypt-with":
      receiving.set(data.key.tag, data.key.key);
      keyFrame(receivers, (t) => t.sendKeyFrameRequest?.());
      break;
    case "forget":
      for (const tag of data.tags) receiving.delete(tag);
      break;
    case "stats": {
      const stats: WorkerStats = {
        ...counts,
        sendingTag: sending?.tag ?? null,
        keyTags: [...receiving.keys()],
        seenTags: [...seen],
        keyMissing: Object.fromEntries(missing),
      };
      scope.postMessage({ type: "stats", stats });
      break;
    }
  }
};

scope.onrtctransform = ({ transformer }) => {
  const { role, kind } = transformer.options;
  if (kind === "video") (role === "send" ? senders : receivers).add(transformer);
  const transform =
    role === "send"
      ? async (frame: EncodedFrame, out: TransformStreamDefaultController<EncodedFrame>) => {
          const key = sending;
          if (!key) {
            counts.unsent++;
            return;
          }
          frame.data = await encryptFrame(frame.data, clearBytes(kind, frame.type === "key"), key);
          counts.encrypted++;
          out.enqueue(frame);
        }
      : async (frame: EncodedFrame, out: TransformStreamDefaultController<EncodedFrame>) => {
          const tag = tagOf(frame.data);
          if (tag !== null && seen.at(-1) !== tag) {
            const i = seen.indexOf(tag);
            if (i >= 0) seen.splice(i, 1);
            seen.push(tag);
            if (seen.length > SEEN_KEPT) seen.shift();
          }
          const data = await decryptFrame(frame.data, clearBytes(kind, frame.type === "key"), receiving);
          if (!data) {
            counts.undecryptable++;
            if (tag !== null && !receiving.has(tag)) {
              missing.set(tag, (missing.get(tag) ?? 0) + 1);
              if (missing.size > SEEN_KEPT) missing.delete(missing.keys().next().value as number);
            }
            return;
          }
          frame.data = data;
          counts.decrypted++;
          out.enqueue(frame);
        };
  transformer.readable
    .pipeThrough(new TransformStream<EncodedFrame, EncodedFrame>({ transform }))
    .pipeTo(transformer.writable)
    .catch(() => {
      senders.delete(transformer);
      receivers.delete(transformer);
    });
};
