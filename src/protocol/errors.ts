/**
 * Error codes carried by `error` messages. Stable strings: clients switch on them,
 * so never rename one; add new ones instead. PROTOCOL.md lists what each means.
 */
export const ErrorCode = {
  /** The frame was not valid JSON text. */
  BadJson: "bad_json",
  /** The JSON did not match the schema of its `type` (missing, mistyped or extra-long field). */
  BadMessage: "bad_message",
  /** `type` names no message this server knows. */
  UnknownType: "unknown_type",
  /** `join` carried a protocol version this server does not speak. */
  UnsupportedVersion: "unsupported_version",
  /** Too many messages: this one was dropped. */
  RateLimited: "rate_limited",
  /** The message needs a joined participant and this connection has not joined. */
  NotJoined: "not_joined",
  /** `join` sent twice on one connection. */
  AlreadyJoined: "already_joined",
  /** The sender's role does not allow this action. */
  Forbidden: "forbidden",
  /** The message came at a moment it makes no sense (e.g. an answer with no offer pending). */
  BadState: "bad_state",
  /** The media server refused or failed the request. */
  MediaFailed: "media_failed",
  /** The room is locked and `join` carried no password. */
  PasswordRequired: "password_required",
  /** The room is locked and `join` carried the wrong password. */
  PasswordWrong: "password_wrong",
  /** Too many wrong passwords, or too many requests of one kind (hands, reactions…): wait and try again. */
  TooManyAttempts: "too_many_attempts",
  /** The participant named in the request is not in the room (or not in its lobby). */
  NotFound: "not_found",
  /** The resume token is unknown or expired: join as a new participant. */
  ResumeExpired: "resume_expired",
  /** As many people share their screen as the room allows. */
  ShareLimit: "share_limit",
  /** The meeting holds as many polls as it may (`Limits.pollsPerMeeting`). */
  PollLimit: "poll_limit",
  /** The meeting has as many breakout rooms as it may (`Limits.breakoutRooms`). */
  BreakoutLimit: "breakout_limit",
  /** The room has reached its participant limit. */
  RoomFull: "room_full",
  /** The lobby holds as many waiters as it may (in all, or from the sender's network). */
  LobbyFull: "lobby_full",
  /** A moderator removed this browser from this meeting; only a moderator can let it back. */
  Removed: "removed",
  /** The cluster cannot place the meeting right now (Redis or the meeting's node unreachable): retry shortly. */
  Unavailable: "unavailable",
  /** Something broke on the server; the room is unchanged. */
  Internal: "internal",
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** An error meant to reach the client as an `error` message with this code. */
export class ProtocolError extends Error {
  readonly code: ErrorCode;
  /** For limits: how long until a retry can succeed. */
  readonly retryAfterMs: number | undefined;

  constructor(code: ErrorCode, message: string, retryAfterMs?: number) {
    super(message);
    this.name = "ProtocolError";
    this.code = code;
    this.retryAfterMs = retryAfterMs;
  }
}

/** WebSocket close codes the server uses (RFC 6455 §7.4.1 plus the 4000-4999 private range). */
export const CloseCode = {
  Normal: 1000,
  GoingAway: 1001,
  /**
   * The node serving the meeting stopped or was lost (a cluster, README "Many machines"): reconnect and
   * resume; the meeting goes on on another node.
   */
  ServiceRestart: 1012,
  /** Frame larger than the limit. */
  TooLarge: 1009,
  /** The participant left or was removed; do not reconnect automatically. */
  Left: 4000,
  /** The connection never joined within the join timeout. */
  JoinTimeout: 4001,
  /** The media server restarted: the call ended, the client may join again. */
  MediaLost: 4002,
  /** A moderator refused entry from the lobby. */
  Denied: 4003,
  /** A moderator removed the participant from the meeting. */
  Removed: 4004,
  /** The meeting ended (everyone inside left) while this connection waited in the lobby. */
  MeetingEnded: 4005,
  /** The participant moved to another room of the meeting (a breakout room, or back): it is there now. */
  Moved: 4006,
} as const;
