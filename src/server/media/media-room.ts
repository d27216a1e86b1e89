/**
 * The boundary between conference logic and the media plane. The conference asks for media through these
 * interfaces only; it never sees Janus, handles or feed ids. A test can swap in another implementation.
 */
import type {
  Candidate,
  Device,
  Jsep,
  MediaKind,
  Pc,
  Source,
  StreamChoice,
  StreamInfo,
} from "../../protocol/messages.js";

/** What the media plane tells the conference about a room. */
export interface MediaRoomSink {
  /** A new offer for `participantId`'s subscribe connection: forward it, the answer comes back via `answer`. */
  subscriberOffer(participantId: string, jsep: Jsep, streams: StreamInfo[]): void;
  /** The participant's publish connection is up (media reaches the SFU) or went down. */
  publisherState(participantId: string, up: boolean): void;
  /** The SFU heard the participant start or stop talking (audio level above threshold). */
  talking(participantId: string, talking: boolean): void;
  /** The participant's uplink (`up`) or downlink (`down`) loses packets. */
  slowLink(participantId: string, direction: "up" | "down", kind: MediaKind, lost: number): void;
}

/** Whether a participant's microphone (`audio`) and camera (`video`) are on. */
export interface DeviceState {
  audio: boolean;
  video: boolean;
}

export interface MediaRoom {
  readonly name: string;
  /**
   * Admits a participant to the room's media: it starts receiving whoever publishes, before it publishes.
   * `devices`: what it has turned on so far (see `setDevices`).
   */
  addParticipant(participantId: string, devices: DeviceState): void;
  /**
   * The participant's microphone or camera turned on or off. A microphone or camera never turned on in this
   * meeting is left out of the others' subscriptions: in a big room most microphones stay muted, and each
   * would be one more m-line, carrying nothing, in every subscriber's connection (Janus's work, and the
   * browser's, grows with them). The first time it turns on, everyone subscribes to it, and it stays.
   */
  setDevices(participantId: string, devices: DeviceState): void;
  /** Takes the participant's publish offer; resolves with the SFU's answer. */
  publish(participantId: string, offer: Jsep, sources?: { mid: string; source: Source }[]): Promise<Jsep>;
  /** Per m-line of the participant's subscription: relay it or not, and at which layer. */
  configureSubscription(participantId: string, choices: StreamChoice[]): Promise<void>;
  /** Completes the renegotiation the last `subscriberOffer` started. */
  answer(participantId: string, answer: Jsep): Promise<void>;
  /** An ICE candidate (or `null`: end of candidates) for one of the participant's two connections. */
  trickle(participantId: string, pc: Pc, candidate: Candidate | null): void;
  /**
   * Blocks (or unblocks) one of the participant's streams in the SFU: a blocked stream reaches no one,
   * whatever its sender does. Applies to the current publish connection and to any later one.
   */
  setBlocked(participantId: string, device: Device, blocked: boolean): Promise<void>;
  /** Frees everything the participant holds in the SFU; the others stop receiving it. */
  removeParticipant(participantId: string): Promise<void>;
  /** Frees the room and everything in it. */
  close(): Promise<void>;
  dump(): MediaRoomDump;
}

export interface MediaRoomDump {
  name: string;
  participants: { id: string; publishing: boolean; subscribedFeeds: number }[];
}

export interface MediaEngine {
  createRoom(name: string, sink: MediaRoomSink): Promise<MediaRoom>;
  close(): Promise<void>;
}

/**
 * Why the media plane did not do what was asked: `out_of_order`, the request came when the media state does
 * not allow it (an answer with no offer pending: the requester's mistake); `failed`, the media server refused or
 * failed it.
 */
export type MediaFailure = "out_of_order" | "failed";

/**
 * The media plane refused or failed a request: the only error that leaves `media/` (Janus's own errors are
 * turned into this one at the MediaRoom and MediaEngine boundary). `code`: the media server's error code, when
 * it gave one; its message may then quote what the client sent, so only the code is logged (log-fields.ts).
 */
export class MediaError extends Error {
  constructor(
    message: string,
    readonly failure: MediaFailure = "failed",
    readonly code?: number,
  ) {
    super(message);
    this.name = "MediaError";
  }
}
