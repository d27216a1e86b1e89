/**
 * What a connection that has entered a room (or waits at its door) can ask, one handler per message type.
 * Authorization happened before (permissions.ts); handlers check targets and act on the room.
 */
import { CloseCode, ErrorCode, ProtocolError } from "../../protocol/errors.js";
import type {
  ClientMessage,
  ClientMessageOf,
  ClientMessageType,
  ServerMessage,
} from "../../protocol/messages.js";
import * as moderation from "../conference/moderation.js";
import { sealPassword } from "../conference/password.js";
import { setRecording } from "../conference/recording.js";
import type { Room } from "../conference/room.js";

export interface InRoomContext {
  room: Room;
  /** The sender's participant id (or lobby id). */
  id: string;
  reply(message: ServerMessage): void;
  /** Ends this connection (after `leave` or `lobby.cancel`). */
  close(code: number, reason: string): void;
}

type Handler<K extends ClientMessageType> = (
  ctx: InRoomContext,
  m: ClientMessageOf<K>,
) => Promise<void> | void;
/** `join` and `room.peek` are the session's: they need no room yet. */
type Handlers = { [K in Exclude<ClientMessageType, "join" | "room.peek">]: Handler<K> };

const ok = (ctx: InRoomContext, m: ClientMessage) =>
  ctx.reply({ type: "ok", ...(m.id !== undefined ? { id: m.id } : {}) });
const me = (ctx: InRoomContext) => ctx.room.target(ctx.id);
/** The meeting the sender's room belongs to (itself, unless it is a breakout room): its lobby, its settings. */
const meeting = (ctx: InRoomContext) => ctx.room.family?.main ?? ctx.room;
/** The meeting's breakout rooms, from any of its rooms (every meeting has them, maybe none yet). */
const breakouts = (ctx: InRoomContext) => {
  const family = ctx.room.family;
  if (!family) throw new ProtocolError(ErrorCode.BadState, "this meeting has no breakout rooms");
  return family;
};

export const inRoomHandlers: Handlers = {
  ping: (ctx, m) => ctx.reply({ type: "pong", ...(m.id !== undefined ? { id: m.id } : {}) }),
  leave: (ctx, m) => {
    ok(ctx, m);
    ctx.room.leave(ctx.id, "left");
    ctx.close(CloseCode.Left, "left");
  },
  "lobby.cancel": (ctx, m) => {
    ok(ctx, m);
    ctx.room.leave(ctx.id, "cancelled");
    ctx.close(CloseCode.Left, "left the lobby");
  },

  // the call
  publish: async (ctx, m) => {
    const jsep = await ctx.room.media().publish(ctx.id, m.jsep, m.sources);
    ctx.reply({ type: "publish.answer", ...(m.id !== undefined ? { id: m.id } : {}), jsep });
  },
  "subscribe.answer": async (ctx, m) => {
    await ctx.room.media().answer(ctx.id, m.jsep);
    ok(ctx, m);
  },
  trickle: (ctx, m) => {
    ctx.room.media().trickle(ctx.id, m.pc, m.candidate);
    if (m.id !== undefined) ok(ctx, m);
  },
  "media.state": (ctx, m) => {
    ctx.room.setMediaState(ctx.id, m);
    ok(ctx, m);
  },
  "subscribe.configure": async (ctx, m) => {
    await ctx.room.media().configureSubscription(ctx.id, m.streams);
    ok(ctx, m);
  },

  // lobby and settings (moderators)
  "lobby.admit": (ctx, m) => {
    meeting(ctx).door.admit(m.participantId);
    ok(ctx, m);
  },
  "lobby.admit_all": (ctx, m) => {
    meeting(ctx).door.admitAll();
    ok(ctx, m);
  },
  "lobby.deny": (ctx, m) => {
    meeting(ctx).door.deny(m.participantId);
    ok(ctx, m);
  },
  "room.configure": async (ctx, m) => {
    // Only the seal is kept (password.ts); null and undefined (remove, leave as is) pass through.
    const password = typeof m.password === "string" ? await sealPassword(m.password) : m.password;
    meeting(ctx).configure({
      lobby: m.lobby,
      password,
      e2ee: m.e2ee,
      pollsByAnyone: m.pollsByAnyone,
      recordingAllowed: m.recordingAllowed,
    });
    ok(ctx, m);
  },

  // moderation (moderators)
  "moderate.mute": (ctx, m) => {
    moderation.mute(ctx.room, me(ctx), m.participantId, m.kind);
    ok(ctx, m);
  },
  "moderate.mute_all": (ctx, m) => {
    moderation.muteAll(ctx.room, me(ctx), m.kind);
    ok(ctx, m);
  },
  "moderate.ask_unmute": (ctx, m) => {
    moderation.askUnmute(ctx.room, me(ctx), m.participantId, m.kind);
    ok(ctx, m);
  },
  "moderate.remove": (ctx, m) => {
    moderation.remove(ctx.room, me(ctx), m.participantId, m.reason || undefined);
    ok(ctx, m);
  },
  "moderate.allow": (ctx, m) => {
    moderation.allow(ctx.room, m.participantId);
    ok(ctx, m);
  },
  "moderate.grant": (ctx, m) => {
    moderation.grant(ctx.room, m.participantId);
    ok(ctx, m);
  },

  // chat, hands, reactions
  "chat.send": (ctx, m) => {
    const room = ctx.room;
    const from = me(ctx);
    const to = m.to !== undefined ? room.target(m.to) : undefined;
    const message = room.chat.post(from, m.text, m.clientId, to, Date.now());
    ok(ctx, m);
    if (!message) return; // a re-send of a message already delivered
    if (to) {
      room.send(from.id, { type: "chat.message", message });
      if (to.id !== from.id) room.send(to.id, { type: "chat.message", message });
    } else {
      room.broadcast({ type: "chat.message", message });
    }
  },
  "hand.raise": (ctx, m) => {
    if (ctx.room.hands.raise(ctx.id, Date.now())) {
      ctx.room.broadcastHands();
      ctx.room.handRaised(ctx.id);
    }
    ok(ctx, m);
  },
  "hand.lower": (ctx, m) => {
    const whose = m.participantId ?? ctx.id;
    if (whose !== ctx.id && me(ctx).role !== "moderator") {
      throw new ProtocolError(ErrorCode.Forbidden, "only moderators may lower someone else's hand");
    }
    if (ctx.room.hands.lower(whose)) ctx.room.broadcastHands();
    ok(ctx, m);
  },
  "hand.lower_all": (ctx, m) => {
    if (ctx.room.hands.lowerAll()) ctx.room.broadcastHands();
    ok(ctx, m);
  },
  "floor.give": (ctx, m) => {
    const target = ctx.room.target(m.participantId);
    if (ctx.room.hands.lower(target.id)) ctx.room.broadcastHands();
    ctx.room.send(target.id, { type: "floor.given", by: ctx.id, askUnmute: m.askUnmute });
    ok(ctx, m);
  },
  "reaction.send": (ctx, m) => {
    ctx.room.broadcast({ type: "reaction", participantId: ctx.id, emoji: m.emoji });
    ok(ctx, m);
  },

  // polls: who may ask depends on the meeting's setting; closing and sharing on who asked (polls.ts)
  "poll.create": (ctx, m) => {
    const from = me(ctx);
    if (from.role !== "moderator" && !ctx.room.settings().pollsByAnyone)
      throw new ProtocolError(ErrorCode.Forbidden, "only moderators may ask a poll in this meeting");
    const flags = { multiple: m.multiple, anonymous: m.anonymous };
    ctx.room.polls.create(from, m.question, m.options, flags, Date.now());
    ok(ctx, m);
  },
  "poll.vote": (ctx, m) => {
    ctx.room.polls.vote(me(ctx), m.pollId, m.choices);
    ok(ctx, m);
  },
  "poll.close": (ctx, m) => {
    ctx.room.polls.close(m.pollId, me(ctx));
    ok(ctx, m);
  },
  "poll.share": (ctx, m) => {
    const from = me(ctx);
    const message = ctx.room.chat.postPoll(from, ctx.room.polls.results(m.pollId, from), Date.now());
    ok(ctx, m);
    ctx.room.broadcast({ type: "chat.message", message });
  },

  // local recording: what the browser says is shown to everyone; only starting depends on the setting
  "recording.state": (ctx, m) => {
    setRecording(ctx.room, me(ctx), m.on);
    ok(ctx, m);
  },

  "speakers.stats": (ctx, m) => {
    const present = [...ctx.room.participants()].map((p) => ({ id: p.id, name: p.name }));
    const entries = ctx.room.speakers.stats.list(present, Date.now());
    ctx.reply({ type: "speaker.stats", ...(m.id !== undefined ? { id: m.id } : {}), entries });
  },

  // breakout rooms (breakouts.ts): moderators' actions from any room of the meeting; moving is anyone's
  "breakout.create": (ctx, m) => {
    breakouts(ctx).create(m.rooms.map((r) => r.name));
    ok(ctx, m);
  },
  "breakout.remove": (ctx, m) => {
    breakouts(ctx).remove(m.breakout);
    ok(ctx, m);
  },
  "breakout.assign": (ctx, m) => {
    breakouts(ctx).assign(m.assignments);
    ok(ctx, m);
  },
  "breakout.shuffle": (ctx, m) => {
    breakouts(ctx).shuffle();
    ok(ctx, m);
  },
  "breakout.configure": (ctx, m) => {
    breakouts(ctx).configure(m.allowMove);
    ok(ctx, m);
  },
  "breakout.open": async (ctx, m) => {
    await breakouts(ctx).open(m.auto);
    ok(ctx, m);
  },
  "breakout.broadcast": (ctx, m) => {
    breakouts(ctx).broadcast(me(ctx), m.text);
    ok(ctx, m);
  },
  "breakout.close": (ctx, m) => {
    breakouts(ctx).close(m.countdown);
    ok(ctx, m);
  },
  "breakout.join": (ctx, m) => {
    const move = breakouts(ctx).join(ctx.room, me(ctx), m.breakout);
    ok(ctx, m);
    ctx.reply(move);
  },

  // end-to-end encryption: relayed unread, to people in the meeting, only while it is on. An addressee who
  // left meanwhile is passed over (keys go out as people come and go; the race is ordinary).
  "e2ee.signal": (ctx, m) => {
    const room = ctx.room;
    if (!room.settings().e2ee)
      throw new ProtocolError(ErrorCode.BadState, "end-to-end encryption is not on in this meeting");
    for (const { to, payload } of m.entries)
      if (to !== ctx.id && room.participant(to))
        room.send(to, { type: "e2ee.signal", from: ctx.id, payload });
    ok(ctx, m);
  },
};
