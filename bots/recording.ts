/**
 * Synthetic media, encoded once per process and replayed by every bot (replay-publisher.ts). A libwebrtc
 * publisher fed by the shared synthetic clock (media.ts) sends a few seconds to a werift receiver in this
 * process, over loopback; what arrives — Opus packets and VP8 frames, starting on a key frame — is kept.
 * Thirty bots then cost thirty replays instead of thirty encoders.
 */
import { BotPublisher, stripNonLoopbackCandidates, type WireCandidate } from "./media.js";
import { videoFps } from "./synthetic-clock.js";
import { loopbackPeer } from "./werift-peer.js";

export interface RecordedFrame {
  /** RTP payloads of the frame's packets, in order (VP8 payload descriptor included). */
  packets: Buffer[];
  keyFrame: boolean;
}

export interface Recording {
  fps: number;
  /** Starts on a key frame, so the replay can loop back to it (or jump to it when asked for a key frame). */
  video: RecordedFrame[];
  /** Opus packets, 20 ms each. */
  audio: Buffer[];
}

/** VP8 (RFC 7741): is this payload the first packet of a key frame? */
export function startsKeyFrame(payload: Buffer): boolean {
  const b0 = payload[0] ?? 0;
  const start = (b0 & 0x10) !== 0 && (b0 & 0x0f) === 0;
  if (!start) return false;
  let offset = 1;
  if (b0 & 0x80) {
    const b1 = payload[1] ?? 0;
    offset = 2;
    if (b1 & 0x80) offset += (payload[offset] ?? 0) & 0x80 ? 2 : 1;
    if (b1 & 0x40) offset += 1;
    if (b1 & 0x30) offset += 1;
  }
  return ((payload[offset] ?? 1) & 0x01) === 0;
}

/**
 * Records `seconds` of the synthetic sources (the shared clock's tone and moving bar at `videoFps()`), from the
 * first key frame to the end of a frame. Rejects if a packet went missing (loopback: it should not).
 */
export async function record(seconds: number, timeoutMs = 15_000): Promise<Recording> {
  const receiver = loopbackPeer(() => {}); // its candidates travel in its answer
  const early: WireCandidate[] = [];
  let remoteSet = false;
  const publisher = new BotPublisher({
    iceServers: [],
    audio: "on",
    video: true,
    onCandidate: (c) => {
      if (!c) return;
      if (remoteSet) void receiver.addIceCandidate(c).catch(() => {});
      else early.push(c);
    },
  });
  const recording: Recording = { fps: videoFps(), video: [], audio: [] };
  try {
    const finished = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no recording after ${timeoutMs} ms`)), timeoutMs);
      let until = Number.POSITIVE_INFINITY;
      let frame: RecordedFrame | undefined;
      const lastSeq = new Map<string, number>();
      receiver.onTrack.subscribe((track) => {
        track.onReceiveRtp.subscribe((rtp) => {
          const started = recording.video.length > 0;
          if (track.kind === "video" && !started && !startsKeyFrame(rtp.payload)) return;
          if (track.kind === "audio" && !started) return;
          const seq = rtp.header.sequenceNumber;
          const prev = lastSeq.get(track.kind);
          lastSeq.set(track.kind, seq);
          if (prev !== undefined && ((prev + 1) & 0xffff) !== seq) {
            clearTimeout(timer);
            reject(new Error(`recording lost ${track.kind} packets (${prev} → ${seq})`));
          }
          if (track.kind === "audio") {
            recording.audio.push(Buffer.from(rtp.payload));
            return;
          }
          if (!started) until = performance.now() + seconds * 1000;
          if (!frame) {
            frame = { packets: [], keyFrame: startsKeyFrame(rtp.payload) };
            recording.video.push(frame);
          }
          frame.packets.push(Buffer.from(rtp.payload));
          if (!rtp.header.marker) return;
          frame = undefined;
          if (performance.now() >= until) {
            clearTimeout(timer);
            resolve();
          }
        });
      });
    });
    await receiver.setRemoteDescription({ type: "offer", sdp: await publisher.createOffer() });
    remoteSet = true;
    for (const c of early) await receiver.addIceCandidate(c).catch(() => {});
    await receiver.setLocalDescription(await receiver.createAnswer());
    await publisher.applyAnswer(stripNonLoopbackCandidates(receiver.localDescription?.sdp ?? ""));
    await finished;
    return recording;
  } finally {
    publisher.close();
    await receiver.close().catch(() => {});
  }
}

/** Seconds recorded: the replay loops, so a key frame every this many seconds on top of the asked ones. */
const RECORDED_SECONDS = 3;
let shared: Promise<Recording> | undefined;

/** This process's recording, made on first use (about RECORDED_SECONDS + 0.5 s). */
export function sharedRecording(): Promise<Recording> {
  shared ??= record(RECORDED_SECONDS).catch((err: unknown) => {
    shared = undefined; // let the next caller try again
    throw err;
  });
  return shared;
}
