/**
 * What the media engine asks of end-to-end encryption (features/e2ee): a transform on every sender before it
 * sends its first frame, and on every receiver. The engine knows nothing of keys; while the meeting is not
 * end-to-end encrypted there are no transforms at all, and no frame goes through a worker.
 */
export interface MediaTransforms {
  send(sender: RTCRtpSender, kind: "audio" | "video"): void;
  receive(receiver: RTCRtpReceiver, kind: "audio" | "video"): void;
}

/**
 * Where the engine finds them: asked before each publish offer and as each receiver appears. A sender already
 * sending cannot be given one (Chromium ignores it): E2EE turned on during a call takes new connections.
 */
export type TransformsSource = () => MediaTransforms | null;

/** Attaches each sender's or receiver's transform once. */
export class TransformAttacher {
  readonly #done = new WeakSet<RTCRtpSender | RTCRtpReceiver>();

  constructor(private readonly source: TransformsSource) {}

  sender(sender: RTCRtpSender, kind: string): void {
    const t = this.source();
    if (!t || this.#done.has(sender) || (kind !== "audio" && kind !== "video")) return;
    this.#done.add(sender);
    t.send(sender, kind);
  }

  receiver(receiver: RTCRtpReceiver): void {
    const t = this.source();
    if (!t || this.#done.has(receiver)) return;
    const kind = receiver.track.kind;
    if (kind !== "audio" && kind !== "video") return;
    this.#done.add(receiver);
    t.receive(receiver, kind);
  }
}
