/**
 * What moderators do to others. Callers have already checked that `by` is a moderator (permissions.ts);
 * these functions check the target and act. Nobody can be unmuted remotely: a moderator can only ask.
 */
import { CloseCode, ErrorCode, ProtocolError } from "../../protocol/errors.js";
import type { Device, MediaKind } from "../../protocol/messages.js";
import type { Participant } from "./participant.js";
import type { Room } from "./room.js";

/** Turns a participant's microphone or camera off, on their screen and in the media server. */
export function mute(room: Room, by: Participant, targetId: string, kind: Device): void {
  muteOne(room, by, room.target(targetId), kind);
}

export function muteAll(room: Room, by: Participant, kind: Device): void {
  for (const p of [...room.participants()]) if (p.id !== by.id) muteOne(room, by, p, kind);
}

export function askUnmute(room: Room, by: Participant, targetId: string, kind: MediaKind): void {
  const target = room.target(targetId);
  room.send(target.id, { type: "moderation.unmute_request", kind, by: by.id });
}

/**
 * Removes someone for the rest of the meeting: their browser (its key for this meeting) may not come back
 * until a moderator allows it, and `reason`, if any, is shown to them.
 */
export function remove(room: Room, by: Participant, targetId: string, reason?: string): void {
  const target = room.target(targetId);
  if (target.id === by.id) throw new ProtocolError(ErrorCode.BadState, "to leave, hang up");
  // From a breakout room too, the removal holds for the whole meeting.
  const meeting = room.family?.main ?? room;
  meeting.barred.add(target);
  meeting.toModerators({ type: "barred.list", entries: meeting.barred.list() });
  room.send(target.id, { type: "moderation.removed", by: by.id, ...(reason ? { reason } : {}) });
  // 'removed' is not remembered for resume: the removed participant cannot slip back in.
  room.leave(target.id, "removed");
  room.disconnect(target.id, CloseCode.Removed, "removed by a moderator");
}

/** Lets someone removed come back. */
export function allow(room: Room, barredId: string): void {
  const meeting = room.family?.main ?? room;
  if (!meeting.barred.allow(barredId))
    throw new ProtocolError(ErrorCode.NotFound, "nobody removed has this id");
  meeting.toModerators({ type: "barred.list", entries: meeting.barred.list() });
}

export function grant(room: Room, targetId: string): void {
  room.promote(room.target(targetId));
}

function muteOne(room: Room, by: Participant, target: Participant, kind: Device): void {
  target.blocked.add(kind);
  room.setBlocked(target, kind, true);
  room.send(target.id, { type: "moderation.muted", kind, by: by.id });
  if (!target[kind]) return;
  target[kind] = false;
  room.broadcast({ type: "participant.updated", participant: target.info() });
}
