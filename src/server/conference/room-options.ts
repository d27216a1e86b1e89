/** What a Room is given when it is made, and what its dump() says (conference.ts makes rooms). */
import type { IceServer, ServerMessage } from "../../protocol/messages.js";
import type { MediaRoom } from "../media/media-room.js";
import type { Room } from "./room.js";

export interface RoomOptions {
  maxParticipants: number;
  /** People waiting in the lobby, and of those, from one client address (counted apart from participants). */
  maxWaiting: number;
  maxWaitingPerAddress: number;
  /**
   * How long the role of a moderator whose connection dropped waits for them (a reload, a network change)
   * before passing to the longest-present participant; 0: at once.
   */
  moderatorReturnMs: number;
  /** The ICE servers for one participant's peer connections (TURN credentials of its own, if any). */
  iceServers: () => IceServer[];
  /** Keep public chat for latecomers. */
  chatHistory: boolean;
  /** New rooms start with the lobby on. */
  lobbyByDefault: boolean;
  /** Lower a raised hand once its owner has talked this long; 0: never. */
  handAutoLowerMs: number;
  /** How many participants may share a screen at once. */
  maxScreenShares: number;
  /** Called once, when the last participant has left or the room was closed. */
  onClosed: (room: Room) => void;
  /**
   * Called when something of the meeting's state changed (someone came or left, a setting, the chat, the
   * hands, a role): a cluster keeps a snapshot of it for the node that would take the meeting over.
   */
  onChange?: ((room: Room) => void) | undefined;
}

/** What a room's dump() says (the media's own dump included). */
export function dumpRoom(
  room: Pick<Room, "name" | "participants" | "lobby" | "hands">,
  media: MediaRoom | undefined,
): RoomDump {
  const people = [...room.participants()];
  return {
    name: room.name,
    participants: people.length,
    moderators: people.filter((p) => p.role === "moderator").length,
    waiting: room.lobby.size,
    hands: room.hands.list().length,
    media: media?.dump() ?? null,
  };
}

export interface RoomDump {
  name: string;
  participants: number;
  moderators: number;
  waiting: number;
  hands: number;
  media: ReturnType<MediaRoom["dump"]> | null;
}

/** The messages that tell of a change in the meeting's state (see RoomOptions.onChange). */
export const STATE_MESSAGES: ReadonlySet<ServerMessage["type"]> = new Set([
  "joined",
  "participant.joined",
  "participant.left",
  "participant.updated",
  "room.updated",
  "chat.message",
  "hands",
  "poll",
  "lobby.knock",
  "lobby.resolved",
  "barred.list",
  "breakouts",
]);
