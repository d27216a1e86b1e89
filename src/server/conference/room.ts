/**
 * A meeting: who is in it (and who waits at the door), what everyone is told, and the room's media.
 * Pure conference logic: it reaches participants through the Router and media through the MediaRoom
 * interface, never sockets or Janus. Closing a room closes its media and ends every connection.
 * Entry (password, lobby, resume) is in door.ts; moderator actions in moderation.ts; who is speaking in
 * speakers.ts; what happens while someone it needs is away (empty room, dropped moderator) in vacancy.ts.
 * Media requests go to `media()` directly (the MediaRoom interface).
 */
import { CloseCode, ErrorCode, ProtocolError } from "../../protocol/errors.js";
import type {
  Device,
  Jsep,
  LeaveReason,
  MediaKind,
  RoomSettings,
  ServerMessage,
  StreamInfo,
} from "../../protocol/messages.js";
import { errorFields } from "../log-fields.js";
import { logger } from "../logger.js";
import type { MediaRoom, MediaRoomSink } from "../media/media-room.js";
import type { MeetingSnapshot, PasswordSeal } from "../routing/meeting-state.js";
import type { Router } from "../routing/router.js";
import { BarList } from "./bar-list.js";
import type { Breakouts } from "./breakouts.js";
import { Chat } from "./chat.js";
import { Door } from "./door.js";
import { HandQueue } from "./hands.js";
import { Lobby } from "./lobby.js";
import type { Participant } from "./participant.js";
import type { Standing } from "./permissions.js";
import { Polls } from "./polls.js";
import { type ConfigChanges, RoomConfig } from "./room-config.js";
import { dumpRoom, type RoomDump, type RoomOptions, STATE_MESSAGES } from "./room-options.js";
import { restoreSnapshot, takeSnapshot } from "./snapshot.js";
import { Speakers } from "./speakers.js";
import { Vacancy } from "./vacancy.js";

const log = logger("room");

export class Room implements MediaRoomSink {
  readonly name: string;
  readonly options: RoomOptions;
  readonly lobby = new Lobby();
  readonly chat: Chat;
  readonly hands = new HandQueue();
  readonly polls = new Polls((poll) => this.broadcast({ type: "poll", poll }));
  readonly door: Door;
  /** Browsers removed by a moderator, barred until one lets them back. */
  readonly barred = new BarList();
  /** Lobby, password, end-to-end encryption: what moderators set. */
  readonly config: RoomConfig;
  readonly #router: Router;
  readonly #participants = new Map<string, Participant>();
  /** Who speaks (told to everyone) and for how long (told to moderators who ask). */
  readonly speakers = new Speakers(this);
  /** While someone it needs is away: an empty room waiting for who may return, a moderator's role kept. */
  readonly #vacancy = new Vacancy(this);
  #media: MediaRoom | undefined;
  #closed = false;
  /** The meeting's breakout rooms and the meeting itself, once it has some (set by the conference). */
  family: Breakouts | undefined;

  constructor(name: string, router: Router, options: RoomOptions) {
    this.name = name;
    this.#router = router;
    this.options = options;
    this.chat = new Chat({ history: options.chatHistory });
    this.config = new RoomConfig(options.lobbyByDefault);
    this.door = new Door(this);
  }

  /** Gives the room its media once the media plane has created it. */
  attachMedia(media: MediaRoom): void {
    this.#media = media;
  }

  get size(): number {
    return this.#participants.size;
  }

  get closed(): boolean {
    return this.#closed;
  }

  get lobbyOn(): boolean {
    return this.config.lobby;
  }

  get password(): PasswordSeal | null {
    return this.config.password;
  }

  /** The meeting's settings: a breakout room has the meeting's. */
  settings(): RoomSettings {
    return (this.family?.main ?? this).config.view();
  }

  participant(id: string): Participant | undefined {
    return this.#participants.get(id);
  }

  participants(): IterableIterator<Participant> {
    return this.#participants.values();
  }

  /** Where a connection stands: in the room (its role), at the door, or nowhere. */
  standingOf(id: string): Standing | undefined {
    return this.#participants.get(id)?.role ?? (this.lobby.has(id) ? "lobby" : undefined);
  }

  /** The participant named by a request, or `not_found`. */
  target(id: string): Participant {
    const p = this.#participants.get(id);
    if (!p) throw new ProtocolError(ErrorCode.NotFound, "no such participant in this meeting");
    return p;
  }

  // ── Messaging ────────────────────────────────────────────────────────────────────────────

  send(id: string, message: ServerMessage): void {
    this.#router.deliver(id, message);
    this.#changed(message);
  }

  broadcast(message: ServerMessage, exceptId?: string): void {
    for (const id of this.#participants.keys()) if (id !== exceptId) this.#router.deliver(id, message);
    this.#changed(message);
  }

  /** To the moderators here, and, from the meeting, to those in its breakout rooms (its lobby is theirs). */
  toModerators(message: ServerMessage): void {
    for (const p of this.#participants.values())
      if (p.role === "moderator") this.#router.deliver(p.id, message);
    this.family?.elsewhere(this, message, { moderators: true });
    this.#changed(message);
  }

  #changed(message: ServerMessage): void {
    if (!this.#closed && STATE_MESSAGES.has(message.type)) this.options.onChange?.(this);
  }

  disconnect(id: string, code: number, reason: string): void {
    this.#router.disconnect(id, code, reason);
  }

  broadcastHands(): void {
    this.broadcast({ type: "hands", queue: this.hands.list() });
  }

  // ── Membership ───────────────────────────────────────────────────────────────────────────

  /** Puts `participant` in: the others hear of it, it gets `joined` (answering `requestId`), media starts. */
  enter(participant: Participant, requestId?: number): void {
    if (this.#closed) throw new ProtocolError(ErrorCode.Internal, "room is closing; try again");
    this.broadcast({ type: "participant.joined", participant: participant.info() });
    const others = [...this.#participants.values()].map((p) => p.info());
    this.#participants.set(participant.id, participant);
    this.send(participant.id, {
      type: "joined",
      ...(requestId !== undefined ? { id: requestId } : {}),
      you: participant.info(),
      room: (this.family?.main ?? this).name, // a breakout room's people are in the meeting of that name
      participants: others,
      iceServers: this.options.iceServers(),
      settings: this.settings(),
      chat: this.chat.history(),
      hands: this.hands.list(),
      polls: this.polls.list(participant),
      resume: participant.resumeToken,
    });
    if (participant.role === "moderator") this.#moderatorLists(participant.id);
    for (const id of this.speakers.now)
      this.send(participant.id, { type: "speaking", participantId: id, speaking: true });
    if (this.#media)
      this.#media.addParticipant(participant.id, { audio: participant.audio, video: participant.video });
    else this.send(participant.id, { type: "media.lost" });
    if (!this.hasModerator()) this.#vacancy.promoteSoon();
    this.family?.membershipChanged(this);
  }

  /** Removes a participant (or someone waiting) and tells whoever needs to know. */
  leave(id: string, reason: LeaveReason | "cancelled", now = Date.now()): void {
    if (this.lobby.take(id)) {
      this.toModerators({
        type: "lobby.resolved",
        participantId: id,
        outcome: reason === "cancelled" ? "cancelled" : "left",
      });
      return;
    }
    const p = this.#participants.get(id);
    if (!p) return;
    this.#participants.delete(id);
    this.speakers.forget(id);
    if (reason === "disconnected") this.door.remember(p, this.hands.record(id), now);
    this.#media?.removeParticipant(id).catch((err) => log.warn("media removal failed", errorFields(err)));
    this.broadcast({
      type: "participant.left",
      participantId: id,
      reason: reason === "cancelled" ? "left" : reason,
    });
    if (this.hands.lower(id)) this.broadcastHands();
    this.family?.membershipChanged(this);
    if (this.#participants.size === 0) {
      // Someone who dropped may be back within the resume window: the meeting (password, lobby, chat,
      // hands, roles) waits for them; otherwise it ends now.
      this.#vacancy.emptied(now);
      return;
    }
    if (p.role === "moderator" && !this.hasModerator()) {
      if (reason === "disconnected") this.#vacancy.promoteSoon();
      else this.#vacancy.promoteLongestPresent();
    }
  }

  /** Ends the meeting (Vacancy: nobody came back in time). */
  end(): void {
    if (this.family?.keepsOpen(this)) return; // someone is in one of the meeting's breakout rooms
    void this.close(CloseCode.MeetingEnded, "the meeting ended");
  }

  /** Ends a room nobody is in, waits for, or may come back to (a join that was refused left it so). */
  closeIfIdle(): void {
    if (this.#closed || this.#participants.size > 0 || this.lobby.size > 0 || this.door.mayReturn()) return;
    this.end();
  }

  /** A moderator here, or elsewhere in the meeting (nobody is made moderator in a breakout room). */
  hasModerator(): boolean {
    for (const p of this.#participants.values()) if (p.role === "moderator") return true;
    return this.family?.moderatorElsewhere(this) ?? false;
  }

  /** Makes someone moderator and gives them what moderators see. */
  promote(p: Participant): void {
    if (p.role === "moderator") return;
    p.role = "moderator";
    this.broadcast({ type: "participant.updated", participant: p.info() });
    this.#moderatorLists(p.id);
  }

  /** What a moderator sees besides the meeting: who waits at the door, and who was removed. */
  #moderatorLists(id: string): void {
    this.send(id, { type: "lobby.list", entries: this.lobby.list() });
    if (this.barred.list().length > 0) this.send(id, { type: "barred.list", entries: this.barred.list() });
  }

  configure(changes: ConfigChanges): void {
    this.config.change(changes);
    const message: ServerMessage = { type: "room.updated", settings: this.settings() };
    this.broadcast(message);
    this.family?.elsewhere(this, message, { moderators: false });
  }

  /** The meeting's state, for the node that would take it over (snapshot.ts). */
  snapshot(now = Date.now()): MeetingSnapshot {
    return takeSnapshot(this, now, this.family?.main === this ? this.family : undefined);
  }

  /** Takes over a meeting whose node was lost or stopped: its state from `snapshot`, nobody inside yet. */
  takeOver(snapshot: MeetingSnapshot, now = Date.now()): void {
    restoreSnapshot(this, snapshot, now);
  }

  /** Once taken over: who was in it comes back (resume) within the window, or it ends as any emptied room. */
  settle(now = Date.now()): void {
    if (this.#participants.size === 0) this.#vacancy.emptied(now);
  }

  // ── Media ────────────────────────────────────────────────────────────────────────────────

  /**
   * The participant's own device switches (`screen` undefined: unchanged). Turning a device on lifts a
   * moderator's block on it; starting a share past the room's limit is refused with `share_limit`.
   */
  setMediaState(
    participantId: string,
    state: { audio: boolean; video: boolean; screen?: boolean | undefined },
  ): void {
    const p = this.target(participantId);
    const screen = state.screen ?? p.screen;
    if (screen && !p.screen && this.#sharing() >= this.options.maxScreenShares) {
      throw new ProtocolError(
        ErrorCode.ShareLimit,
        `at most ${this.options.maxScreenShares} people can share at once`,
      );
    }
    const next = { audio: state.audio, video: state.video, screen };
    for (const device of ["audio", "video", "screen"] as const) {
      if (next[device] && p.blocked.delete(device)) this.setBlocked(p, device, false);
    }
    if (p.audio === next.audio && p.video === next.video && p.screen === next.screen) return;
    p.audio = next.audio;
    p.video = next.video;
    p.screen = next.screen;
    this.#media?.setDevices(p.id, { audio: p.audio, video: p.video });
    this.broadcast({ type: "participant.updated", participant: p.info() });
    // After the update: clients ignore `speaking` from someone they still see muted.
    this.speakers.show(p);
  }

  /** Blocks or unblocks one of a participant's devices in the media server. */
  setBlocked(p: Participant, device: Device, blocked: boolean): void {
    this.#media
      ?.setBlocked(p.id, device, blocked)
      .catch((err) => log.warn("media block failed", { device, blocked, ...errorFields(err) }));
  }

  #sharing(): number {
    return [...this.#participants.values()].filter((p) => p.screen).length;
  }

  /**
   * The media server was lost. Everyone's media is gone, but not the meeting: its people, roles, settings,
   * chat and hands stay, and everyone is told to wait (`media.lost`) until `restoreMedia`.
   */
  mediaLost(): void {
    const media = this.#media;
    if (!media || this.#closed) return;
    this.#media = undefined;
    // Janus is gone: this frees only our side of its handles.
    media.close().catch(() => undefined);
    this.speakers.reset();
    this.broadcast({ type: "media.lost" });
  }

  /**
   * Gives the room the media of a new media server: everyone in it is added back, a moderator's blocks are
   * applied again, and everyone is told to publish and subscribe afresh (`media.restored`).
   */
  restoreMedia(media: MediaRoom): void {
    this.#media = media;
    for (const p of this.#participants.values()) {
      media.addParticipant(p.id, { audio: p.audio, video: p.video });
      for (const device of p.blocked) this.setBlocked(p, device, true);
    }
    this.broadcast({ type: "media.restored" });
  }

  /** Whether the room has its media (false between a media server's loss and its return). */
  get hasMedia(): boolean {
    return this.#media !== undefined;
  }
  media(): MediaRoom {
    if (!this.#media) throw new ProtocolError(ErrorCode.MediaFailed, "media is not available for this room");
    return this.#media;
  }

  // MediaRoomSink

  subscriberOffer(participantId: string, jsep: Jsep, streams: StreamInfo[]): void {
    if (!this.#participants.has(participantId)) return;
    this.send(participantId, { type: "subscribe.offer", jsep, streams });
  }

  publisherState(participantId: string, up: boolean): void {
    log.debug("publisher state", { participantId, up });
    // A hangup frees the feed's streams in Janus, their talking state with them: the next publish starts as
    // not talking, and no "stopped-talking" will come for the old one.
    if (!up) this.talking(participantId, false);
  }

  talking(participantId: string, talking: boolean): void {
    this.speakers.heard(participantId, talking);
  }

  /** A hand went up: if its owner is talking already, the hand's auto-lowering starts counting now. */
  handRaised(participantId: string): void {
    this.speakers.handRaised(participantId);
  }

  slowLink(participantId: string, direction: "up" | "down", kind: MediaKind, lost: number): void {
    if (this.#participants.has(participantId))
      this.send(participantId, { type: "connection.slow", direction, kind, lost });
  }

  // ── Life ─────────────────────────────────────────────────────────────────────────────────

  /** Ends the meeting for everyone, including those waiting: connections closed with `code`, media freed. */
  async close(code: number, reason = "room closed"): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const ids = [...this.#participants.keys(), ...this.lobby.ids()];
    this.#participants.clear();
    for (const id of this.lobby.ids()) this.lobby.take(id);
    this.speakers.close();
    this.#vacancy.close();
    this.polls.dispose();
    for (const id of ids) this.#router.disconnect(id, code, reason);
    this.options.onClosed(this);
    this.family?.roomClosed(this, code);
    await this.#media?.close();
  }

  dump(): RoomDump {
    return dumpRoom(this, this.#media);
  }
}
