/**
 * Room: the one object the UI talks to. It owns the meeting's lifecycle: join, password retry, lobby, hang
 * up, and coming back by itself after a lost connection. Each socket is a RoomConnection (room-connection.ts),
 * which turns what the server says into RoomState; the Room decides what an ending means. Each join starts a
 * new "session" number; an await that resumes in an older session (the person hung up or joined again
 * meanwhile) sees a stale number and does nothing.
 *
 * A join may end in the meeting, in its lobby (entered later by an unsolicited `joined`), at the password
 * prompt, or in an error. A connection lost in the meeting is taken up again by itself with the resume token
 * (same participant for the others), within the server's 60 s window.
 */

import { CloseCode, ErrorCode } from "../../protocol/errors.js";
import type { Engine } from "../engine/engine.js";
import { LocalMedia, type MediaKind } from "../engine/local-media.js";
import type { TransformsSource } from "../engine/transforms.js";
import { HandlerTables, type ServerHandlers } from "../signal/handlers.js";
import { waitForServerReady } from "../signal/server-ready.js";
import { type OutgoingMessage, type ReplyTo, SignalError } from "../signal/signal-client.js";
import {
  type Attempt,
  BROWSER_PARTS,
  type ConnectionOwner,
  type ConnectionParts,
  type JoinTarget,
} from "./connection-contract.js";
import { DeviceSwitch } from "./device-switch.js";
import { RESUME_WINDOW_MS, RETRYABLE, reconnectDelays } from "./reconnect.js";
import { resumeStore } from "./resume-store.js";
import { CONNECT_TIMEOUT_MS, RoomConnection } from "./room-connection.js";
import { codeOf, passwordReason, roomErrorOf } from "./room-errors.js";
import { type RoomError, RoomState, type View } from "./room-state.js";
import { Roster } from "./roster.js";

const LEAVE_REPLY_TIMEOUT_MS = 3_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class Room {
  readonly state = new RoomState();
  private readonly roster = new Roster(this.state);
  private readonly devices = new DeviceSwitch(this.state, {
    session: () => this.session,
    connection: () => this.conn,
  });
  /** The current socket (null between connections). */
  private conn: RoomConnection | null = null;
  private session = 0;
  private lastJoin: JoinTarget | null = null;
  /** From `joined.resume`: presented after a lost connection to come back as the same participant. */
  private resumeToken: string | null = null;
  /** Feature modules' handler tables: they outlive connections, so they register here, not on one socket. */
  private readonly handlers = new HandlerTables();
  /** End-to-end encryption's transforms for the media (features/e2ee sets them), for every connection. */
  transforms: TransformsSource = () => null;
  /** The current connection's owner: every call comes from the connection the Room holds now. */
  private readonly owner: ConnectionOwner = {
    entered: (resume) => {
      this.resumeToken = resume;
      const last = this.lastJoin;
      if (last) resumeStore.set(last.room, resume, last.breakout ?? null);
      this.state.breakout.value = last?.breakout ?? null;
    },
    ended: (view) => this.finish(view),
    moved: (breakout, grant) => void this.move(breakout, grant),
    lost: (mediaLost) => {
      this.reconnect(mediaLost);
    },
    failed: (error) => this.fail(this.session, error),
    transforms: () => this.transforms(),
  };

  /** `parts`: the browser's socket and media engine, unless a test gives its own. */
  constructor(private readonly parts: ConnectionParts = BROWSER_PARTS) {}

  /**
   * A feature module's handlers for every message the server sends on its own, on whatever connection, and
   * `joined` at each entry (first join and every join again). Returns the function that removes them.
   */
  register(handlers: ServerHandlers): () => void {
    return this.handlers.register(handlers);
  }

  /** The current connection's media engine (null between connections), for features/screen-share. */
  get media(): Engine | null {
    return this.conn?.engine ?? null;
  }

  /** A feature module's request, to the signal client of the connection in the meeting (or its lobby). */
  request<M extends OutgoingMessage>(msg: M): Promise<ReplyTo<M["type"]>> {
    const signal = this.conn?.requests;
    if (signal) return signal.request(msg);
    return Promise.reject(new SignalError("closed", `cannot send '${msg.type}': not in the meeting`));
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
    this.state.resetMeeting();
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
      if (session === this.session) this.devices.refresh();
    };

    if (!this.parts.webrtc()) {
      this.fail(session, { key: "error.noWebrtc" });
      return;
    }
    // A token kept from before a reload of this page: come back as the same participant (role, hand), in
    // the breakout room it was in. If it is no longer honoured: a fresh join, in the meeting itself.
    const kept = resumeStore.get(roomName);
    if (kept?.breakout) this.lastJoin = { ...this.lastJoin, breakout: kept.breakout };
    let outcome = await this.attempt(session, media, kept?.token ?? null);
    const gone = [ErrorCode.ResumeExpired, ErrorCode.NotFound, ErrorCode.Forbidden] as string[];
    if (kept && outcome.kind === "failed" && gone.includes(codeOf(outcome.error) ?? "")) {
      resumeStore.clear(roomName);
      this.lastJoin = { room: roomName, name: displayName, ...(password !== undefined ? { password } : {}) };
      outcome = await this.attempt(session, media, null);
    }
    if (outcome.kind === "failed") {
      // The media server restarted under the join: the call can still happen once it is back.
      if (codeOf(outcome.error) === "closed" && outcome.closeCode === CloseCode.MediaLost) {
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
    // Closing the socket takes us out of the lobby all the same (`lobby.resolved` "left"); saying so is
    // quicker.
    const said = this.conn?.closeSaying({ type: "lobby.cancel" }, LEAVE_REPLY_TIMEOUT_MS);
    this.conn = null;
    this.stopAll(false);
    this.state.view.value = "prejoin";
    await said;
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

  /** Comes back at once as ourselves on a new connection, new media with it (E2EE turned on meanwhile). */
  reconnectNow(): void {
    void this.reconnect(false);
  }

  /** A feature that cannot let the call go on (E2EE in a browser without it): leaves, and says why. */
  endWith(error: RoomError): void {
    this.conn?.closeNow({ type: "leave" });
    this.fail(this.session, error);
  }

  /** Hangs up: the devices stop at once, the server is told, the socket closes. */
  async leave(): Promise<void> {
    // The server drops us anyway when the socket closes; `leave` tells the others at once.
    const said = this.conn?.closeSaying({ type: "leave" }, LEAVE_REPLY_TIMEOUT_MS);
    this.conn = null;
    this.stopAll(true);
    this.state.view.value = "left";
    await said;
  }

  /** Leaving the meeting for another page of the app: no time to wait for a reply. */
  leaveNow(): void {
    this.conn?.closeNow({ type: "leave" });
    this.conn = null;
    this.stopAll(true);
    const view = this.state.view.value;
    if (view === "joining" || view === "conference" || view === "lobby" || view === "password")
      this.state.view.value = "left";
  }

  /**
   * The page goes away (a reload, a closed tab): the socket closes without `leave`, so the server keeps our
   * place for its resume window, and this tab's token brings us back as ourselves after a reload.
   */
  suspendNow(): void {
    this.conn?.close();
    this.conn = null;
    this.teardown();
    this.state.local.value?.media.stop();
  }

  /** Turns the microphone or the camera on or off, and tells the others. */
  setDevice(kind: MediaKind, on: boolean): Promise<void> {
    return this.devices.set(kind, on);
  }

  /**
   * The server sends us to another room of the meeting (a breakout room, or back): a new connection joins it
   * with the grant, as the same participant, while our media goes on flowing where we were until then.
   */
  private async move(to: string | null, grant: string): Promise<void> {
    const media = this.state.local.value?.media;
    const last = this.lastJoin;
    if (!media || !last) return;
    const { breakout: _left, ...meeting } = last;
    this.lastJoin = to === null ? meeting : { ...meeting, breakout: to };
    const old = this.conn;
    old?.retire();
    this.conn = null;
    const session = ++this.session;
    this.resumeToken = null;
    this.state.resetMeeting();
    const outcome = await this.attempt(session, media, null, grant);
    old?.close();
    if (outcome.kind === "failed") this.refused(session, outcome);
  }

  /** One connection and its `join`, for the current session (see RoomConnection.open). */
  private async attempt(
    session: number,
    media: LocalMedia,
    resume: string | null,
    grant?: string,
  ): Promise<Attempt> {
    const target = this.lastJoin;
    if (!target || session !== this.session) return { kind: "stale" };
    this.conn?.close();
    const conn = new RoomConnection(this.state, this.roster, this.owner, this.handlers, this.parts);
    this.conn = conn;
    const outcome = await conn.open(target, media, resume, grant);
    if (session !== this.session) return { kind: "stale" };
    if (outcome.kind === "failed" && this.conn === conn) this.conn = null;
    return outcome;
  }

  /** A join that did not get in: ask for the password, or say why. */
  private refused(session: number, outcome: Extract<Attempt, { kind: "failed" }>): void {
    if (session !== this.session) return;
    const reason = passwordReason(outcome.error);
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
   * The connection dropped in the meeting (or its lobby): join again by ourselves with the resume token,
   * at 0.5 s, 1 s, 2 s… within the server's window (after 4002, once the server is ready), the meeting on
   * screen under a "Reconnecting…" banner.
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
        this.forgetResume();
        resumed = false;
        this.state.resetMeeting();
        outcome = await this.attempt(session, media, null);
      }
      if (outcome.kind === "stale" || outcome.kind === "waiting") return;
      if (outcome.kind === "entered") {
        s.rejoined.value = { count: (s.rejoined.value?.count ?? 0) + 1, resumed };
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

  /** This participant will not come back as itself: neither after a drop nor after a reload. */
  private forgetResume(): void {
    this.resumeToken = null;
    if (this.lastJoin) resumeStore.clear(this.lastJoin.room);
  }

  /** The meeting is over for us, for a reason the view tells (refused, removed, ended, left). */
  private finish(view: Extract<View, "denied" | "removed" | "ended" | "left">): void {
    this.stopAll(true);
    this.state.passwordPrompt.value = null;
    this.state.view.value = view;
  }

  private fail(session: number, error: RoomError): void {
    if (session !== this.session) return;
    console.warn(`palabre: ${error.key}${error.detail ? ` (${error.detail})` : ""}`);
    this.stopAll(false);
    this.state.passwordPrompt.value = null;
    this.state.error.value = error;
    this.state.view.value = "error";
  }

  /**
   * Out of the meeting: the connection closed, the devices stopped, no banner; `forget`: not to come back as
   * ourselves either. A connection still saying goodbye (closeSaying) is let go by its caller first.
   */
  private stopAll(forget: boolean): void {
    this.teardown();
    if (forget) this.forgetResume();
    this.state.local.value?.media.stop();
    this.state.reconnecting.value = false;
  }

  /** Closes the connections and invalidates every callback of the current session. */
  private teardown(): void {
    this.session += 1;
    this.conn?.close();
    this.conn = null;
    this.state.connection.value = "closed";
    this.state.mediaReconnecting.value = false;
  }
}
