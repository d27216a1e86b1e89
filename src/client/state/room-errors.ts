/** Turns a failure into something the error screen can say in the participant's language. */
import { ErrorCode } from "../../protocol/errors.js";
import { type FailureCode, SignalError } from "../signal/signal-client.js";
import type { PasswordPrompt, RoomError } from "./room-state.js";

export function roomErrorOf(err: unknown): RoomError {
  if (!(err instanceof SignalError)) {
    return { key: "error.generic", detail: err instanceof Error ? err.message : String(err) };
  }
  const detail = err.message;
  switch (err.code) {
    case ErrorCode.RoomFull:
      return { key: "error.roomFull", detail };
    case ErrorCode.LobbyFull:
      return { key: "error.lobbyFull", detail };
    case ErrorCode.Removed:
      return { key: "error.removed", detail };
    case ErrorCode.MediaFailed:
    case ErrorCode.Unavailable:
      return { key: "error.mediaFailed", detail };
    case ErrorCode.UnsupportedVersion:
      return { key: "error.outdated", detail };
    case ErrorCode.BadMessage:
      // The only field a person controls in a request is a name (theirs or the meeting's).
      return { key: "error.badName", detail };
    case ErrorCode.RateLimited:
      return { key: "error.rateLimited", detail };
    case "timeout":
      return { key: "error.timeout", detail };
    case "closed":
      return { key: "error.connectionLost", detail };
    default:
      return { key: "error.generic", detail };
  }
}

/** What a failure is, as a code (null: not a protocol failure, e.g. a browser error). */
export function codeOf(err: unknown): FailureCode | null {
  return err instanceof SignalError ? err.code : null;
}

/** A join refused for its password: what to tell the person at the prompt (null: another refusal). */
export function passwordReason(err: unknown): PasswordPrompt["reason"] | null {
  switch (codeOf(err)) {
    case ErrorCode.PasswordRequired:
      return "required";
    case ErrorCode.PasswordWrong:
      return "wrong";
    case ErrorCode.TooManyAttempts:
      return "tooMany";
    default:
      return null;
  }
}
