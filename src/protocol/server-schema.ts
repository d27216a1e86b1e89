/**
 * Every message the server sends, as valibot schemas: the contract of server-messages.ts made checkable at run
 * time. The server does not parse what it builds itself (its types already hold it to the contract, and this
 * would cost every send); the tests do, on every message a test client or a browser page receives, so a message
 * with a field the contract lacks (a leak) or without one it promises fails the test that saw it. The browser
 * imports server-messages.ts's types only, never this file, to keep valibot out of its bundle.
 *
 * Objects are strict: an extra field is a violation. `AgreesWith` below makes a difference between these schemas
 * and the hand-written types a compile error, both ways.
 */
import * as v from "valibot";
import { DeviceSchema, MediaKindSchema, ReactionSchema, SourceSchema } from "./common.js";
import { ErrorCode } from "./errors.js";
import type { ServerMessage } from "./server-messages.js";

const Id = v.optional(v.number());
const Ms = v.number();

const Participant = v.strictObject({
  id: v.string(),
  name: v.string(),
  role: v.picklist(["moderator", "participant"]),
  audio: v.boolean(),
  video: v.boolean(),
  screen: v.boolean(),
  recording: v.boolean(),
});
const Settings = v.strictObject({
  lobby: v.boolean(),
  locked: v.boolean(),
  e2ee: v.boolean(),
  pollsByAnyone: v.boolean(),
  recordingAllowed: v.boolean(),
});
const Jsep = v.strictObject({ type: v.picklist(["offer", "answer"]), sdp: v.string() });
const Poll = v.strictObject({
  id: v.string(),
  question: v.string(),
  options: v.array(v.string()),
  multiple: v.boolean(),
  anonymous: v.boolean(),
  by: v.string(),
  byName: v.string(),
  at: Ms,
  closed: v.boolean(),
  votes: v.array(v.number()),
  voters: v.number(),
  names: v.optional(v.array(v.array(v.string()))),
  mine: v.optional(v.array(v.number())),
});
const Chat = v.strictObject({
  id: v.string(),
  from: v.string(),
  fromName: v.string(),
  text: v.string(),
  at: Ms,
  clientId: v.string(),
  to: v.optional(v.string()),
  toName: v.optional(v.string()),
  poll: v.optional(Poll),
});
const Hand = v.strictObject({ participantId: v.string(), raisedAt: Ms });
const LobbyEntry = v.strictObject({ id: v.string(), name: v.string(), since: Ms });
const Stream = v.strictObject({
  mid: v.string(),
  participantId: v.string(),
  kind: MediaKindSchema,
  source: SourceSchema,
});
const IceServer = v.strictObject({
  urls: v.array(v.string()),
  username: v.optional(v.string()),
  credential: v.optional(v.string()),
});

const message = <T extends string, E extends v.ObjectEntries>(type: T, entries: E) =>
  v.strictObject({ type: v.literal(type), ...entries });

export const ServerMessageSchema = v.variant("type", [
  message("joined", {
    id: Id,
    you: Participant,
    room: v.string(),
    participants: v.array(Participant),
    iceServers: v.array(IceServer),
    settings: Settings,
    chat: v.array(Chat),
    hands: v.array(Hand),
    polls: v.array(Poll),
    resume: v.string(),
  }),
  message("participant.joined", { participant: Participant }),
  message("participant.updated", { participant: Participant }),
  message("participant.left", {
    participantId: v.string(),
    reason: v.picklist(["left", "disconnected", "removed", "media_failed", "moved"]),
  }),
  message("publish.answer", { id: Id, jsep: Jsep }),
  message("media.lost", {}),
  message("media.restored", {}),
  message("subscribe.offer", { jsep: Jsep, streams: v.array(Stream) }),
  message("lobby.waiting", { id: Id, room: v.string() }),
  message("lobby.denied", {}),
  message("lobby.list", { entries: v.array(LobbyEntry) }),
  message("lobby.knock", { entry: LobbyEntry }),
  message("lobby.resolved", {
    participantId: v.string(),
    outcome: v.picklist(["admitted", "denied", "cancelled", "left"]),
  }),
  message("room.updated", { settings: Settings }),
  message("moderation.muted", { kind: DeviceSchema, by: v.string() }),
  message("moderation.unmute_request", { kind: MediaKindSchema, by: v.string() }),
  message("moderation.removed", { by: v.string(), reason: v.optional(v.string()) }),
  message("barred.list", {
    entries: v.array(v.strictObject({ id: v.string(), name: v.string(), at: Ms })),
  }),
  message("chat.message", { message: Chat }),
  message("hands", { queue: v.array(Hand) }),
  message("floor.given", { by: v.string(), askUnmute: v.boolean() }),
  message("poll", { poll: Poll }),
  message("breakouts", {
    rooms: v.array(
      v.strictObject({
        id: v.string(),
        name: v.string(),
        people: v.array(v.strictObject({ id: v.string(), name: v.string() })),
      }),
    ),
    open: v.boolean(),
    allowMove: v.boolean(),
    closingAt: v.nullable(Ms),
    assigned: v.record(v.string(), v.string()),
  }),
  message("breakout.move", { breakout: v.nullable(v.string()), grant: v.string() }),
  message("breakout.notice", { from: v.string(), fromName: v.string(), text: v.string(), at: Ms }),
  message("e2ee.signal", { from: v.string(), payload: v.string() }),
  message("reaction", { participantId: v.string(), emoji: ReactionSchema }),
  message("speaking", { participantId: v.string(), speaking: v.boolean() }),
  message("connection.slow", {
    direction: v.picklist(["up", "down"]),
    kind: MediaKindSchema,
    lost: v.number(),
  }),
  message("ok", { id: Id }),
  message("pong", { id: Id }),
  message("room.info", { id: Id, participants: v.number() }),
  message("speaker.stats", {
    id: Id,
    entries: v.array(
      v.strictObject({ participantId: v.string(), name: v.string(), ms: v.number(), present: v.boolean() }),
    ),
  }),
  message("error", {
    id: Id,
    code: v.picklist(Object.values(ErrorCode)),
    message: v.string(),
    retryAfterMs: v.optional(v.number()),
  }),
]);

/** true when each of A and B is assignable to the other. */
type AgreesWith<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const schemaMatchesTypes: AgreesWith<v.InferOutput<typeof ServerMessageSchema>, ServerMessage> = true;
void schemaMatchesTypes;

/** What is wrong with `value` as a server message, or null when it is one. */
export function serverMessageProblem(value: unknown): string | null {
  const result = v.safeParse(ServerMessageSchema, value);
  if (result.success) return null;
  return result.issues.map((issue) => `${v.getDotPath(issue) ?? "(message)"}: ${issue.message}`).join("; ");
}
