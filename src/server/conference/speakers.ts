/**
 * Who is speaking in a room, as everyone is told (`speaking`), and the raised hand that lowers itself once its
 * owner has talked long enough (HAND_AUTO_LOWER_SECONDS).
 *
 * What the media server last said is kept apart from what is shown. Janus says "talking" only when its state
 * flips, judging by the packets it gets; a muted microphone sends none, so Janus keeps its last word through a
 * mute, and someone muted mid-sentence who unmutes still talking gets no new "talking" from it. Their unmute
 * brings that word back (`show`).
 */
import type { ServerMessage } from "../../protocol/messages.js";
import type { HandQueue } from "./hands.js";
import type { Participant } from "./participant.js";
import { SpeakerStats } from "./speaker-stats.js";

/** What the speakers need of their room (room.ts's Room is one). */
export interface SpeakersRoom {
  readonly hands: HandQueue;
  readonly options: { readonly handAutoLowerMs: number };
  participant(id: string): Participant | undefined;
  broadcast(message: ServerMessage): void;
  broadcastHands(): void;
}

export class Speakers {
  readonly #room: SpeakersRoom;
  /** Who is shown speaking now, so a newcomer is told at once rather than at the next change. */
  readonly #speaking = new Set<string>();
  /** Whom the media server last said is talking, muted or not. */
  readonly #heard = new Set<string>();
  readonly #handTimers = new Map<string, NodeJS.Timeout>();
  /** How long each has been shown speaking, for moderators (speaker-stats.ts). */
  readonly stats = new SpeakerStats();

  constructor(room: SpeakersRoom) {
    this.#room = room;
  }

  /** Who is shown speaking now. */
  get now(): ReadonlySet<string> {
    return this.#speaking;
  }

  /** The media server heard `participantId` start or stop talking. */
  heard(participantId: string, talking: boolean): void {
    const p = this.#room.participant(participantId);
    if (!p) return;
    if (talking) this.#heard.add(participantId);
    else this.#heard.delete(participantId);
    this.show(p);
    this.#lowerHandLater(participantId, talking);
  }

  /**
   * Tells everyone when `p` starts or stops speaking: heard talking by the media server with the microphone on
   * (a muted microphone is not "speaking", whatever trickles through before the mute takes effect). Called
   * again after `p`'s microphone switched.
   */
  show(p: Participant): void {
    const speaking = p.audio && this.#heard.has(p.id);
    if (speaking === this.#speaking.has(p.id)) return;
    if (speaking) this.#speaking.add(p.id);
    else this.#speaking.delete(p.id);
    if (speaking) this.stats.started(p.id, p.name, Date.now());
    else this.stats.stopped(p.id, Date.now());
    this.#room.broadcast({ type: "speaking", participantId: p.id, speaking });
  }

  /** A hand went up while its owner may be talking already (Janus will not say "talking" again). */
  handRaised(participantId: string): void {
    if (this.#speaking.has(participantId)) this.#lowerHandLater(participantId, true);
  }

  /** `participantId` left: nothing of them is kept but their speaking time. */
  forget(participantId: string): void {
    this.#stopHandTimer(participantId);
    // Stopped speaking when they left; their time stays (they talked in this meeting).
    this.stats.stopped(participantId, Date.now());
    this.#speaking.delete(participantId);
    this.#heard.delete(participantId);
  }

  /** The media server was lost: nobody is speaking, and the new one starts from silence. */
  reset(): void {
    for (const id of this.#speaking) {
      this.stats.stopped(id, Date.now());
      this.#room.broadcast({ type: "speaking", participantId: id, speaking: false });
    }
    this.#speaking.clear();
    this.#heard.clear();
  }

  close(): void {
    for (const timer of this.#handTimers.values()) clearTimeout(timer);
    this.#handTimers.clear();
  }

  #lowerHandLater(participantId: string, talking: boolean): void {
    const limit = this.#room.options.handAutoLowerMs;
    if (limit <= 0) return;
    this.#stopHandTimer(participantId);
    if (!talking || !this.#room.hands.isRaised(participantId)) return;
    const timer = setTimeout(() => {
      this.#handTimers.delete(participantId);
      if (this.#room.hands.lower(participantId)) this.#room.broadcastHands();
    }, limit);
    timer.unref();
    this.#handTimers.set(participantId, timer);
  }

  #stopHandTimer(id: string): void {
    clearTimeout(this.#handTimers.get(id));
    this.#handTimers.delete(id);
  }
}
