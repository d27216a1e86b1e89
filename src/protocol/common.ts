/** Field schemas and limits shared by the messages of the signaling protocol. */
import * as v from "valibot";
import { Limits } from "./limits.js";
import { CHAT_STRIP, cleanChatText, LONE_SURROGATE, LONG_MARK_RUN, REACTIONS, ROOM_NAME } from "./text.js";

// The plain values live apart, so that the browser can take them without valibot (limits.ts, text.ts).
export { Limits, PROTOCOL_VERSION } from "./limits.js";
export { REACTIONS, type Reaction } from "./text.js";

/**
 * An array of `item` with `min` to `max` elements. The length is checked before any element is parsed:
 * valibot's `pipe(array(item), maxLength(n))` parses every element first, and a 500 KiB array of bad
 * elements cost it 400 ms of issues.
 */
export function boundedArray<TItem extends v.GenericSchema>(item: TItem, min: number, max: number) {
  return v.pipe(
    // Typed as the array it will be, so that clients building messages (ClientMessageInput) keep the check.
    v.custom<v.InferInput<TItem>[]>((input) => Array.isArray(input), "expected an array"),
    v.check(
      (input) => input.length >= min && input.length <= max,
      (issue) => `expected ${min} to ${max} items, received ${issue.input.length}`,
    ),
    v.array(item),
  );
}

/** Refuses text NFC would take quadratic time on; to run before any `normalize`. */
const streamSafe = (what: string) =>
  v.check(
    (s: string) => !LONG_MARK_RUN.test(s),
    `${what} holds more than ${Limits.combiningMarksMaxRun} combining marks in a row`,
  );

/**
 * Refuses a lone surrogate (sent as a JSON escape such as "\ud800"): it is no Unicode character, and Janus's
 * JSON parser drops a request holding one without answering, so a publish carrying one in its SDP held its
 * sender's messages 10 s, until the server's Janus timeout (found by test/integration/fuzz.test.ts).
 */
export const WellFormed = v.check((s: string) => !LONE_SURROGATE.test(s), "not well-formed Unicode");

/**
 * Refuses NUL in what is forwarded to Janus (SDPs, candidates, mids): its JSON parser drops a request holding
 * one unanswered, as with a lone surrogate (found by the fuzz test too). No SDP, candidate or mid holds one
 * (RFC 8866 §9, RFC 8839 §5.1).
 */
const NoNul = v.check((s: string) => !s.includes("\u0000"), "holds a NUL character");

// ── Shared pieces ────────────────────────────────────────────────────────────────────────────

/** Room names: letters (any script), digits, `-`, `_`, `.`; compared case-insensitively. */
export const RoomNameSchema = v.pipe(
  v.string(),
  v.maxLength(Limits.roomMaxInputChars, "room name too long"),
  v.trim(),
  v.minLength(1, "room name is empty"),
  v.maxLength(Limits.roomMaxChars, "room name too long"),
  v.regex(ROOM_NAME, "room name may hold letters, digits, '-', '_' and '.' only"),
  v.toLowerCase(),
);

// Control characters (C0, DEL, C1) and bidi overrides have no place in a display name.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
const FORBIDDEN_NAME_CHARS = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u;

/**
 * Characters that show nothing: format characters (zero-width space, word joiner, soft hyphen, direction
 * marks…) and the blank "letters" (Hangul fillers, the braille blank). In a name they only help pass it off as
 * another ("Ad\u200bmin" reads as "Admin"), so they are dropped; the joiner inside an emoji sequence stays.
 */
const INVISIBLE = /[\p{Cf}\u115f\u1160\u3164\uffa0\u2800]/gu;
// A pictograph, a skin tone (U+1F3FB-1F3FF) or the emoji presentation selector (U+FE0F) ends the part before.
const PICTOGRAPH_ENDS = /(?:\p{Extended_Pictographic}|\p{Emoji_Modifier}|\uFE0F)$/u;
const PICTOGRAPH_STARTS = /^\p{Extended_Pictographic}/u;

function dropInvisible(s: string): string {
  return s.replace(INVISIBLE, (ch, at: number) =>
    ch === "\u200d" &&
    PICTOGRAPH_ENDS.test(s.slice(Math.max(0, at - 2), at)) &&
    PICTOGRAPH_STARTS.test(s.slice(at + 1, at + 3))
      ? ch
      : "",
  );
}

// Bounds first (size, then runs of combining marks), normalisation after: see `combiningMarksMaxRun`.
export const DisplayNameSchema = v.pipe(
  v.string(),
  v.maxLength(Limits.nameMaxInputChars, "name too long"),
  WellFormed,
  streamSafe("name"),
  // White space (tabs, line breaks) is folded, not refused; other control characters are.
  v.check((s) => !FORBIDDEN_NAME_CHARS.test(s.replace(/\s+/gu, " ")), "name holds control characters"),
  v.transform((s) => dropInvisible(s.normalize("NFC")).replace(/\s+/gu, " ").trim()),
  v.minLength(1, "name is empty"),
  v.maxLength(Limits.nameMaxChars, "name too long"),
);

/**
 * A browser's key for one meeting (the app derives it from a secret kept in the browser and the meeting's
 * name, so that it tells nothing across meetings): what a removal bars from coming back.
 */
export const MeetingKeySchema = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{16,64}$/, "not a meeting key"));

const SdpSchema = v.pipe(v.string(), v.maxLength(Limits.sdpMaxChars, "sdp too long"), WellFormed, NoNul);
export const OfferSchema = v.strictObject({ type: v.literal("offer"), sdp: SdpSchema });
export const AnswerSchema = v.strictObject({ type: v.literal("answer"), sdp: SdpSchema });
export type Jsep = { type: "offer" | "answer"; sdp: string };

export const CandidateSchema = v.object({
  candidate: v.pipe(v.string(), v.maxLength(Limits.candidateMaxChars), WellFormed, NoNul),
  sdpMid: v.optional(v.nullable(v.pipe(v.string(), v.maxLength(32), WellFormed, NoNul))),
  sdpMLineIndex: v.optional(v.nullable(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(255)))),
});
export type Candidate = v.InferOutput<typeof CandidateSchema>;

/** Which of the client's two peer connections a message is about. */
export const PcSchema = v.picklist(["publish", "subscribe"]);
export type Pc = v.InferOutput<typeof PcSchema>;

export const RequestId = v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(2 ** 31)));

export const ParticipantIdSchema = v.pipe(
  v.string(),
  v.maxLength(40),
  v.regex(/^p_[A-Za-z0-9_-]+$/, "not a participant id"),
);

/** A microphone or a camera. */
export const MediaKindSchema = v.picklist(["audio", "video"]);
export type MediaKind = v.InferOutput<typeof MediaKindSchema>;

/** What a published track is: the microphone, the camera, or a shared screen (with its sound, if any). */
export const SourceSchema = v.picklist(["microphone", "camera", "screen", "screen_audio"]);
export type Source = v.InferOutput<typeof SourceSchema>;

/** What a moderator can turn off: the microphone (`audio`), the camera (`video`), or a screen share. */
export const DeviceSchema = v.picklist(["audio", "video", "screen"]);
export type Device = v.InferOutput<typeof DeviceSchema>;

const Mid = v.pipe(v.string(), v.maxLength(32), WellFormed, NoNul);

/** Which stream of a subscription to receive, and how much of it (simulcast layer, temporal layer). */
export const StreamChoiceSchema = v.strictObject({
  mid: Mid,
  /** false: receive nothing on this m-line (an off-screen tile, audio-only mode). */
  send: v.optional(v.boolean()),
  /** Simulcast layer: 0 lowest (320×180), 1 middle, 2 highest. */
  layer: v.optional(v.picklist([0, 1, 2])),
  /** Temporal layer (frame rate): 0 lowest, 2 full. */
  temporal: v.optional(v.picklist([0, 1, 2])),
  /** Packets arrive but no picture decodes: ask the publisher for a key frame now. */
  keyframe: v.optional(v.literal(true)),
});
export type StreamChoice = v.InferOutput<typeof StreamChoiceSchema>;

export const PublishedSourceSchema = v.strictObject({ mid: Mid, source: SourceSchema });

export const ChatTextSchema = v.pipe(
  v.string(),
  v.maxLength(Limits.chatMaxChars, `message longer than ${Limits.chatMaxChars} characters`),
  WellFormed,
  streamSafe("message"),
  v.transform(cleanChatText),
  v.minLength(1, "message is empty"),
);

/**
 * A poll's question or one of its answers: one line of text, cleaned as a name is (white space folded, invisible
 * characters dropped, so that two answers cannot look the same and differ) and as chat text is.
 */
function pollText(what: string, max: number) {
  return v.pipe(
    v.string(),
    v.maxLength(max, `${what} longer than ${max} characters`),
    WellFormed,
    streamSafe(what),
    v.transform((s) =>
      dropInvisible(s.normalize("NFC")).replace(CHAT_STRIP, " ").replace(/\s+/gu, " ").trim(),
    ),
    v.minLength(1, `${what} is empty`),
  );
}
export const PollQuestionSchema = pollText("question", Limits.pollQuestionMaxChars);
export const PollOptionSchema = pollText("answer", Limits.pollOptionMaxChars);
/** The server names polls `poll_1`, `poll_2`… in a meeting. */
export const PollIdSchema = v.pipe(v.string(), v.regex(/^poll_\d{1,6}$/, "not a poll id"));
/** An answer, by its place in the poll's list. */
export const PollChoiceSchema = v.pipe(
  v.number(),
  v.integer(),
  v.minValue(0),
  v.maxValue(Limits.pollOptionsMax - 1),
);

/** A breakout room's name: cleaned as a poll's text is, and it may be empty (the app calls it by its number). */
export const BreakoutNameSchema = v.pipe(
  v.string(),
  v.maxLength(Limits.breakoutNameMaxChars, `name longer than ${Limits.breakoutNameMaxChars} characters`),
  WellFormed,
  streamSafe("name"),
  v.transform((s) => dropInvisible(s.normalize("NFC")).replace(CHAT_STRIP, " ").replace(/\s+/gu, " ").trim()),
);
/** The server names a meeting's breakout rooms `b1`, `b2`…, never twice. */
export const BreakoutIdSchema = v.pipe(v.string(), v.regex(/^b\d{1,6}$/, "not a breakout room id"));
/** A `breakout.move` grant: 32 characters of base64url. */
export const GrantSchema = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{32}$/, "not a grant"));

/** Why a moderator removed someone, shown to them: like a chat message, in 200 characters at most. */
export const RemovalReasonSchema = v.pipe(
  v.string(),
  v.maxLength(Limits.reasonMaxChars, `reason longer than ${Limits.reasonMaxChars} characters`),
  WellFormed,
  streamSafe("reason"),
  v.transform(cleanChatText),
);

/** The reactions everyone can send; anything else is refused, so no one can flood screens with text. */
export const ReactionSchema = v.picklist(REACTIONS);
