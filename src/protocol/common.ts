/** Field schemas and limits shared by the messages of the signaling protocol. */
import * as v from "valibot";

export const PROTOCOL_VERSION = 1;

/** Limits shared by server validation and client UI (maxlength attributes, etc.). */
export const Limits = {
  nameMaxChars: 64,
  roomMaxChars: 64,
  passwordMaxChars: 128,
  /** A subscriber answer carries one m-line per stream received: ~600 characters each, 110+ in a big room. */
  sdpMaxChars: 384 * 1024,
  candidateMaxChars: 1024,
  chatMaxChars: 2000,
  /** Messages of a room's public chat kept for latecomers. */
  chatHistory: 500,
  /** Largest WebSocket frame accepted, in bytes; larger frames close the socket with 1009. */
  frameMaxBytes: 512 * 1024,
} as const;

// ── Shared pieces ────────────────────────────────────────────────────────────────────────────

/** Room names: letters (any script), digits, `-`, `_`, `.`; compared case-insensitively. */
export const RoomNameSchema = v.pipe(
  v.string(),
  v.trim(),
  v.minLength(1, "room name is empty"),
  v.maxLength(Limits.roomMaxChars, "room name too long"),
  v.regex(/^[\p{L}\p{N}_.-]+$/u, "room name may hold letters, digits, '-', '_' and '.' only"),
  v.toLowerCase(),
);

// Control characters (C0, DEL, C1) and bidi overrides have no place in a display name.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
const FORBIDDEN_NAME_CHARS = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u;

export const DisplayNameSchema = v.pipe(
  v.string(),
  v.transform((s) => s.normalize("NFC").replace(/\s+/gu, " ").trim()),
  v.minLength(1, "name is empty"),
  v.maxLength(Limits.nameMaxChars, "name too long"),
  v.check((s) => !FORBIDDEN_NAME_CHARS.test(s), "name holds control characters"),
);

const SdpSchema = v.pipe(v.string(), v.maxLength(Limits.sdpMaxChars, "sdp too long"));
export const OfferSchema = v.strictObject({ type: v.literal("offer"), sdp: SdpSchema });
export const AnswerSchema = v.strictObject({ type: v.literal("answer"), sdp: SdpSchema });
export type Jsep = { type: "offer" | "answer"; sdp: string };

export const CandidateSchema = v.object({
  candidate: v.pipe(v.string(), v.maxLength(Limits.candidateMaxChars)),
  sdpMid: v.optional(v.nullable(v.pipe(v.string(), v.maxLength(32)))),
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

const Mid = v.pipe(v.string(), v.maxLength(32));

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

// Chat text keeps line breaks and tabs; other control characters and bidi overrides are removed.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
const CHAT_STRIP = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/gu;

export const ChatTextSchema = v.pipe(
  v.string(),
  v.maxLength(Limits.chatMaxChars, `message longer than ${Limits.chatMaxChars} characters`),
  v.transform((s) => s.normalize("NFC").replace(CHAT_STRIP, "").trim()),
  v.minLength(1, "message is empty"),
);

/** The reactions everyone can send; anything else is refused, so no one can flood screens with text. */
export const REACTIONS = ["👍", "👏", "😂", "😮", "❤️", "🎉", "🤔", "👋"] as const;
export const ReactionSchema = v.picklist(REACTIONS);
export type Reaction = (typeof REACTIONS)[number];
