/**
 * The rules of the protocol's free text (chat, names, reasons) that the browser applies too, before sending:
 * plain functions and patterns, so that the browser gets them without valibot (common.ts builds the schemas
 * on them; the server parses with those).
 */
import { Limits } from "./limits.js";

/** Finds a run of more combining marks than UAX #15's stream-safe format allows; linear (≤ 31 steps a char). */
export const LONG_MARK_RUN = new RegExp(`\\p{M}{${Limits.combiningMarksMaxRun + 1}}`, "u");

/**
 * Refuses a lone surrogate (sent as a JSON escape such as "\ud800"): it is no Unicode character, and Janus's
 * JSON parser drops a request holding one without answering (see WellFormed in common.ts).
 */
export const LONE_SURROGATE = /\p{Cs}/u;

// Chat text keeps line breaks and tabs; other control characters and bidi overrides are removed.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
export const CHAT_STRIP = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/gu;

/** Room names: letters (any script), digits, `-`, `_`, `.`. */
export const ROOM_NAME = /^[\p{L}\p{N}_.-]+$/u;

/** `raw` trimmed if it is a valid room name (common.ts's RoomNameSchema, without its lower-casing), else null. */
export function roomNameOf(raw: string): string | null {
  if (raw.length > Limits.roomMaxInputChars) return null;
  const name = raw.trim();
  return name.length >= 1 && name.length <= Limits.roomMaxChars && ROOM_NAME.test(name) ? name : null;
}

/** A chat message as it is kept: NFC, stripped of control characters and bidi overrides, trimmed. */
export function cleanChatText(s: string): string {
  return s.normalize("NFC").replace(CHAT_STRIP, "").trim();
}

/**
 * A chat message as the server will keep it, or why it would refuse it: the same checks, in the same order,
 * as common.ts's ChatTextSchema (a unit test holds them to agree).
 */
export function checkChatText(
  raw: string,
): { text: string } | { problem: "empty" | "tooLong" | "unsendable" } {
  if (raw.length > Limits.chatMaxChars) return { problem: "tooLong" };
  if (LONE_SURROGATE.test(raw) || LONG_MARK_RUN.test(raw)) return { problem: "unsendable" };
  const text = cleanChatText(raw);
  return text.length === 0 ? { problem: "empty" } : { text };
}

/** The reactions everyone can send; anything else is refused, so no one can flood screens with text. */
export const REACTIONS = ["👍", "👏", "😂", "😮", "❤️", "🎉", "🤔", "👋"] as const;
export type Reaction = (typeof REACTIONS)[number];
