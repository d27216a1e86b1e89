/**
 * Local recording (PROTOCOL.md "Local recording"): a browser records the meeting to a file on its own
 * machine, and says so, so that everyone sees it. The server cannot see such a recording, and cannot stop
 * one: it shows what each browser says, and refuses to let one start while the meeting forbids recording.
 * A flag is never cleared behind the recorder's back (when the setting goes off, say): a browser that went on
 * recording would then record unseen. Well-behaved browsers stop on `room.updated` and say so.
 */
import { ErrorCode, ProtocolError } from "../../protocol/errors.js";
import type { Participant } from "./participant.js";
import type { Room } from "./room.js";

export function setRecording(room: Room, p: Participant, on: boolean): void {
  if (on && !p.recording && !room.settings().recordingAllowed)
    throw new ProtocolError(ErrorCode.Forbidden, "recording is not allowed in this meeting");
  if (p.recording === on) return;
  p.recording = on;
  room.broadcast({ type: "participant.updated", participant: p.info() });
}
