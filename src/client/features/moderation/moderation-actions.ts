/** The moderators' requests about someone in the meeting (PROTOCOL.md, Moderation). Each resolves to success. */
import type { Device } from "../../../protocol/messages.js";
import type { MediaKind } from "../../engine/local-media.js";
import type { Room } from "../../state/room.js";

async function send(what: string, request: () => Promise<unknown>): Promise<boolean> {
  try {
    await request();
    return true;
  } catch (err) {
    // forbidden (no longer moderator), not_found (they left): the lists will catch up by themselves.
    console.warn(`palabre: ${what} not accepted`, err);
    return false;
  }
}

/** Turns off someone's microphone, camera or screen share. */
export const mute = (room: Room, participantId: string, kind: Device) =>
  send("moderate.mute", () => room.request({ type: "moderate.mute", participantId, kind }));

export const muteAll = (room: Room, kind: MediaKind) =>
  send("moderate.mute_all", () => room.request({ type: "moderate.mute_all", kind }));

export const askUnmute = (room: Room, participantId: string, kind: MediaKind) =>
  send("moderate.ask_unmute", () => room.request({ type: "moderate.ask_unmute", participantId, kind }));

/** Removes someone for the rest of the meeting; `reason`, if any, is shown to them. */
export const removeParticipant = (room: Room, participantId: string, reason?: string) =>
  send("moderate.remove", () =>
    room.request({ type: "moderate.remove", participantId, ...(reason ? { reason } : {}) }),
  );

/** Lets someone removed come back. */
export const allowBack = (room: Room, participantId: string) =>
  send("moderate.allow", () => room.request({ type: "moderate.allow", participantId }));

export const grantModerator = (room: Room, participantId: string) =>
  send("moderate.grant", () => room.request({ type: "moderate.grant", participantId }));
