/**
 * Room: the one object the UI talks to. It drives the signal client and the engine, and is the only writer
 * of RoomState. Each join starts a new "session" number; callbacks from an older session (a socket closing
 * after we left, a late answer) see a stale number and do nothing.
 *
 * A join may end in the meeting, in its lobby (entered later by an unsolicited `joined`), at the password
 * prompt, or in an error. A connection lost in the meeting is taken up again by itself with the resume token
 * (same participant for the others), within the server's 60 s window.
 */

import { CloseCode, ErrorCode } from "../../protocol/errors.js";
import { PROTOCOL_VERSION, type ServerMessageOf } from "../../protocol/messages.js";
import { Engine } from "../engine/engine.js";
import { LocalMedia, type MediaKind } from "../engine/local-media.js";
import { Emitter } from "../signal/emitter.js";
import { waitForServerReady } from "../signal/server-ready.js";
import {
  type FailureCode,
  type OutgoingMessage,
  type ReplyTo,
  SignalClient,
  SignalError,
  type SignalEvents,
} from "../signal/signal-client.js";
import { RESUME_WINDOW_MS, reconnectDelays } from "./reconnect.js";
import { roomErrorOf } from "./room-errors.js";
import { type RoomError, RoomState, type View } from "./room-state.js";
import { Roster } from "./roster.js";

const LEAVE_REPLY_TIMEOUT_MS = 3_000;
/** A socket that neither opens nor fails (a dead network) must not stall the reconnection loop. */
const CONNECT_TIMEOUT_MS = 10_000;
/** Server messages handed on to feature modules (chat, hands, reactions) through Room.onServer. */
const RELAYED = [
  "chat.message",
  "hands",
  "reaction",
  // lobby, moderation: features/lobby/lobby-events.ts, features/moderation/moderation-events.ts
  "lobby.list",
  "lobby.knock",
  "lobby.resolved",
  "moderation.muted",
  "moderation.unmute_request",
  "floor.given",
  // features/speaker
  "speaking",
  // features/quality (suggests a lower quality on a poor link)
  "connection.slow",
] as const;

/** What the person asked to join, kept to join again (rejoin, reconnection, password retry). */
interface JoinTarget {
  room: string;
  name: string;
  password?: string;
}

/** What came of one connection and its `join`. */
type Attempt =
  | { kind: "entered" }
  | { kind: "waiting" }
  | { kind: "failed"; stage: "connect" | "join"; error: unknown }
  /** A newer session took over meanwhile (hung up, joined again): nothing to do. */
  | { kind: "stale" };

/** Failures worth another try while reconnecting: the network or the server, not a refusal. */
const RETRYABLE: ReadonlySet<FailureCode> = new Set<FailureCode>([
  "closed",
  "timeout",
  ErrorCode.Internal,
  ErrorCode.MediaFailed,
  ErrorCode.RateLimited,
]);

const codeOf = (err: unknown): FailureCode | null => (err instanceof SignalError ? err.code : null);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class Room {
  readonly state = new RoomState();
  private readonly roster = new Roster(this.state);
  private signal: SignalClient | null = null;
  private engine: Engine | null = null;
  private session = 0;
  /** The current signal's `join` was answered (we are in the meeting or its lobby). */
  private live = false;
  private lastJoin: JoinTarget | null = null;
  /** From `joined.resume`: presented after a lost connection to come back as the same participant. */
  private resumeToken: string | null = null;
  /** The close code of the current session's last socket, for a join that failed because it closed. */
  private lastCloseCode = 0;
  /** An offer that arrived before the engine existed (it should not happen, but costs nothing to keep). */
  private earlyOffer: ServerMessageOf<"subscribe.offer"> | null = null;
  /** Feature modules' listeners: they outlive connections, so they subscribe here rather than to one socket. */
  private readonly relay = new Emitter<SignalEvents>();
  private readonly rejoinListeners = new Set<(info: { resumed: boolean }) => void>();

  /**
   * Lets a feature module hear server messages of the current connection (those in RELAYED), and `joined`
   * each time we enter a room (first join and every join again), to (re)load its state and flush what waits.
   */
  onServer<K extends keyof SignalEvents>(type: K, handler: (msg: SignalEvents[K]) => void): () => void {
    return this.relay.on(type, handler);
  }

  /**
   * Called each time the Room got back into the meeting by itself after losing its connection: `resumed`
   * says whether the server took us back as the same participant (else we are a new one). `joined` has been
   * relayed just before. Returns the unsubscribe function. (state.rejoinCount counts the same events.)
   */
  onRejoined(cb: (info: { resumed: boolean }) => void): () => void {
    this.rejoinListeners.add(cb);
    return () => this.rejoinListeners.delete(cb);
  }

  /** The current connection's media engine (null between connections), for features/screen-share. */
  get media(): Engine | null {
    return this.engine;
  }

  /** Sends a request on the current connection for a feature module; rejects with a SignalError. */
  request<M extends OutgoingMessage>(msg: M): Promise<ReplyTo<M["type"]>> {
    // `live`: a socket opened to reconnect has not joined yet, and the server would answer `not_joined`.
    if (!this.signal?.isOpen || !this.live)
      return Promise.reject(new SignalError("closed", `cannot send '${msg.type}': not connected`));
    return this.signal.request(msg);
  }

  /**
   * Joins `roomName` as `displayName`, publishing what `media` holds, with `password` if the room asked for
   * one. Ends in the meeting, its lobby, the password prompt, or the error view.
   */
  async join(roomName: string, displayName: string, media: LocalMedia, password?: string): Promise<void> {
    const s = this.state;
    const previous = s.local.value?.media;
    // A password retry keeps its dialog on screen (busy) rather than flashing the joining spinner.
    const retryingPassword = s.view.value === "password" && password !== undefined;
    this.teardown();
    if (previous && previous !== media) previous.stop();
    const session = this.session;
    this.lastJoin =
      password === undefined
        ? { room: roomName, name: displayName }
        : { room: roomName, name: displayName, password };
    this.resumeToken = null;
    this.resetMeeting();
    s.local.value = {
      info: null,
      name: displayName,
      media,
      audio: media.isOn("audio"),
      video: media.isOn("video"),
      videoTrack: media.track("video"),
    };
    const prompt = s.passwordPrompt.value;
    if (retryingPassword && prompt) s.passwordPrompt.value = { ...prompt, busy: true };
    else {
      s.passwordPrompt.value = null;
      s.view.value = "joining";
    }
    media.onEnded = () => {
      if (session === this.session) this.refreshLocal();
    };

    if (typeof RTCPeerConnection === "undefined") {
      this.fail(session, { key: "error.noWebrtc" });
      return;
    }
    const outcome = await this.attempt(session, media, null);
    if (outcome.kind === "failed") {
      // The media server restarted under the join: the call can still happen once it is back.
      if (codeOf(outcome.error) === "closed" && this.lastCloseCode === CloseCode.MediaLost) {
        this.reconnect(true);
        return;
      }
      this.refused(session, outcome);
    }
  }

  /** Tries the password the person typed: the same join again, with it. */
  async submitPassword(password: string): Promise<void> {
    const last = this.lastJoin;
    const media = this.state.local.value?.media;
    if (!last || !media) return;
    await this.join(last.room, last.name, media, password);
  }

  /** Gives up on a locked room: back to the pre-join screen (which opens the devices again). */
  cancelPassword(): void {
    this.teardown();
    this.state.local.value?.media.stop();
    this.state.passwordPrompt.value = null;
    this.state.view.value = "prejoin";
  }

  /** Stops waiting in the lobby (`lobby.cancel`): back to the pre-join screen. */
  async cancelLobby(): Promise<void> {
    const signal = this.signal;
    this.signal = null; // keep it open past teardown, long enough to say so
    this.teardown();
    this.state.local.value?.media.stop();
    this.state.reconnecting.value = false;
    this.state.view.value = "prejoin";
    if (!signal) return;
    try {
      await signal.request({ type: "lobby.cancel" }, LEAVE_REPLY_TIMEOUT_MS);
    } catch {
      // Closing the socket takes us out of the lobby all the same (`lobby.resolved` "left").
    } finally {
      signal.close();
    }
  }

  /** Joins again with the last room and name, reopening the devices that were on. */
  async rejoin(): Promise<void> {
    const last = this.lastJoin;
    if (!last) return;
    const prefs = this.state.local.value ?? { audio: true, video: true };
    this.state.view.value = "joining";
    // Only what was on: a camera that was off stays dark (its light too) until turned on again.
    const media = await LocalMedia.open({ audio: prefs.audio, video: prefs.video });
    await this.join(last.room, last.name, media, last.password);
  }

  /** Hangs up: the devices stop at once, the server is told, the socket closes. */
  async leave(): Promise<void> {
    const signal = this.live ? this.signal : null;
    this.signal = null; // keep it open past teardown, long enough to say goodbye
    this.teardown();
    this.resumeToken = null;
    this.state.local.value?.media.stop();
    this.state.reconnecting.value = false;
    this.state.view.value = "left";
    if (!signal) return;
    try {
      await signal.request({ type: "leave" }, LEAVE_REPLY_TIMEOUT_MS);
    } catch {
      // The server drops us anyway when the socket closes.
    } finally {
      signal.close();
    }
  }

  /** For page unload: no time to wait for a reply. */
  leaveNow(): void {
    this.signal?.send({ type: "leave" });
    this.teardown();
    this.resumeToken = null;
    this.state.local.value?.media.stop();
    this.state.reconnecting.value = false;
    const view = this.state.view.value;
    if (view === "joining" || view === "conference" || view === "lobby" || view === "password")
      this.state.view.value = "left";
  }

  setMic(on: boolean): Promise<void> {
    return this.setDevice("audio", on);
  }

  setCamera(on: boolean): Promise<void> {
    return this.setDevice("video", on);
  }

  private async setDevice(kind: MediaKind, on: boolean): Promise<void> {
    const media = this.state.local.value?.media;
    if (!media) return;
    const session = this.session;
    // Off disables the track the sender already has: the m-line stays, nothing to renegotiate.
    const opened = await media.setOn(kind, on);
    if (session !== this.session) {
      // Hung up while the device was opening: it must not stay on (camera light) with nobody using it.
      const view = this.state.view.value;
      if (view === "left" || view === "error") media.stop();
      return;
    }
    if (opened && this.engine) await this.engine.replaceTrack(kind, opened);
    await this.engine?.setSending(kind, media.isOn(kind));
    this.refreshLocal();
  }

  /** Copies the devices' state into RoomState and tells the others. */
  private refreshLocal(): void {
    const local = this.state.local.value;
    if (!local) return;
    const media = local.media;
    this.state.local.value = {
      ...local,
      audio: media.isOn("audio"),
      video: media.isOn("video"),
      videoTrack: media.track("video"),
    };
    this.sendMediaState();
  }

  private sendMediaState(): void {
    const local = this.state.local.value;
    // Only a participant may: in the lobby or mid-reconnection, `joined` will carry (or fix) the state.
    if (!local?.info || !this.live || this.state.view.value !== "conference" || !this.signal?.isOpen) return;
    this.signal
      .request({ type: "media.state", audio: local.audio, video: local.video })
      .catch((err: unknown) => {
        console.warn("palabre: media.state was not accepted", err);
      });
  }

  /** One socket and one `join` (with the resume token if given), up to entering the meeting or its lobby. */
  private async attempt(session: number, media: LocalMedia, resume: string | null): Promise<Attempt> {
    const s = this.state;
    const target = this.lastJoin;
    if (!target) return { kind: "stale" };
    const signal = new SignalClient();
    this.signal = signal;
    this.live = false;
    this.listen(signal, session);
    s.connection.value = "connecting";
    const giveUp = setTimeout(() => signal.close(), CONNECT_TIMEOUT_MS);
    try {
      await signal.connect();
    } catch (error) {
      this.drop(signal);
      return session === this.session ? { kind: "failed", stage: "connect", error } : { kind: "stale" };
    } finally {
      clearTimeout(giveUp);
    }
    if (session !== this.session) return { kind: "stale" };
    s.connection.value = "connected";

    let reply: ReplyTo<"join">;
    try {
      const devices = s.local.value;
      reply = await signal.request({
        type: "join",
        v: PROTOCOL_VERSION,
        room: target.room,
        name: target.name,
        audio: devices?.audio ?? true,
        video: devices?.video ?? true,
        // Resuming asks for no password (PROTOCOL.md); a fresh join carries the one last accepted or typed.
        ...(resume ? { resume } : target.password !== undefined ? { password: target.password } : {}),
      });
    } catch (error) {
      this.drop(signal);
      return session === this.session ? { kind: "failed", stage: "join", error } : { kind: "stale" };
    }
    if (session !== this.session) return { kind: "stale" };
    this.live = true;
    if (reply.type === "lobby.waiting") {
      s.passwordPrompt.value = null;
      s.reconnecting.value = false;
      s.view.value = "lobby";
      return { kind: "waiting" };
    }
    this.enter(session, signal, reply, media);
    return { kind: "entered" };
  }

  /** The part of joining after `joined`, whether it answered our `join` or came from the lobby. */
  private enter(session: number, signal: SignalClient, joined: ServerMessageOf<"joined">, media: LocalMedia) {
    const s = this.state;
    // No await from here until the engine exists: a subscribe.offer may be the very next frame.
    const engine = new Engine(signal, joined.iceServers, media.stream, {
      onRemoteTracks: (id, tracks) => {
        if (session === this.session) this.roster.tracks(id, tracks);
      },
      onHealth: (health) => {
        if (session === this.session) s.mediaHealth.value = health;
      },
    });
    this.engine = engine;
    this.live = true;
    this.resumeToken = joined.resume;
    s.roomName.value = joined.room;
    s.settings.value = joined.settings;
    const local = s.local.value;
    if (local) s.local.value = { ...local, info: joined.you };
    this.roster.reset(joined.participants, joined.you.id);
    s.passwordPrompt.value = null;
    s.view.value = "conference";
    s.reconnecting.value = false;
    // A toggle pressed while `join` was in flight (or in the lobby): declare the devices' real state.
    if (local && (local.audio !== joined.you.audio || local.video !== joined.you.video))
      this.sendMediaState();
    this.relay.emit("joined", joined);
    if (this.earlyOffer) this.applyOffer(this.earlyOffer);
    this.earlyOffer = null;

    engine.publish().catch((err: unknown) => this.fail(session, roomErrorOf(err)));
  }

  /** A join that did not get in: ask for the password, or say why. */
  private refused(session: number, outcome: Extract<Attempt, { kind: "failed" }>): void {
    if (session !== this.session) return;
    const reason = (
      {
        [ErrorCode.PasswordRequired]: "required",
        [ErrorCode.PasswordWrong]: "wrong",
        [ErrorCode.TooManyAttempts]: "tooMany",
      } as const
    )[codeOf(outcome.error) as string];
    if (reason) {
      // The devices stay open (the preview stays): the next try is one click away.
      this.state.reconnecting.value = false;
      this.state.passwordPrompt.value = { reason, busy: false };
      this.state.view.value = "password";
      return;
    }
    this.fail(
      session,
      outcome.stage === "connect" ? { key: "error.connectFailed" } : roomErrorOf(outcome.error),
    );
  }

  /**
   * The connection dropped in the meeting (or its lobby): join again by ourselves, with the resume token so the
   * others see the same participant, trying at 0.5 s, 1 s, 2 s… within the server's window. With 4002 (the
   * media server restarted) we first wait for the server to be ready. The meeting stays on screen meanwhile,
   * under a "Reconnecting…" banner.
   */
  private async reconnect(waitReady: boolean): Promise<void> {
    const media = this.state.local.value?.media;
    this.teardown();
    if (!this.lastJoin || !media) return;
    const session = this.session;
    const s = this.state;
    const started = Date.now();
    s.reconnecting.value = true;
    if (s.view.value === "password") s.view.value = "joining";
    if (waitReady) {
      const ready = await waitForServerReady(() => session === this.session);
      if (session !== this.session) return;
      if (!ready) {
        this.fail(session, { key: "error.connectionLost" });
        return;
      }
    }
    for (const delay of waitReady ? [0, ...reconnectDelays()] : reconnectDelays()) {
      await sleep(delay);
      if (session !== this.session) return;
      if (Date.now() - started > RESUME_WINDOW_MS + CONNECT_TIMEOUT_MS) break;
      const resume = this.resumeToken;
      let resumed = resume !== null;
      let outcome = await this.attempt(session, media, resume);
      if (outcome.kind === "failed" && resume && codeOf(outcome.error) === ErrorCode.ResumeExpired) {
        // Too late to be the same participant: come in as a new one (the lobby and password apply again).
        this.resumeToken = null;
        resumed = false;
        this.resetMeeting();
        outcome = await this.attempt(session, media, null);
      }
      if (outcome.kind === "stale" || outcome.kind === "waiting") return;
      if (outcome.kind === "entered") {
        s.rejoinCount.value += 1;
        const info = { resumed };
        for (const cb of [...this.rejoinListeners]) {
          try {
            cb(info);
          } catch (err) {
            console.error("palabre: a rejoin listener threw", err);
          }
        }
        return;
      }
      const code = codeOf(outcome.error);
      if (code === null || !RETRYABLE.has(code)) {
        this.refused(session, outcome);
        return;
      }
    }
    this.fail(session, { key: "error.connectionLost" });
  }

  private listen(signal: SignalClient, session: number): void {
    // Only the session's current socket speaks: one dropped while reconnecting must not start anything.
    const current = () => session === this.session && signal === this.signal;
    signal.on("participant.joined", ({ participant }) => {
      if (current()) this.roster.joined(participant, this.engine?.remoteTracksOf(participant.id) ?? {});
    });
    signal.on("participant.updated", ({ participant }) => {
      if (current()) this.roster.updated(participant);
    });
    signal.on("participant.left", ({ participantId }) => {
      if (current()) this.roster.left(participantId);
    });
    signal.on("subscribe.offer", (msg) => {
      if (!current()) return;
      if (this.engine) this.applyOffer(msg);
      else this.earlyOffer = msg;
    });
    // Admitted from the lobby: `joined` without an id, and from here on it is an ordinary join.
    signal.on("joined", (joined) => {
      const media = this.state.local.value?.media;
      if (!current() || this.state.view.value !== "lobby" || !media) return;
      this.enter(session, signal, joined, media);
    });
    signal.on("room.updated", ({ settings }) => {
      if (current()) this.state.settings.value = settings;
    });
    // The close that follows (4003, 4004) says the same; acting on the message does not depend on its code.
    signal.on("lobby.denied", () => {
      if (current()) this.finish("denied");
    });
    signal.on("moderation.removed", () => {
      if (current()) this.finish("removed");
    });
    for (const type of RELAYED)
      signal.on(type, (msg) => {
        if (current()) this.relay.emit(type, msg as never);
      });
    signal.on("error", (msg) => {
      // Errors without a request id answer fire-and-forget messages (trickle): worth a log, not a halt.
      console.warn(`palabre: server error ${msg.code}: ${msg.message}`);
    });
    signal.on("close", ({ code }) => {
      if (!current()) return;
      this.lastCloseCode = code;
      this.state.connection.value = "closed";
      // A join still in flight fails with "closed", and its caller decides.
      if (!this.live) return;
      switch (code) {
        case CloseCode.Denied:
          this.finish("denied");
          return;
        case CloseCode.Removed:
          this.finish("removed");
          return;
        case CloseCode.MeetingEnded:
          this.finish("ended");
          return;
        case CloseCode.Left:
          // The server ended our participation: we are out, not broken.
          this.finish("left");
          return;
        default:
          // A network drop, a server restart, the media server gone (4002): come back by ourselves.
          this.reconnect(code === CloseCode.MediaLost);
      }
    });
  }

  private applyOffer(msg: ServerMessageOf<"subscribe.offer">): void {
    this.engine?.handleSubscribeOffer(msg).catch((err: unknown) => {
      console.warn("palabre: could not apply a subscribe offer", err);
    });
  }

  /** Forgets what belonged to the last meeting's participant (a new one is about to be created). */
  private resetMeeting(): void {
    const s = this.state;
    s.error.value = null;
    s.announcement.value = null;
    s.remotes.value = new Map();
    s.mediaHealth.value = "connecting";
    s.settings.value = { lobby: false, locked: false };
    s.lobbyEntries.value = [];
    s.knocks.value = [];
    s.notices.value = [];
  }

  /** The meeting is over for us, for a reason the view tells (refused, removed, ended, left). */
  private finish(view: Extract<View, "denied" | "removed" | "ended" | "left">): void {
    this.teardown();
    this.resumeToken = null;
    this.state.local.value?.media.stop();
    this.state.reconnecting.value = false;
    this.state.passwordPrompt.value = null;
    this.state.view.value = view;
  }

  private fail(session: number, error: RoomError): void {
    if (session !== this.session) return;
    console.warn(`palabre: ${error.key}${error.detail ? ` (${error.detail})` : ""}`);
    this.teardown();
    this.state.local.value?.media.stop();
    this.state.reconnecting.value = false;
    this.state.passwordPrompt.value = null;
    this.state.error.value = error;
    this.state.view.value = "error";
  }

  /** Forgets a socket that did not work out, without letting its closing start anything. */
  private drop(signal: SignalClient): void {
    if (this.signal === signal) this.signal = null;
    signal.close();
  }

  /** Closes the connections and invalidates every callback of the current session. */
  private teardown(): void {
    this.session += 1;
    this.live = false;
    this.lastCloseCode = 0;
    this.engine?.close();
    this.engine = null;
    this.signal?.close();
    this.signal = null;
    this.earlyOffer = null;
    this.state.connection.value = "closed";
  }
}
