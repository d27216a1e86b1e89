/** Every message a client may send, as valibot schemas (protocol version 1). */
import * as v from "valibot";
import {
  AnswerSchema,
  BreakoutIdSchema,
  BreakoutNameSchema,
  boundedArray,
  CandidateSchema,
  ChatTextSchema,
  DeviceSchema,
  DisplayNameSchema,
  GrantSchema,
  Limits,
  MediaKindSchema,
  MeetingKeySchema,
  OfferSchema,
  ParticipantIdSchema,
  PcSchema,
  PollChoiceSchema,
  PollIdSchema,
  PollOptionSchema,
  PollQuestionSchema,
  PublishedSourceSchema,
  ReactionSchema,
  RemovalReasonSchema,
  RequestId,
  RoomNameSchema,
  StreamChoiceSchema,
  WellFormed,
} from "./common.js";

const msg = <T extends string, E extends v.ObjectEntries>(type: T, entries: E) =>
  v.strictObject({ type: v.literal(type), id: RequestId, ...entries });

const target = { participantId: ParticipantIdSchema };

// ── The call ────────────────────────────────────────────────────────────────────────────────

const call = {
  join: msg("join", {
    v: v.number(),
    room: RoomNameSchema,
    name: DisplayNameSchema,
    password: v.optional(v.pipe(v.string(), v.maxLength(Limits.passwordMaxChars), WellFormed)),
    /** Whether the microphone / camera are on as the participant enters (default: on). */
    audio: v.optional(v.boolean(), true),
    video: v.optional(v.boolean(), true),
    /** The `resume` token of an earlier connection, to come back as the same participant. */
    resume: v.optional(v.pipe(v.string(), v.maxLength(64), WellFormed)),
    /** This browser's key for this meeting: a removal bars it from coming back. */
    key: v.optional(MeetingKeySchema),
    /** One of the meeting's breakout rooms (with a `grant`, or a `resume` token of that room). */
    breakout: v.optional(BreakoutIdSchema),
    /** From `breakout.move`: enter without lobby or password, as the same participant. */
    grant: v.optional(GrantSchema),
  }),
  /** Before joining: how many people are in a meeting (a count, never who). */
  "room.peek": msg("room.peek", { room: RoomNameSchema }),
  publish: msg("publish", {
    jsep: OfferSchema,
    /** What each m-line carries; by default the first audio is the microphone, the first video the camera,
     *  a second video a screen and a second audio its sound. */
    sources: v.optional(boundedArray(PublishedSourceSchema, 0, Limits.publishMaxSources)),
  }),
  "subscribe.answer": msg("subscribe.answer", { jsep: AnswerSchema }),
  /** `candidate: null` means end of candidates. */
  trickle: msg("trickle", { pc: PcSchema, candidate: v.nullable(CandidateSchema) }),
  /** `screen` absent: unchanged. Turning it on may be refused with `share_limit`. */
  "media.state": msg("media.state", {
    audio: v.boolean(),
    video: v.boolean(),
    screen: v.optional(v.boolean()),
  }),
  /** Per stream of the subscribe connection: receive it or not, and at which layer. */
  "subscribe.configure": msg("subscribe.configure", {
    streams: boundedArray(StreamChoiceSchema, 1, Limits.subscribeMaxStreams),
  }),
  leave: msg("leave", {}),
  ping: msg("ping", {}),
};

// ── Lobby and room settings ─────────────────────────────────────────────────────────────────

const lobby = {
  "lobby.cancel": msg("lobby.cancel", {}),
  "lobby.admit": msg("lobby.admit", target),
  "lobby.deny": msg("lobby.deny", target),
  "lobby.admit_all": msg("lobby.admit_all", {}),
  /** Absent fields stay as they are; `password: null` removes the password. */
  "room.configure": msg("room.configure", {
    lobby: v.optional(v.boolean()),
    /** End-to-end encryption goes on, never off (PROTOCOL.md "End-to-end encryption"). */
    e2ee: v.optional(v.literal(true)),
    /** Whether anyone may ask a poll (false: moderators only). */
    pollsByAnyone: v.optional(v.boolean()),
    /** Whether participants may record the meeting on their own machine (false: nobody may start). */
    recordingAllowed: v.optional(v.boolean()),
    password: v.optional(
      v.nullable(
        v.pipe(
          v.string(),
          v.minLength(1, "password is empty"),
          v.maxLength(Limits.passwordMaxChars),
          WellFormed,
        ),
      ),
    ),
  }),
};

// ── Moderation ──────────────────────────────────────────────────────────────────────────────

const moderation = {
  "moderate.mute": msg("moderate.mute", { ...target, kind: DeviceSchema }),
  "moderate.mute_all": msg("moderate.mute_all", { kind: DeviceSchema }),
  "moderate.ask_unmute": msg("moderate.ask_unmute", { ...target, kind: MediaKindSchema }),
  /** `reason` is shown to the one removed. Their browser may not come back to this meeting. */
  "moderate.remove": msg("moderate.remove", { ...target, reason: v.optional(RemovalReasonSchema) }),
  /** Lets someone removed come back (`participantId`: their id when removed, from `barred.list`). */
  "moderate.allow": msg("moderate.allow", target),
  "moderate.grant": msg("moderate.grant", target),
};

// ── Chat, hands, reactions ──────────────────────────────────────────────────────────────────

const social = {
  "chat.send": msg("chat.send", {
    text: ChatTextSchema,
    /** A private message's recipient; absent: everyone. */
    to: v.optional(ParticipantIdSchema),
    /** Chosen by the client, unique per message: a message re-sent after a reconnect is delivered once. */
    clientId: v.pipe(v.string(), v.minLength(1), v.maxLength(64), WellFormed),
  }),
  "hand.raise": msg("hand.raise", {}),
  /** Without `participantId`: one's own hand. A moderator may lower anyone's. */
  "hand.lower": msg("hand.lower", { participantId: v.optional(ParticipantIdSchema) }),
  "hand.lower_all": msg("hand.lower_all", {}),
  "floor.give": msg("floor.give", { ...target, askUnmute: v.optional(v.boolean(), false) }),
  "reaction.send": msg("reaction.send", { emoji: ReactionSchema }),
};

// ── Polls ───────────────────────────────────────────────────────────────────────────────────

const pollRef = { pollId: PollIdSchema };

const polls = {
  /** Moderators, or anyone when the meeting's `pollsByAnyone` is on. */
  "poll.create": msg("poll.create", {
    question: PollQuestionSchema,
    options: boundedArray(PollOptionSchema, Limits.pollOptionsMin, Limits.pollOptionsMax),
    /** Several answers may be chosen (default: one). */
    multiple: v.optional(v.boolean(), false),
    /** Nobody sees who chose what (default: everyone does). */
    anonymous: v.optional(v.boolean(), false),
  }),
  /** Once per poll; `choices` are places in its list of answers (exactly one unless it is `multiple`). */
  "poll.vote": msg("poll.vote", {
    ...pollRef,
    choices: boundedArray(PollChoiceSchema, 1, Limits.pollOptionsMax),
  }),
  /** The poll's author or a moderator: no more votes. */
  "poll.close": msg("poll.close", pollRef),
  /** The poll's author or a moderator, once it is closed: its results go to the chat, for everyone. */
  "poll.share": msg("poll.share", pollRef),
};

// ── Local recording ─────────────────────────────────────────────────────────────────────────

const recording = {
  /**
   * One's own browser records the meeting to a file on its machine (on), or stopped (off): everyone is told,
   * so that everyone can see it. Starting is refused while the meeting's `recordingAllowed` is off.
   */
  "recording.state": msg("recording.state", { on: v.boolean() }),
  /** Moderators: how long each person of the room has talked (`speaker.stats`). */
  "speakers.stats": msg("speakers.stats", {}),
};

// ── Breakout rooms ──────────────────────────────────────────────────────────────────────────

const breakoutRef = { breakout: BreakoutIdSchema };

const breakouts = {
  /** Moderators: adds rooms (an empty name: the app calls the room by its number). */
  "breakout.create": msg("breakout.create", {
    rooms: boundedArray(v.strictObject({ name: BreakoutNameSchema }), 1, Limits.breakoutRooms),
  }),
  /** Moderators: removes an empty room. */
  "breakout.remove": msg("breakout.remove", breakoutRef),
  /** Moderators: who goes where (`breakout: null`: the meeting itself); all valid, or nothing changes. */
  "breakout.assign": msg("breakout.assign", {
    assignments: boundedArray(
      v.strictObject({ participantId: ParticipantIdSchema, breakout: v.nullable(BreakoutIdSchema) }),
      1,
      Limits.breakoutAssignmentsMax,
    ),
  }),
  /** Moderators: assigns everyone not assigned yet (moderators aside) at random, evenly. */
  "breakout.shuffle": msg("breakout.shuffle", {}),
  /** Moderators: whether participants may go to any room themselves. */
  "breakout.configure": msg("breakout.configure", { allowMove: v.boolean() }),
  /** Moderators: opens the rooms; `auto` sends everyone assigned to their room at once. */
  "breakout.open": msg("breakout.open", { auto: v.boolean() }),
  /** Moderators: a notice to everyone in the meeting and every room. */
  "breakout.broadcast": msg("breakout.broadcast", { text: ChatTextSchema }),
  /** Moderators: everyone back to the meeting after `countdown` seconds; the rooms are removed. */
  "breakout.close": msg("breakout.close", {
    countdown: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(Limits.breakoutCountdownMaxSeconds)),
  }),
  /** Anyone: to one's room (any room with `allowMove`; moderators: any), or back to the meeting (`null`). */
  "breakout.join": msg("breakout.join", { breakout: v.nullable(BreakoutIdSchema) }),
};

// ── End-to-end encryption ───────────────────────────────────────────────────────────────────

const e2ee = {
  /**
   * One payload per addressee (a browser sends its key to everyone in one message), each relayed as it is to
   * that participant alone: the server cannot read them (PROTOCOL.md "End-to-end encryption").
   */
  "e2ee.signal": msg("e2ee.signal", {
    entries: boundedArray(
      v.strictObject({
        to: ParticipantIdSchema,
        payload: v.pipe(
          v.string(),
          v.minLength(1),
          v.maxLength(Limits.e2eePayloadMaxChars),
          v.regex(/^[A-Za-z0-9_.-]+$/, "payload must be base64url (with dots)"),
        ),
      }),
      1,
      Limits.e2eeEntriesMax,
    ),
  }),
};

export const clientSchemas = {
  ...call,
  ...lobby,
  ...moderation,
  ...social,
  ...polls,
  ...recording,
  ...breakouts,
  ...e2ee,
} as const;

export type ClientMessageType = keyof typeof clientSchemas;
export type ClientMessage = {
  [K in ClientMessageType]: v.InferOutput<(typeof clientSchemas)[K]>;
}[ClientMessageType];
export type ClientMessageOf<K extends ClientMessageType> = Extract<ClientMessage, { type: K }>;
/** What a client sends, before the server fills in defaults and normalises. */
export type ClientMessageInput = {
  [K in ClientMessageType]: v.InferInput<(typeof clientSchemas)[K]>;
}[ClientMessageType];
