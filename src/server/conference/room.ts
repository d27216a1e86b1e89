/**
 * A meeting: who is in it, what they may do, what everyone is told. Pure conference logic: it reaches
 * participants through the Router and media through the MediaRoom interface, never sockets or Janus.
 * Closing a room closes its media and ends every participant's connection.
 */

import { ErrorCode, ProtocolError } from "../../protocol/errors.js";
import type { Candidate, Jsep, LeaveReason, Pc, ServerMessage, StreamInfo } from "../../protocol/messages.js";
import { logger } from "../logger.js";
import type { MediaRoom, MediaRoomSink } from "../media/media-room.js";
import type { Router } from "../routing/router.js";
import { Participant } from "./participant.js";

const log = logger("room");

export interface RoomOptions {
  maxParticipants: number;
  /** Called once, when the last participant has left or the room was closed. */
  onClosed: (room: Room) => void;
}

export interface RoomDump {
  name: string;
  participants: number;
  moderators: number;
  media: ReturnType<MediaRoom["dump"]> | null;
}

export class Room implements MediaRoomSink {
  readonly name: string;
  readonly #router: Router;
  readonly #options: RoomOptions;
  readonly #participants = new Map<string, Participant>();
  #media: MediaRoom | undefined;
  #closed = false;

  constructor(name: string, router: Router, options: RoomOptions) {
    this.name = name;
    this.#router = router;
    this.#options = options;
  }

  /** Gives the room its media once the media plane has created it. */
  attachMedia(media: MediaRoom): void {
    this.#media = media;
  }

  get size(): number {
    return this.#participants.size;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Adds a participant; the first one in becomes moderator. Tells the others. */
  join(name: string, now = Date.now(), devices = { audio: true, video: true }): Participant {
    if (this.#closed) throw new ProtocolError(ErrorCode.Internal, "room is closing; try again");
    if (this.#participants.size >= this.#options.maxParticipants) {
      throw new ProtocolError(ErrorCode.RoomFull, "this meeting is full");
    }
    const role = this.#hasModerator() ? "participant" : "moderator";
    const participant = new Participant(name, role, now);
    participant.audio = devices.audio;
    participant.video = devices.video;
    this.#broadcast({ type: "participant.joined", participant: participant.info() });
    this.#participants.set(participant.id, participant);
    return participant;
  }

  /** Everyone but `participantId`, for the `joined` reply. */
  othersOf(participantId: string) {
    return [...this.#participants.values()].filter((p) => p.id !== participantId).map((p) => p.info());
  }

  /** Starts the participant's subscription (it receives whoever publishes). Call after `joined` was sent. */
  startMedia(participantId: string): void {
    this.#require(participantId);
    this.#mediaRoom().addParticipant(participantId);
  }

  async publish(participantId: string, offer: Jsep): Promise<Jsep> {
    this.#require(participantId);
    return this.#mediaRoom().publish(participantId, offer);
  }

  async answerSubscriber(participantId: string, answer: Jsep): Promise<void> {
    this.#require(participantId);
    await this.#mediaRoom().answer(participantId, answer);
  }

  trickle(participantId: string, pc: Pc, candidate: Candidate | null): void {
    this.#require(participantId);
    this.#mediaRoom().trickle(participantId, pc, candidate);
  }

  setMediaState(participantId: string, audio: boolean, video: boolean): void {
    const p = this.#require(participantId);
    if (p.audio === audio && p.video === video) return;
    p.audio = audio;
    p.video = video;
    this.#broadcast({ type: "participant.updated", participant: p.info() });
  }

  /** Removes a participant and tells the others; the last one out closes the room. */
  leave(participantId: string, reason: LeaveReason): void {
    const p = this.#participants.get(participantId);
    if (!p) return;
    this.#participants.delete(participantId);
    this.#media
      ?.removeParticipant(participantId)
      .catch((err) => log.warn("media removal failed", { err: String(err) }));
    this.#broadcast({ type: "participant.left", participantId, reason });
    if (this.#participants.size === 0) {
      void this.close();
      return;
    }
    if (p.role === "moderator" && !this.#hasModerator()) this.#promoteLongestPresent();
  }

  /** Ends the meeting for everyone: connections closed with `code`, media freed. */
  async close(code?: number, reason = "room closed"): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const ids = [...this.#participants.keys()];
    this.#participants.clear();
    if (code !== undefined) for (const id of ids) this.#router.disconnect(id, code, reason);
    this.#options.onClosed(this);
    await this.#media?.close();
  }

  dump(): RoomDump {
    return {
      name: this.name,
      participants: this.#participants.size,
      moderators: [...this.#participants.values()].filter((p) => p.role === "moderator").length,
      media: this.#media?.dump() ?? null,
    };
  }

  // MediaRoomSink

  subscriberOffer(participantId: string, jsep: Jsep, streams: StreamInfo[]): void {
    if (!this.#participants.has(participantId)) return;
    this.#router.deliver(participantId, { type: "subscribe.offer", jsep, streams });
  }

  publisherState(participantId: string, up: boolean): void {
    log.debug("publisher state", { participantId, up });
  }

  // internals

  #require(participantId: string): Participant {
    const p = this.#participants.get(participantId);
    if (!p) throw new ProtocolError(ErrorCode.NotJoined, "you are not in this room");
    return p;
  }

  #mediaRoom(): MediaRoom {
    if (!this.#media) throw new ProtocolError(ErrorCode.MediaFailed, "media is not available for this room");
    return this.#media;
  }

  #hasModerator(): boolean {
    for (const p of this.#participants.values()) if (p.role === "moderator") return true;
    return false;
  }

  /** The room is never left without a moderator while someone is in it. */
  #promoteLongestPresent(): void {
    let oldest: Participant | undefined;
    for (const p of this.#participants.values()) if (!oldest || p.joinedAt < oldest.joinedAt) oldest = p;
    if (!oldest) return;
    oldest.role = "moderator";
    this.#broadcast({ type: "participant.updated", participant: oldest.info() });
  }

  #broadcast(message: ServerMessage): void {
    for (const id of this.#participants.keys()) this.#router.deliver(id, message);
  }
}
