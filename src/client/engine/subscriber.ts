/**
 * The subscribe connection: everyone else's media, down from the media server. The server offers (one m-line
 * per remote track, listed in `streams`), this side answers. Which participant a track belongs to is only
 * known from `streams`, so the mapping is rebuilt from the transceivers after every offer.
 */
import type { Candidate, IceServer, Source, StreamInfo } from "../../protocol/messages.js";
import type { SignalClient } from "../signal/signal-client.js";
import { rtcConfiguration, toProtocolCandidate } from "./ice.js";
import { SerialQueue } from "./serial-queue.js";
import { TransformAttacher, type TransformsSource } from "./transforms.js";

/** The tracks currently received for one participant: microphone, camera, shared screen and its sound. */
export interface RemoteTracks {
  audio?: MediaStreamTrack;
  video?: MediaStreamTrack;
  screen?: MediaStreamTrack;
  screenAudio?: MediaStreamTrack;
}

/** Where each published source goes in RemoteTracks. */
const SLOT: Record<Source, keyof RemoteTracks> = {
  microphone: "audio",
  camera: "video",
  screen: "screen",
  screen_audio: "screenAudio",
};
const SLOTS = Object.values(SLOT);

export type TracksListener = (participantId: string, tracks: RemoteTracks) => void;

export class Subscriber {
  private pc: RTCPeerConnection | null = null;
  private readonly queue = new SerialQueue();
  /** mid → stream, from the latest offer being applied. */
  private streams = new Map<string, StreamInfo>();
  /** What listeners were last told, per participant. */
  private tracks = new Map<string, RemoteTracks>();
  /** Candidates gathered before our answer went out; the server needs the answer first. */
  private held: (Candidate | null)[] | null = null;
  /** The streams of the last offer answered: the m-lines `subscribe.configure` may name. */
  private answered: readonly StreamInfo[] = [];
  private readonly answeredListeners = new Set<(streams: readonly StreamInfo[]) => void>();
  private readonly transforms: TransformAttacher;

  constructor(
    private readonly signal: SignalClient,
    private readonly iceServers: readonly IceServer[],
    private readonly onTracks: TracksListener,
    private readonly onState: (state: RTCPeerConnectionState) => void,
    transforms: TransformsSource = () => null,
  ) {
    this.transforms = new TransformAttacher(transforms);
  }

  /** Applies a `subscribe.offer`; offers are queued so two negotiations never overlap. */
  handleOffer(sdp: string, streams: readonly StreamInfo[]): Promise<void> {
    return this.queue.run(async () => {
      try {
        await this.applyOffer(sdp, streams);
      } catch (err) {
        // A fresh media-server session (e.g. after a restart) may be unusable on the old connection
        // (new DTLS fingerprint); start over once on a new connection rather than lose all media.
        console.warn("palabre: subscribe offer failed, retrying on a new connection", err);
        this.reset();
        await this.applyOffer(sdp, streams);
      }
      this.answered = [...streams];
      for (const listener of [...this.answeredListeners]) listener(this.answered);
    });
  }

  /** The streams of the last offer answered (features/quality names their mids in `subscribe.configure`). */
  answeredStreams(): readonly StreamInfo[] {
    return this.answered;
  }

  /** Calls `listener` after each offer is answered and the answer accepted; returns the unsubscribe. */
  onAnswered(listener: (streams: readonly StreamInfo[]) => void): () => void {
    this.answeredListeners.add(listener);
    return () => this.answeredListeners.delete(listener);
  }

  /** The tracks received so far for a participant (for one whose `participant.joined` came late). */
  tracksOf(participantId: string): RemoteTracks {
    return this.tracks.get(participantId) ?? {};
  }

  /** The connection's statistics; null before the first offer (or after close). */
  stats(): Promise<RTCStatsReport | null> {
    return this.pc ? this.pc.getStats() : Promise.resolve(null);
  }

  close(): void {
    this.queue.close();
    this.pc?.close();
    this.pc = null;
  }

  private async applyOffer(sdp: string, streams: readonly StreamInfo[]): Promise<void> {
    const pc = this.pc ?? this.create();
    this.streams = new Map(streams.map((s) => [s.mid, s]));
    await pc.setRemoteDescription({ type: "offer", sdp });
    const answer = await pc.createAnswer();
    await pc.setLocalDescription(answer);
    this.sync();
    const reply = this.signal.request({
      type: "subscribe.answer",
      jsep: { type: "answer", sdp: answer.sdp ?? "" },
    });
    this.flushHeld();
    await reply;
  }

  private create(): RTCPeerConnection {
    const pc = new RTCPeerConnection(rtcConfiguration(this.iceServers));
    this.pc = pc;
    this.held = [];
    pc.addEventListener("icecandidate", (ev) => {
      const candidate = toProtocolCandidate(ev.candidate);
      if (candidate === undefined) return;
      if (this.held) this.held.push(candidate);
      else this.signal.send({ type: "trickle", pc: "subscribe", candidate });
    });
    // Fired while the offer is applied, for each m-line that starts receiving; `streams` is already
    // the new offer's, so the track can be placed at once.
    pc.addEventListener("track", (ev) => {
      // The earliest moment a receiver exists: its first frame already goes through the transform.
      this.transforms.receiver(ev.receiver);
      this.sync();
    });
    pc.addEventListener("connectionstatechange", () => this.onState(pc.connectionState));
    return pc;
  }

  private reset(): void {
    this.pc?.close();
    this.pc = null;
    this.held = null;
    this.sync();
  }

  private flushHeld(): void {
    const held = this.held;
    this.held = null;
    for (const candidate of held ?? []) this.signal.send({ type: "trickle", pc: "subscribe", candidate });
  }

  /**
   * Recomputes participant → tracks from the live transceivers and the current `streams`, and reports
   * each participant whose tracks changed. A mid absent from `streams` (an m-line the server set to
   * port 0 because its sender left) contributes nothing, so its track disappears from the participant.
   */
  private sync(): void {
    const next = new Map<string, RemoteTracks>();
    for (const transceiver of this.pc?.getTransceivers() ?? []) {
      const mid = transceiver.mid;
      if (mid === null || transceiver.currentDirection === "stopped") continue;
      const info = this.streams.get(mid);
      const track = transceiver.receiver.track;
      if (!info || track.kind !== info.kind) continue;
      const entry = next.get(info.participantId) ?? {};
      // A participant may send a camera and a screen (two videos): the declared source tells them apart.
      entry[SLOT[info.source] ?? info.kind] = track;
      next.set(info.participantId, entry);
    }
    const previous = this.tracks;
    this.tracks = next;
    for (const id of new Set([...previous.keys(), ...next.keys()])) {
      const before = previous.get(id) ?? {};
      const after = next.get(id) ?? {};
      if (SLOTS.some((slot) => before[slot] !== after[slot])) this.onTracks(id, after);
    }
  }
}
