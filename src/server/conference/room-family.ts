/**
 * What a room asks of the meeting it belongs to, once the meeting has breakout rooms (breakouts.ts is the one
 * implementation). A room without a family is a meeting of its own, as before breakout rooms existed.
 */
import type { ServerMessage } from "../../protocol/messages.js";
import type { Grant } from "./grants.js";

/** The rooms of a family, as the family sees them (room.ts's Room is one). */
export interface FamilyMember {
  readonly size: number;
  readonly closed: boolean;
}

export interface RoomFamily<R extends FamilyMember = FamilyMember> {
  /** The meeting itself: its lobby, password, settings and moderators' lists hold for all its rooms. */
  readonly main: R;
  /**
   * Whether `room` has a moderator elsewhere in the meeting: always, for a breakout room (nobody is made
   * moderator there); for the meeting, when one is in a breakout room.
   */
  moderatorElsewhere(room: R): boolean;
  /** Whether `room` stays open though nobody is in it (breakout rooms exist, and someone is in one). */
  keepsOpen(room: R): boolean;
  /** Someone entered or left `room`. */
  membershipChanged(room: R): void;
  /**
   * `room` closed with `code`: the meeting's closing closes its breakout rooms (with the same code: a meeting
   * that moves to another node moves with them); the last room's closing, the meeting.
   */
  roomClosed(room: R, code: number): void;
  /**
   * From the meeting, also tells those in its breakout rooms (`moderators`: only them): its lobby and its
   * settings are theirs too. From a breakout room, nothing.
   */
  elsewhere(room: R, message: ServerMessage, to: { moderators: boolean }): void;
  /** The grant presented to enter `room`, used up (`forbidden` if none matches). */
  redeem(token: string, room: R): Grant<R>;
  /** A participant entered with `grant`: it leaves the room it came from (before it is attached anew). */
  leaving(grant: Grant<R>): void;
}
