/**
 * The signaling protocol, version 1: every message both ways, as valibot schemas.
 * This module is the only place untrusted input is parsed (see `parseClientMessage`).
 * PROTOCOL.md is the prose contract; keep both in step.
 */
import * as v from "valibot";
import { ErrorCode, ProtocolError } from "./errors.js";

export const PROTOCOL_VERSION = 1;

/** Limits shared by server validation and client UI (maxlength attributes, etc.). */
export const Limits = {
  nameMaxChars: 64,
  roomMaxChars: 64,
  passwordMaxChars: 128,
  sdpMaxChars: 64 * 1024,
  candidateMaxChars: 1024,
  /** Largest WebSocket frame accepted, in bytes; larger frames close the socket with 1009. */
  frameMaxBytes: 128 * 1024,
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

const RequestId = v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(2 ** 31)));

// ── Client → server ──────────────────────────────────────────────────────────────────────────

const JoinSchema = v.strictObject({
  type: v.literal("join"),
  id: RequestId,
  v: v.number(),
  room: RoomNameSchema,
  name: DisplayNameSchema,
  password: v.optional(v.pipe(v.string(), v.maxLength(Limits.passwordMaxChars))),
  /** Whether the microphone / camera are on as the participant enters (default: on). */
  audio: v.optional(v.boolean(), true),
  video: v.optional(v.boolean(), true),
});

const PublishSchema = v.strictObject({ type: v.literal("publish"), id: RequestId, jsep: OfferSchema });

const SubscribeAnswerSchema = v.strictObject({
  type: v.literal("subscribe.answer"),
  id: RequestId,
  jsep: AnswerSchema,
});

const TrickleSchema = v.strictObject({
  type: v.literal("trickle"),
  id: RequestId,
  pc: PcSchema,
  /** `null` means end of candidates. */
  candidate: v.nullable(CandidateSchema),
});

const MediaStateSchema = v.strictObject({
  type: v.literal("media.state"),
  id: RequestId,
  audio: v.boolean(),
  video: v.boolean(),
});

const LeaveSchema = v.strictObject({ type: v.literal("leave"), id: RequestId });

const PingSchema = v.strictObject({ type: v.literal("ping"), id: RequestId });

const clientSchemas = {
  join: JoinSchema,
  publish: PublishSchema,
  "subscribe.answer": SubscribeAnswerSchema,
  trickle: TrickleSchema,
  "media.state": MediaStateSchema,
  leave: LeaveSchema,
  ping: PingSchema,
} as const;

export type ClientMessageType = keyof typeof clientSchemas;
export type ClientMessage = {
  [K in ClientMessageType]: v.InferOutput<(typeof clientSchemas)[K]>;
}[ClientMessageType];
export type ClientMessageOf<K extends ClientMessageType> = Extract<ClientMessage, { type: K }>;
/** What a client sends, before the server fills in defaults/normalisation. */
export type ClientMessageInput = {
  [K in ClientMessageType]: v.InferInput<(typeof clientSchemas)[K]>;
}[ClientMessageType];

/** A message that failed to parse: the code to answer with and the request id, if one was readable. */
export class ParseError extends ProtocolError {
  readonly requestId: number | undefined;
  constructor(code: ErrorCode, message: string, requestId: number | undefined) {
    super(code, message);
    this.name = "ParseError";
    this.requestId = requestId;
  }
}

/** Parses one text frame from a client. Throws `ParseError`; never returns unchecked data. */
export function parseClientMessage(text: string): ClientMessage {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new ParseError(ErrorCode.BadJson, "frame is not valid JSON", undefined);
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new ParseError(ErrorCode.BadMessage, "message must be a JSON object", undefined);
  }
  const record = raw as Record<string, unknown>;
  const idField = record.id;
  const requestId =
    typeof idField === "number" && Number.isInteger(idField) && idField >= 0 && idField <= 2 ** 31
      ? idField
      : undefined;
  const type = record.type;
  if (typeof type !== "string") {
    throw new ParseError(ErrorCode.BadMessage, "message has no string 'type'", requestId);
  }
  if (!Object.hasOwn(clientSchemas, type)) {
    throw new ParseError(ErrorCode.UnknownType, `unknown message type '${type.slice(0, 40)}'`, requestId);
  }
  const schema = clientSchemas[type as ClientMessageType];
  const result = v.safeParse(schema, raw);
  if (!result.success) {
    const issue = result.issues[0];
    const path = v.getDotPath(issue) ?? "message";
    throw new ParseError(ErrorCode.BadMessage, `${type}: ${path}: ${issue.message}`, requestId);
  }
  return result.output as ClientMessage;
}

// ── Server → client ──────────────────────────────────────────────────────────────────────────

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
}

/** One m-line of the subscriber connection: which participant's which track arrives on it. */
export interface StreamInfo {
  mid: string;
  participantId: string;
  kind: "audio" | "video";
}

export interface IceServer {
  urls: string[];
  username?: string;
  credential?: string;
}

export type ServerMessage =
  | {
      type: "joined";
      id?: number;
      you: ParticipantInfo;
      room: string;
      participants: ParticipantInfo[];
      iceServers: IceServer[];
    }
  | { type: "participant.joined"; participant: ParticipantInfo }
  | { type: "participant.updated"; participant: ParticipantInfo }
  | { type: "participant.left"; participantId: string; reason: LeaveReason }
  | { type: "publish.answer"; id?: number; jsep: Jsep }
  | { type: "subscribe.offer"; jsep: Jsep; streams: StreamInfo[] }
  | { type: "ok"; id?: number }
  | { type: "pong"; id?: number }
  | { type: "error"; id?: number; code: ErrorCode; message: string };

export type LeaveReason = "left" | "disconnected" | "media_failed";

export type ServerMessageType = ServerMessage["type"];
export type ServerMessageOf<K extends ServerMessageType> = Extract<ServerMessage, { type: K }>;
