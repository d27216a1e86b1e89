/** Every message the server sends (protocol version 1). The server builds them; clients trust their shape. */
import type { Device, Jsep, MediaKind, Reaction, Source } from "./common.js";
import type { ErrorCode } from "./errors.js";

export type Role = "moderator" | "participant";

/** What everyone in a room knows about one participant. */
export interface ParticipantInfo {
  id: string;
  name: string;
  role: Role;
  /** Microphone on (sending audio). */
  audio: boolean;
  /** Camera on (sending video). */
  video: boolean;
  /** Sharing a screen. */
  screen: boolean;
  /** Recording the meeting on their own machine, as their browser says (PROTOCOL.md "Local recording"). */
  recording: boolean;
}

/** One m-line of the subscriber connection: which participant's which track arrives on it. */
export interface StreamInfo {
  mid: string;
  participantId: string;
  kind: MediaKind;
  source: Source;
}

export interface IceServer {
  urls: string[];
  username?: string;
  credential?: string;
}

/** What every participant knows of the room's settings. */
export interface RoomSettings {
  /** Newcomers wait in the lobby until a moderator admits them. */
  lobby: boolean;
  /** Newcomers need the password. */
  locked: boolean;
  /** Media is end-to-end encrypted: browsers encrypt every frame with keys the server never sees. */
  e2ee: boolean;
  /** Anyone may ask a poll (otherwise moderators only). */
  pollsByAnyone: boolean;
  /** Participants may record the meeting on their own machine. */
  recordingAllowed: boolean;
}

/** How long one person of the room has been shown speaking (PROTOCOL.md "Speaker statistics"). */
export interface SpeakerStat {
  participantId: string;
  name: string;
  /** Milliseconds shown speaking in this room, the current turn included. */
  ms: number;
  /** Still in the room (those who left keep their time). */
  present: boolean;
}

/** Someone waiting in the lobby, as moderators see them. */
export interface LobbyEntry {
  id: string;
  name: string;
  /** When they knocked (ms since the epoch, server clock). */
  since: number;
}

export interface ChatMessage {
  id: string;
  from: string;
  fromName: string;
  text: string;
  /** ms since the epoch, server clock */
  at: number;
  /** The sender's `chat.send.clientId`, so the sender can match the server's copy to what it sent. */
  clientId: string;
  /** Present on private messages: the recipient. */
  to?: string;
  toName?: string;
  /** A poll's results shared by its author or a moderator (`poll.share`); `text` is then its question. */
  poll?: Poll;
}

/** A poll, as everyone in the meeting sees it. */
export interface Poll {
  id: string;
  question: string;
  options: string[];
  multiple: boolean;
  anonymous: boolean;
  /** Who asked it (participant id and name). */
  by: string;
  byName: string;
  /** ms since the epoch, server clock */
  at: number;
  closed: boolean;
  /** How many chose each answer, in the order of `options`. */
  votes: number[];
  /** How many people voted. */
  voters: number;
  /** Unless anonymous: the names of those who chose each answer, in the order they voted. */
  names?: string[][];
  /** In `joined` only: what the participant receiving it chose (absent: they have not voted). */
  mine?: number[];
}

/** Someone removed from the meeting, as moderators see them. */
export interface BarredEntry {
  /** Their participant id when they were removed. */
  id: string;
  name: string;
  /** When (ms since the epoch, server clock). */
  at: number;
}

/** A raised hand; the queue is in the order hands were raised. */
export interface HandEntry {
  participantId: string;
  raisedAt: number;
}

export type LeaveReason = "left" | "disconnected" | "removed" | "media_failed" | "moved";

/** A meeting's breakout rooms, as everyone in it and in them sees them (a type: the bots index messages). */
export type BreakoutsState = {
  rooms: { id: string; name: string; people: { id: string; name: string }[] }[];
  open: boolean;
  allowMove: boolean;
  /** When the rooms close (ms since the epoch, server clock), or null. */
  closingAt: number | null;
  /** Participant id → breakout room id. */
  assigned: Record<string, string>;
};
export type LobbyOutcome = "admitted" | "denied" | "cancelled" | "left";

type Reply = { id?: number };

export type ServerMessage =
  // the call
  | (Reply & {
      type: "joined";
      you: ParticipantInfo;
      room: string;
      participants: ParticipantInfo[];
      iceServers: IceServer[];
      settings: RoomSettings;
      /** Public chat since the room started (empty when the server keeps none). */
      chat: ChatMessage[];
      hands: HandEntry[];
      /** The meeting's polls, oldest first, each with `mine` when the participant voted. */
      polls: Poll[];
      /** Present this token as `join.resume` after a lost connection to come back as the same participant. */
      resume: string;
    })
  | { type: "participant.joined"; participant: ParticipantInfo }
  | { type: "participant.updated"; participant: ParticipantInfo }
  | { type: "participant.left"; participantId: string; reason: LeaveReason }
  | (Reply & { type: "publish.answer"; jsep: Jsep })
  /** The media server was lost: close both peer connections and wait; the meeting itself goes on. */
  | { type: "media.lost" }
  /** The media server is back: publish again (a new offer); a new `subscribe.offer` follows. */
  | { type: "media.restored" }
  | { type: "subscribe.offer"; jsep: Jsep; streams: StreamInfo[] }
  // lobby and settings
  | (Reply & { type: "lobby.waiting"; room: string })
  | { type: "lobby.denied" }
  | { type: "lobby.list"; entries: LobbyEntry[] }
  | { type: "lobby.knock"; entry: LobbyEntry }
  | { type: "lobby.resolved"; participantId: string; outcome: LobbyOutcome }
  | { type: "room.updated"; settings: RoomSettings }
  // moderation
  | { type: "moderation.muted"; kind: Device; by: string }
  | { type: "moderation.unmute_request"; kind: MediaKind; by: string }
  | { type: "moderation.removed"; by: string; reason?: string }
  /** To moderators: who was removed (their browser may not come back until allowed). */
  | { type: "barred.list"; entries: BarredEntry[] }
  // chat, hands, reactions
  | { type: "chat.message"; message: ChatMessage }
  | { type: "hands"; queue: HandEntry[] }
  | { type: "floor.given"; by: string; askUnmute: boolean }
  /** A poll was asked, voted on (gathered: at most a few a second) or closed: its whole state. */
  | { type: "poll"; poll: Poll }
  // breakout rooms
  | ({ type: "breakouts" } & BreakoutsState)
  /** Go to another room of the meeting: `join` again with this grant (`breakout` null: the meeting itself). */
  | { type: "breakout.move"; breakout: string | null; grant: string }
  /** A moderator's word to every room. */
  | { type: "breakout.notice"; from: string; fromName: string; text: string; at: number }
  /** Another browser's end-to-end encryption message, relayed as sent (`from`: who sent it). */
  | { type: "e2ee.signal"; from: string; payload: string }
  | { type: "reaction"; participantId: string; emoji: Reaction }
  // media quality
  | { type: "speaking"; participantId: string; speaking: boolean }
  | { type: "connection.slow"; direction: "up" | "down"; kind: MediaKind; lost: number }
  // generic replies
  | (Reply & { type: "ok" })
  | (Reply & { type: "pong" })
  /** The answer to `room.peek`: how many people are in the meeting now (0 if it does not exist). */
  | (Reply & { type: "room.info"; participants: number })
  /** The answer to `speakers.stats` (moderators): everyone who talked in the room, most first. */
  | (Reply & { type: "speaker.stats"; entries: SpeakerStat[] })
  | (Reply & { type: "error"; code: ErrorCode; message: string; retryAfterMs?: number });

export type ServerMessageType = ServerMessage["type"];
export type ServerMessageOf<K extends ServerMessageType> = Extract<ServerMessage, { type: K }>;
