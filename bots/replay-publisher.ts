/**
 * The publish connection of a load bot: werift (TypeScript WebRTC) sending the synthetic media recorded once
 * per process (recording.ts) instead of encoding it again for every bot. Thirty libwebrtc encoders took most
 * of a core of this 2-core machine in the 30-person benchmark; a replay costs a few packets' encryption.
 *
 * What the media server sees is a real stream: Opus packets every 20 ms; VP8 frames at the recorded rate, each
 * with the next picture ID (rewritten: the recording loops), starting on a key frame, looping back to one, and
 * jumping to one whenever a key frame is asked for (PLI).
 */
import { type RTCPeerConnection, type RTCRtpSender, RtpHeader, RtpPacket } from "werift";
import { type AudioMode, emptyOut, type OutCounters, type PeerOptions, type Publisher } from "./media.js";
import type { Recording } from "./recording.js";
import { loopbackPeer, whenConnected } from "./werift-peer.js";

export interface ReplayOptions extends PeerOptions {
  audio: AudioMode;
  video: boolean;
  recording: Recording;
}

/** Random 16- and 32-bit starting points, as RTP asks (RFC 3550 §5.1). */
const random16 = () => Math.floor(Math.random() * 0x10000);
const random32 = () => Math.floor(Math.random() * 0x1_0000_0000);

/**
 * A copy of a VP8 payload whose descriptor (RFC 7741 §4.2) carries `pictureId` (15 bits, or its low 7 if the
 * recorded one was short); unchanged if it has no PictureID.
 */
export function withPictureId(recorded: Buffer, pictureId: number): Buffer {
  const payload = Buffer.from(recorded);
  const b0 = payload[0] ?? 0;
  const b1 = payload[1] ?? 0;
  if (!(b0 & 0x80) || !(b1 & 0x80) || payload.length < 3) return payload;
  if ((payload[2] ?? 0) & 0x80) {
    if (payload.length >= 4) payload.writeUInt16BE(0x8000 | (pictureId & 0x7fff), 2);
  } else payload.writeUInt8(pictureId & 0x7f, 2);
  return payload;
}

export class ReplayPublisher implements Publisher {
  readonly #pc: RTCPeerConnection;
  readonly #audio: RTCRtpSender | undefined;
  readonly #video: RTCRtpSender | undefined;
  readonly #recording: Recording;
  readonly #out = emptyOut();
  #state = "new";
  #audioOn: boolean;
  #closed = false;
  #audioSeq = random16();
  #audioTs = random32();
  #audioIndex = 0;
  #videoSeq = random16();
  #videoTs = random32();
  #frameIndex = 0;
  #pictureId = random16() & 0x7fff;

  constructor(readonly opts: ReplayOptions) {
    this.#pc = loopbackPeer(opts.onCandidate);
    this.#recording = opts.recording;
    this.#audioOn = opts.audio === "on";
    if (opts.audio !== "off")
      this.#audio = this.#pc.addTransceiver("audio", { direction: "sendonly" }).sender;
    if (opts.video) {
      this.#video = this.#pc.addTransceiver("video", { direction: "sendonly" }).sender;
      this.#video.onPictureLossIndication.subscribe(() => {
        this.#out.keyFrameRequests++;
        this.#frameIndex = 0; // the recording starts on a key frame
      });
    }
    this.#pc.connectionStateChange.subscribe((state) => {
      if (this.#closed) return;
      this.#state = state;
      if (state === "connected") clock.add(this);
      if (state === "failed" || state === "closed") clock.remove(this);
    });
  }

  get state(): string {
    return this.#state;
  }

  async createOffer(): Promise<string> {
    await this.#pc.setLocalDescription(await this.#pc.createOffer());
    return this.#pc.localDescription?.sdp ?? "";
  }

  async applyAnswer(sdp: string): Promise<void> {
    await this.#pc.setRemoteDescription({ type: "answer", sdp });
  }

  connected(timeoutMs: number): Promise<void> {
    return whenConnected(this.#pc, timeoutMs);
  }

  /** Muted: no audio packets at all (as a browser that takes the track off its sender). */
  async setAudio(on: boolean): Promise<void> {
    this.#audioOn = on && this.#audio !== undefined;
  }

  async counters(): Promise<OutCounters> {
    return { ...this.#out };
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#state = "closed";
    clock.remove(this);
    void this.#pc.close().catch(() => {});
  }

  /** The next 20 ms of sound, if the microphone is on. */
  sendAudio(): void {
    const packets = this.#recording.audio;
    if (!this.#audio || !this.#audioOn || packets.length === 0) return;
    const payload = packets[this.#audioIndex % packets.length] as Buffer;
    this.#audioIndex++;
    const header = new RtpHeader({ sequenceNumber: this.#audioSeq, timestamp: this.#audioTs, marker: false });
    this.#audioSeq = (this.#audioSeq + 1) & 0xffff;
    this.#audioTs = (this.#audioTs + 960) >>> 0; // 20 ms at 48 kHz
    this.#send(this.#audio, header, payload);
    this.#out.audioPackets++;
  }

  /** The next video frame. */
  sendVideo(): void {
    const frames = this.#recording.video;
    if (!this.#video || frames.length === 0) return;
    const frame = frames[this.#frameIndex % frames.length];
    this.#frameIndex = (this.#frameIndex + 1) % frames.length;
    if (!frame) return;
    this.#pictureId = (this.#pictureId + 1) & 0x7fff;
    frame.packets.forEach((recorded, i) => {
      const payload = withPictureId(recorded, this.#pictureId);
      const marker = i === frame.packets.length - 1;
      const header = new RtpHeader({ sequenceNumber: this.#videoSeq, timestamp: this.#videoTs, marker });
      this.#videoSeq = (this.#videoSeq + 1) & 0xffff;
      this.#send(this.#video as RTCRtpSender, header, payload);
      this.#out.videoPackets++;
    });
    this.#out.videoFrames++;
    this.#videoTs = (this.#videoTs + Math.round(90_000 / this.#recording.fps)) >>> 0;
  }

  #send(sender: RTCRtpSender, header: RtpHeader, payload: Buffer): void {
    this.#out.bytes += 12 + payload.length;
    sender.sendRtp(new RtpPacket(header, payload)).catch(() => {});
  }
}

/**
 * One clock for every replay in the process: a 20 ms tick for sound, one at the recording's frame rate for
 * video. Late ticks skip ahead rather than burst (a loaded machine).
 */
class ReplayClock {
  readonly #members = new Set<ReplayPublisher>();
  #audioTimer: NodeJS.Timeout | undefined;
  #videoTimer: NodeJS.Timeout | undefined;

  add(p: ReplayPublisher): void {
    this.#members.add(p);
    if (this.#audioTimer) return;
    const fps = p.opts.recording.fps;
    const start = performance.now();
    let audioSent = 0;
    let videoSent = 0;
    this.#audioTimer = setInterval(() => {
      const due = Math.floor((performance.now() - start) / 20);
      if (due - audioSent > 5) audioSent = due - 5;
      for (; audioSent < due; audioSent++) for (const m of this.#members) m.sendAudio();
    }, 20);
    this.#videoTimer = setInterval(
      () => {
        const due = Math.floor(((performance.now() - start) * fps) / 1000);
        if (due <= videoSent) return;
        videoSent = due;
        for (const m of this.#members) m.sendVideo();
      },
      Math.floor(1000 / fps),
    );
  }

  remove(p: ReplayPublisher): void {
    this.#members.delete(p);
    if (this.#members.size > 0) return;
    clearInterval(this.#audioTimer);
    clearInterval(this.#videoTimer);
    this.#audioTimer = undefined;
    this.#videoTimer = undefined;
  }
}

const clock = new ReplayClock();
