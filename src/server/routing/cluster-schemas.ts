/**
 * What nodes read from Redis, as schemas: another node's announcement, a message relayed between nodes, a
 * meeting's snapshot. Redis is shared infrastructure, not a trusted peer: everything read from it is bounded
 * and parsed here, in one place, and what does not fit is refused with a ClusterDataError.
 */
import * as v from "valibot";
import {
  BreakoutIdSchema,
  BreakoutNameSchema,
  ChatTextSchema,
  DeviceSchema,
  DisplayNameSchema,
  Limits,
  MeetingKeySchema,
  ParticipantIdSchema,
  PollChoiceSchema,
  PollIdSchema,
  PollOptionSchema,
  PollQuestionSchema,
} from "../../protocol/messages.js";
import { SNAPSHOT_VERSION } from "./meeting-state.js";

export class ClusterDataError extends Error {
  constructor(what: string, problem: string) {
    super(`${what}: ${problem}`);
    this.name = "ClusterDataError";
  }
}

const NodeIdSchema = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,64}$/, "not a node id"));
const Count = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(1e9));
const Time = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(8.64e15));
/** A connection relayed between nodes: `<node id>.<number>`. */
const ConnIdSchema = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,64}\.\d{1,15}$/, "not a connection id"));
const Seq = v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(Number.MAX_SAFE_INTEGER));

export const NodeAnnouncementSchema = v.strictObject({
  id: NodeIdSchema,
  /** The address browsers reach this node's Janus at (its public IP, or "" for its interfaces' own). */
  janus: v.pipe(v.string(), v.maxLength(255)),
  participants: Count,
  rooms: Count,
  /** Janus's share of one core over the last beat, in per cent; null when unknown. */
  janusCpu: v.nullable(v.pipe(v.number(), v.minValue(0), v.maxValue(100_000))),
  draining: v.boolean(),
  at: Time,
});
export type NodeAnnouncement = v.InferOutput<typeof NodeAnnouncementSchema>;

/** A client's frame or a server message, as text: at most a frame, plus JSON escaping's worst case. */
const Frame = v.pipe(v.string(), v.maxLength(Limits.frameMaxBytes * 2));
/** A client address, kept in memory only (never logged): IPv4, IPv6, or a proxy-given name. */
const AddressSchema = v.pipe(v.string(), v.maxLength(100));

export const EnvelopeSchema = v.variant("t", [
  /** Socket node → holder: a connection opens. */
  v.strictObject({ t: v.literal("open"), c: ConnIdSchema, from: NodeIdSchema, addr: AddressSchema }),
  /** Socket node → holder: one client frame (parsed again by the holder, as any frame). */
  v.strictObject({ t: v.literal("in"), c: ConnIdSchema, n: Seq, d: Frame }),
  /** Socket node → holder: the socket closed (numbered after the last frame). */
  v.strictObject({ t: v.literal("close"), c: ConnIdSchema, n: Seq }),
  /** Holder → socket node: the holder serves this connection. */
  v.strictObject({ t: v.literal("ack"), c: ConnIdSchema }),
  /** Holder → socket node: one server message for the socket. */
  v.strictObject({ t: v.literal("out"), c: ConnIdSchema, n: Seq, d: Frame }),
  /** Holder → socket node: the holder does not know this connection (it ended, or was given up). */
  v.strictObject({ t: v.literal("gone"), c: ConnIdSchema }),
  /** Holder → socket node: close the socket with this code (numbered after the last message). */
  v.strictObject({
    t: v.literal("end"),
    c: ConnIdSchema,
    n: Seq,
    code: v.pipe(v.number(), v.integer(), v.minValue(1000), v.maxValue(4999)),
    reason: v.pipe(v.string(), v.maxLength(123)),
  }),
]);
export type Envelope = v.InferOutput<typeof EnvelopeSchema>;

const SealSchema = v.strictObject({
  salt: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{22}$/)),
  hash: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{43}$/)),
});
const TokenSchema = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{16,64}$/, "not a token"));
const ClientIdSchema = v.pipe(v.string(), v.minLength(1), v.maxLength(64));
const RoleSchema = v.picklist(["moderator", "participant"]);
const RaisedSchema = v.strictObject({ raisedAt: Time, seq: Count });

/** People in a snapshot: at most a meeting's limit plus those who may come back (both bounded by config). */
const MAX_PEOPLE = 20_000;

const PollCommon = {
  id: PollIdSchema,
  question: PollQuestionSchema,
  options: v.pipe(
    v.array(PollOptionSchema),
    v.minLength(Limits.pollOptionsMin),
    v.maxLength(Limits.pollOptionsMax),
  ),
  multiple: v.boolean(),
  anonymous: v.boolean(),
  by: ParticipantIdSchema,
  byName: DisplayNameSchema,
  at: Time,
  closed: v.boolean(),
};

/** A poll's results as shared in the chat (what everyone saw; no one's own choices). */
const PollViewSchema = v.strictObject({
  ...PollCommon,
  votes: v.pipe(v.array(Count), v.maxLength(Limits.pollOptionsMax)),
  voters: Count,
  names: v.optional(
    v.pipe(
      v.array(v.pipe(v.array(DisplayNameSchema), v.maxLength(MAX_PEOPLE))),
      v.maxLength(Limits.pollOptionsMax),
    ),
  ),
});

/** A poll with its ballots; a choice outside its answers, or a voter counted twice, is refused. */
const PollStateSchema = v.pipe(
  v.strictObject({
    ...PollCommon,
    ballots: v.pipe(
      v.array(
        v.strictObject({
          voter: v.pipe(v.string(), v.regex(/^[kp]:[A-Za-z0-9_-]{1,64}$/, "not a voter")),
          name: DisplayNameSchema,
          choices: v.pipe(v.array(PollChoiceSchema), v.minLength(1), v.maxLength(Limits.pollOptionsMax)),
        }),
      ),
      v.maxLength(MAX_PEOPLE),
    ),
  }),
  v.check(
    (p) => p.ballots.every((b) => b.choices.every((c) => c < p.options.length)),
    "a choice outside the poll's answers",
  ),
  v.check((p) => new Set(p.ballots.map((b) => b.voter)).size === p.ballots.length, "a voter counted twice"),
);

const ChatMessageSchema = v.strictObject({
  id: v.pipe(v.string(), v.regex(/^m_\d{1,15}$/)),
  from: ParticipantIdSchema,
  fromName: DisplayNameSchema,
  clientId: ClientIdSchema,
  text: ChatTextSchema,
  at: Time,
  to: v.optional(ParticipantIdSchema),
  toName: v.optional(DisplayNameSchema),
  poll: v.optional(PollViewSchema),
});

/** A room's own state: the meeting's, or one of its breakout rooms' (whose `breakouts` is null). */
const RoomStateEntries = {
  v: v.literal(SNAPSHOT_VERSION),
  lobby: v.boolean(),
  password: v.nullable(SealSchema),
  /** Absent in a snapshot from a node that predates end-to-end encryption. */
  e2ee: v.optional(v.boolean(), false),
  /** Absent in a snapshot from a node that predates polls. */
  pollsByAnyone: v.optional(v.boolean(), false),
  /** Absent in a snapshot from a node that predates local recording (which was then allowed). */
  recordingAllowed: v.optional(v.boolean(), true),
  chat: v.strictObject({
    seq: Count,
    history: v.pipe(v.array(ChatMessageSchema), v.maxLength(Limits.chatHistory)),
    recent: v.pipe(
      v.array(v.tuple([ParticipantIdSchema, v.pipe(v.array(ClientIdSchema), v.maxLength(200))])),
      v.maxLength(MAX_PEOPLE),
    ),
  }),
  hands: v.strictObject({ seq: Count }),
  /** Absent in a snapshot from a node that predates polls. */
  polls: v.optional(
    v.strictObject({
      seq: Count,
      list: v.pipe(v.array(PollStateSchema), v.maxLength(Limits.pollsPerMeeting)),
    }),
    { seq: 0, list: [] },
  ),
  barred: v.pipe(
    v.array(
      v.tuple([
        MeetingKeySchema,
        v.strictObject({ id: ParticipantIdSchema, name: DisplayNameSchema, at: Time }),
      ]),
    ),
    v.maxLength(500),
  ),
  people: v.pipe(
    v.array(
      v.strictObject({
        token: TokenSchema,
        id: ParticipantIdSchema,
        name: DisplayNameSchema,
        role: RoleSchema,
        hand: v.nullable(RaisedSchema),
        blocked: v.pipe(v.array(DeviceSchema), v.maxLength(3)),
        key: v.nullable(MeetingKeySchema),
        expires: v.nullable(Time),
      }),
    ),
    v.maxLength(MAX_PEOPLE),
  ),
};

/** A meeting's breakout rooms: ids unique and below `next`, every assignment to one of them. */
const BreakoutsSchema = v.pipe(
  v.strictObject({
    next: Count,
    open: v.boolean(),
    allowMove: v.boolean(),
    closingAt: v.nullable(Time),
    assigned: v.pipe(v.array(v.tuple([ParticipantIdSchema, BreakoutIdSchema])), v.maxLength(MAX_PEOPLE)),
    rooms: v.pipe(
      v.array(
        v.strictObject({
          id: BreakoutIdSchema,
          name: BreakoutNameSchema,
          state: v.nullable(v.strictObject({ ...RoomStateEntries, breakouts: v.null() })),
        }),
      ),
      v.maxLength(Limits.breakoutRooms),
    ),
  }),
  v.check((b) => new Set(b.rooms.map((r) => r.id)).size === b.rooms.length, "a breakout room twice"),
  // The next room made must not take the id of one that exists (it would replace it).
  v.check((b) => b.rooms.every((r) => Number(r.id.slice(1)) < b.next), "a breakout room id not below next"),
  v.check(
    (b) => b.assigned.every(([, to]) => b.rooms.some((r) => r.id === to)),
    "an assignment to no breakout room",
  ),
);

export const MeetingSnapshotSchema = v.strictObject({
  ...RoomStateEntries,
  /** Absent in a snapshot from a node that predates breakout rooms. */
  breakouts: v.optional(v.nullable(BreakoutsSchema), null),
});

/** Parses `text` read from Redis against `schema`, after bounding its size; throws ClusterDataError. */
export function parseStored<S extends v.GenericSchema>(
  schema: S,
  text: string,
  what: string,
  maxChars: number,
): v.InferOutput<S> {
  if (text.length > maxChars) throw new ClusterDataError(what, `longer than ${maxChars} characters`);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new ClusterDataError(what, "not JSON");
  }
  const result = v.safeParse(schema, raw, { abortEarly: true });
  if (!result.success) {
    const issue = result.issues[0];
    throw new ClusterDataError(what, `${v.getDotPath(issue) ?? "value"}: ${issue.message}`);
  }
  return result.output;
}
