/**
 * Who may send what. The table every client message is checked against before the room acts on it; `join` is
 * not here (it is what gives a connection its standing). A rule that depends on the message's content or on the
 * meeting's settings, not only on its type, is checked where they are read: lowering someone else's hand, asking
 * a poll (session/in-room.ts), closing or sharing one (conference/polls.ts: its author or a moderator).
 */
import { ErrorCode, ProtocolError } from "../../protocol/errors.js";
import type { ClientMessageType, Role } from "../../protocol/messages.js";

/** Where a connection stands in its room. */
export type Standing = Role | "lobby";

type Action = Exclude<ClientMessageType, "join" | "room.peek">;

const EVERYONE_IN_LOBBY: ReadonlySet<Action> = new Set(["lobby.cancel", "leave", "ping"]);

const MODERATORS_ONLY: ReadonlySet<Action> = new Set([
  "lobby.admit",
  "lobby.deny",
  "lobby.admit_all",
  "room.configure",
  "moderate.mute",
  "moderate.mute_all",
  "moderate.ask_unmute",
  "moderate.remove",
  "moderate.grant",
  "moderate.allow",
  "hand.lower_all",
  "floor.give",
  "speakers.stats",
  "breakout.create",
  "breakout.remove",
  "breakout.assign",
  "breakout.shuffle",
  "breakout.configure",
  "breakout.open",
  "breakout.broadcast",
  "breakout.close",
]);

/** Throws `forbidden` unless a connection with this standing may send this message. */
export function authorize(standing: Standing, action: Action): void {
  if (standing === "lobby") {
    if (!EVERYONE_IN_LOBBY.has(action)) {
      throw new ProtocolError(
        ErrorCode.Forbidden,
        "you are waiting in the lobby: a moderator must let you in first",
      );
    }
    return;
  }
  if (action === "lobby.cancel")
    throw new ProtocolError(ErrorCode.Forbidden, "you are not waiting in the lobby");
  if (MODERATORS_ONLY.has(action) && standing !== "moderator") {
    throw new ProtocolError(ErrorCode.Forbidden, `only moderators may send '${action}'`);
  }
}
