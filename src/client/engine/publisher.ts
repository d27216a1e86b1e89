/**
 * The publish connection: this participant's microphone and camera, up to the media server.
 * The client offers; the server answers (through `publish` / `publish.answer`).
 */
import type { Candidate, IceServer, Source } from "../../protocol/messages.js";
import type { SignalClient } from "../signal/signal-client.js";
import { rtcConfiguration, toProtocolCandidate } from "./ice.js";
import type { MediaKind } from "./local-media.js";
import { activeEncodings, setEncodingsActive, type VideoLayer } from "./send-layers.js";
import { SerialQueue } from "./serial-queue.js";
import { TransformAttacher, type TransformsSource } from "./transforms.js";

/**
 * Three simulcast layers, lowest first as the protocol requires: the SFU forwards to each subscriber the
 * layer its tile size and bandwidth call for, so the publisher encodes once for everyone.
 */
export const SIMULCAST_ENCODINGS: RTCRtpEncodingParameters[] = [
  { rid: "l", scaleResolutionDownBy: 4, maxBitrate: 150_000 },
  { rid: "m", scaleResolutionDownBy: 2, maxBitrate: 500_000 },
  { rid: "h", maxBitrate: 1_500_000 },
];

export class Publisher {
  readonly pc: RTCPeerConnection;
  private readonly transceivers: Record<MediaKind, RTCRtpTransceiver>;
  /** What each m-line carries, declared in every `publish` (`sources`). */
  private readonly sources = new Map<RTCRtpTransceiver, Source>();
  private readonly queue = new SerialQueue();
  /** Whether each device sends at all (not while muted), and the camera's highest simulcast layer sent. */
  private readonly sending: Record<MediaKind, boolean> = { audio: true, video: true };
  private maxVideoLayer: VideoLayer = 2;
  /** The microphone's track, attached to its sender only while it sends (see `setSending`). */
  private microphone: MediaStreamTrack | null;
  /** Candidates gathered before the offer went out: the server cannot place them before it sees `publish`. */
  private held: (Candidate | null)[] | null = [];
  private readonly transforms: TransformAttacher;

  constructor(
    private readonly signal: SignalClient,
    iceServers: readonly IceServer[],
    stream: MediaStream,
    transforms: TransformsSource,
  ) {
    this.transforms = new TransformAttacher(transforms);
    this.pc = new RTCPeerConnection(rtcConfiguration(iceServers));
    const audio = stream.getAudioTracks()[0];
    const video = stream.getVideoTracks()[0];
    this.microphone = audio ?? null;
    // Both m-lines always exist, even with no device: a camera turned on later is a replaceTrack,
    // not a renegotiation, and the others' subscriptions stay stable.
    this.transceivers = {
      audio: this.pc.addTransceiver(audio ?? "audio", { direction: "sendonly", streams: [stream] }),
      video: this.pc.addTransceiver(video ?? "video", {
        direction: "sendonly",
        streams: [stream],
        sendEncodings: SIMULCAST_ENCODINGS.map((e) => ({ ...e })),
      }),
    };
    this.sources.set(this.transceivers.audio, "microphone");
    this.sources.set(this.transceivers.video, "camera");
    this.pc.addEventListener("icecandidate", (ev) => {
      const candidate = toProtocolCandidate(ev.candidate);
      if (candidate === undefined) return;
      if (this.held) this.held.push(candidate);
      else this.signal.send({ type: "trickle", pc: "publish", candidate });
    });
  }

  /** Offers and applies the answer. Called once at join, and again to restart ICE after a failure. */
  negotiate(options: { iceRestart?: boolean } = {}): Promise<void> {
    return this.queue.run(async () => {
      // Before the first offer: no frame leaves before it is encrypted, in an end-to-end encrypted meeting.
      this.attachTransforms();
      const offer = await this.pc.createOffer({ iceRestart: options.iceRestart ?? false });
      await this.pc.setLocalDescription(offer);
      const sdp = offer.sdp ?? "";
      // Mids exist once the offer is applied locally.
      const sources = [...this.sources].flatMap(([t, source]) =>
        t.mid === null ? [] : [{ mid: t.mid, source }],
      );
      const reply = this.signal.request({ type: "publish", jsep: { type: "offer", sdp }, sources });
      this.flushHeld();
      const answer = await reply;
      await this.pc.setRemoteDescription({ type: "answer", sdp: answer.jsep.sdp });
    });
  }

  /**
   * Adds an m-line carrying `source` (a shared screen, its sound). The caller renegotiates; the m-line stays
   * for the connection's life, to be reused by the next share (replaceTrack) without renegotiating again.
   */
  addTransceiver(track: MediaStreamTrack, source: Source, init: RTCRtpTransceiverInit): RTCRtpTransceiver {
    const transceiver = this.pc.addTransceiver(track, init);
    this.sources.set(transceiver, source);
    this.transforms.sender(transceiver.sender, track.kind);
    return transceiver;
  }

  /** Gives every sender its transform, if the meeting has any (before the first offer). */
  private attachTransforms(): void {
    for (const [t, source] of this.sources)
      this.transforms.sender(
        t.sender,
        source === "microphone" || source === "screen_audio" ? "audio" : "video",
      );
  }

  /** Swaps the track a sender carries (a device opened late); the m-line and the encodings stay. */
  async replaceTrack(kind: MediaKind, track: MediaStreamTrack | null): Promise<void> {
    if (kind === "audio") {
      this.microphone = track;
      await this.attachMicrophone();
    } else await this.transceivers.video.sender.replaceTrack(track);
  }

  /**
   * Starts or stops sending a device's RTP at all. A disabled track alone still sends comfort packets
   * (audio) or black frames (video); turning the encodings off sends nothing, costs no bandwidth, and,
   * like the disabled track, needs no renegotiation. Firefox (ESR 153) keeps sending an inactive audio
   * encoding, silence at 50 packets a second: the microphone's track is detached from its sender as well.
   */
  async setSending(kind: MediaKind, on: boolean): Promise<void> {
    this.sending[kind] = on;
    await this.applyEncodings(kind);
    if (kind === "audio") await this.attachMicrophone();
  }

  private async attachMicrophone(): Promise<void> {
    const sender = this.transceivers.audio.sender;
    const wanted = this.sending.audio ? this.microphone : null;
    if (sender.track !== wanted) await sender.replaceTrack(wanted);
  }

  /** Sends the camera's simulcast encodings up to `layer` only (features/quality); -1: no video at all. */
  async setMaxVideoLayer(layer: VideoLayer): Promise<void> {
    this.maxVideoLayer = layer;
    await this.applyEncodings("video");
  }

  /** Sets each encoding's `active` from the device's sending state and, for the camera, the layer cap. */
  private async applyEncodings(kind: MediaKind): Promise<void> {
    const sender = this.transceivers[kind].sender;
    const cap = kind === "video" ? this.maxVideoLayer : 2;
    await setEncodingsActive(
      sender,
      activeEncodings(sender.getParameters().encodings.length, cap, this.sending[kind]),
    );
  }

  close(): void {
    this.queue.close();
    this.pc.close();
  }

  private flushHeld(): void {
    const held = this.held;
    this.held = null;
    for (const candidate of held ?? []) this.signal.send({ type: "trickle", pc: "publish", candidate });
  }
}
