/**
 * Which connections a bot gets. It publishes with a replay of this process's recording of the synthetic
 * sources (replay-publisher.ts). It receives with werift, counting packets and frames without decrypting them
 * (counting-receiver.ts; a bot that receives nothing answers every m-line inactive), unless asked to decode,
 * when libwebrtc decodes and hands the frames to JavaScript.
 */
import { CountingReceiver } from "./counting-receiver.js";
import { type AudioMode, BotSubscriber, type PeerOptions, type Publisher, type Receiver } from "./media.js";
import { sharedRecording } from "./recording.js";
import { ReplayPublisher } from "./replay-publisher.js";

export type ReceiveMode = "nothing" | "count" | "decode";

export function receiveMode(subscribe: boolean, decode: boolean | undefined): ReceiveMode {
  if (!subscribe) return "nothing";
  return decode ? "decode" : "count";
}

export function newReceiver(mode: ReceiveMode, opts: PeerOptions): Receiver {
  if (mode === "decode") return new BotSubscriber({ ...opts, decode: true });
  return new CountingReceiver(opts, mode === "count");
}

/**
 * Makes ahead what a publisher needs and every bot of the process shares (its recording of the synthetic
 * media: a few seconds, once), so that starting a bot measures its join alone.
 */
export async function preparePublisher(opts: { audio: AudioMode; video: boolean }): Promise<void> {
  if (opts.audio !== "off" || opts.video) await sharedRecording();
}

/** Waits for the process's recording the first time, unless `preparePublisher` made it already. */
export async function newPublisher(
  opts: PeerOptions & { audio: AudioMode; video: boolean },
): Promise<Publisher> {
  return new ReplayPublisher({ ...opts, recording: await sharedRecording() });
}
