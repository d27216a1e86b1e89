/**
 * Room: the one object the UI talks to. It drives the signal client and the engine, and is the only writer
 * of RoomState. Each join starts a new "session" number; callbacks from an older session (a socket closing
 * after we left, a late answer) see a stale number and do nothing.
 */

import { CloseCode } from "../../protocol/errors.js";
import { type ParticipantInfo, PROTOCOL_VERSION, type ServerMessageOf } from "../../protocol/messages.js";
import { Engine } from "../engine/engine.js";
import { LocalMedia, type MediaKind } from "../engine/local-media.js";
import type { MessageKey } from "../i18n/i18n.js";
import { Emitter } from "../signal/emitter.js";
import { waitForServerReady } from "../signal/server-ready.js";
import {
  type OutgoingMessage,
  type ReplyTo,
  SignalClient,
  SignalError,
  type SignalEvents,
} from "../signal/signal-client.js";
import { roomErrorOf } from "./room-errors.js";
import { type RemoteParticipant, type RoomError, RoomState } from "./room-state.js";

const LEAVE_REPLY_TIMEOUT_MS = 3_000;
/** Server messages handed on to feature modules (chat, hands, reactions) through Room.onServer. */
const RELAYED = ["chat.message", "hands", "reaction"] as const;

export class Room {
  readonly state = new RoomState();
  private signal: SignalClient | null = null;
  private engine: Engine | null = null;
  private session = 0;
  private announceSeq = 0;
  private lastJoin: { room: string; name: string } | null = null;
  /** An offer that arrived before the engine existed (it should not happen, but costs nothing to keep). */
  private earlyOffer: ServerMessageOf<"subscribe.offer"> | null = null;
  /** Feature modules' listeners: they outlive connections, so they subscribe here rather than to one socket. */
  private readonly relay = new Emitter<SignalEvents>();

  /**
   * Lets a feature module hear server messages of the current connection (those in RELAYED), and `joined`
   * each time we enter a room (first join and every join again), to (re)load its state and flush what waits.
   */
  onServer<K extends keyof SignalEvents>(type: K, handler: (msg: SignalEvents[K]) => void): () => void {
    return this.relay.on(type, handler);
  }

  /** Sends a request on the current connection for a feature module; rejects with a SignalError. */
  request<M extends OutgoingMessage>(msg: M): Promise<ReplyTo<M["type"]>> {
    if (!this.signal?.isOpen)
      return Promise.reject(new SignalError("closed", `cannot send '${msg.type}': not connected`));
    return this.signal.request(msg);
  }

  /** Joins `roomName` as `displayName`, publishing what `media` holds. Failures end in the error view. */
  async join(roomName: string, displayName: string, media: LocalMedia): Promise<void> {
    const previous = this.state.local.value?.media;
    this.teardown();
    if (previous && previous !== media) previous.stop();
    const session = this.session;
    const s = this.state;
    this.lastJoin = { room: roomName, name: displayName };
    s.error.value = null;
    s.announcement.value = null;
    s.remotes.value = new Map();
    s.mediaHealth.value = "connecting";
    s.local.value = {
      info: null,
      name: displayName,
      media,
      audio: media.isOn("audio"),
      video: media.isOn("video"),
      videoTrack: media.track("video"),
    };
    s.view.value = "joining";
    media.onEnded = () => {
      if (session === this.session) this.refreshLocal();
    };

    if (typeof RTCPeerConnection === "undefined") {
      this.fail(session, { key: "error.noWebrtc" });
      return;
    }
    const signal = new SignalClient();
    this.signal = signal;
    this.listen(signal, session);
    s.connection.value = "connecting";
    try {
      await signal.connect();
    } catch {
      this.fail(session, { key: "error.connectFailed" });
      return;
    }
    if (session !== this.session) return;
    s.connection.value = "connected";

    let joined: ServerMessageOf<"joined">;
    try {
      const devices = this.state.local.value;
      joined = await signal.request({
        type: "join",
        v: PROTOCOL_VERSION,
        room: roomName,
        name: displayName,
        audio: devices?.audio ?? true,
        video: devices?.video ?? true,
      });
    } catch (err) {
      this.fail(session, roomErrorOf(err));
      return;
    }
    if (session !== this.session) return;

    // No await from here until the engine exists: a subscribe.offer may be the very next frame.
    const engine = new Engine(signal, joined.iceServers, media.stream, {
      onRemoteTracks: (id, tracks) => {
        if (session === this.session) this.setRemoteTracks(id, tracks.audio, tracks.video);
      },
      onHealth: (health) => {
        if (session === this.session) s.mediaHealth.value = health;
      },
    });
    this.engine = engine;
    s.roomName.value = joined.room;
    const local = s.local.value;
    if (local) s.local.value = { ...local, info: joined.you };
    // A toggle pressed while `join` was in flight: declare the state the devices are really in.
    if (local && (local.audio !== joined.you.audio || local.video !== joined.you.video))
      this.sendMediaState();
    s.remotes.value = new Map(
      joined.participants.filter((p) => p.id !== joined.you.id).map((p) => [p.id, { info: p }]),
    );
    s.view.value = "conference";
    s.reconnecting.value = false;
    this.relay.emit("joined", joined);
    if (this.earlyOffer) this.applyOffer(this.earlyOffer);
    this.earlyOffer = null;

    try {
      await engine.publish();
    } catch (err) {
      this.fail(session, roomErrorOf(err));
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
    await this.join(last.room, last.name, media);
  }

  /** Hangs up: the devices stop at once, the server is told, the socket closes. */
  async leave(): Promise<void> {
    const signal = this.signal;
    this.signal = null; // keep it open past teardown, long enough to say goodbye
    this.teardown();
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
    this.state.local.value?.media.stop();
    const view = this.state.view.value;
    if (view === "joining" || view === "conference") this.state.view.value = "left";
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
    if (!local || !this.signal?.isOpen) return;
    this.signal
      .request({ type: "media.state", audio: local.audio, video: local.video })
      .catch((err: unknown) => {
        console.warn("palabre: media.state was not accepted", err);
      });
  }

  private listen(signal: SignalClient, session: number): void {
    const current = () => session === this.session;
    signal.on("participant.joined", ({ participant }) => {
      if (!current() || participant.id === this.state.local.value?.info?.id) return;
      const tracks = this.engine?.remoteTracksOf(participant.id) ?? {};
      this.upsertRemote(participant, tracks.audio, tracks.video);
      this.announce("conference.joinedAnnounce", participant.name);
    });
    signal.on("participant.updated", ({ participant }) => {
      if (!current()) return;
      const local = this.state.local.value;
      if (local && participant.id === local.info?.id) {
        this.state.local.value = { ...local, info: participant };
        return;
      }
      const existing = this.state.remotes.value.get(participant.id);
      this.upsertRemote(participant, existing?.audioTrack, existing?.videoTrack);
    });
    signal.on("participant.left", ({ participantId }) => {
      if (!current()) return;
      const gone = this.state.remotes.value.get(participantId);
      if (!gone) return;
      const next = new Map(this.state.remotes.value);
      next.delete(participantId);
      this.state.remotes.value = next;
      this.announce("conference.leftAnnounce", gone.info.name);
    });
    signal.on("subscribe.offer", (msg) => {
      if (!current()) return;
      if (this.engine) this.applyOffer(msg);
      else this.earlyOffer = msg;
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
      this.state.connection.value = "closed";
      const view = this.state.view.value;
      if (view !== "joining" && view !== "conference") return;
      if (code === CloseCode.MediaLost) {
        this.recover();
        return;
      }
      if (code === CloseCode.Left) {
        // The server ended our participation (e.g. removed by a moderator): we are out, not broken.
        this.teardown();
        this.state.local.value?.media.stop();
        this.state.view.value = "left";
        return;
      }
      this.fail(session, { key: "error.connectionLost" });
    });
  }

  /**
   * The server ended every call because its media server restarted; the call can go on once it is back.
   * Joining again is all it takes (a new participant for the others), with the same devices, still open.
   */
  private async recover(): Promise<void> {
    const last = this.lastJoin;
    const media = this.state.local.value?.media;
    this.teardown();
    if (!last || !media) return;
    const session = this.session;
    this.state.reconnecting.value = true;
    this.state.view.value = "joining";
    const ready = await waitForServerReady(() => session === this.session);
    if (session !== this.session) return;
    if (!ready) {
      this.fail(session, { key: "error.connectionLost" });
      return;
    }
    await this.join(last.room, last.name, media);
  }

  private applyOffer(msg: ServerMessageOf<"subscribe.offer">): void {
    this.engine?.handleSubscribeOffer(msg).catch((err: unknown) => {
      console.warn("palabre: could not apply a subscribe offer", err);
    });
  }

  private upsertRemote(info: ParticipantInfo, audioTrack?: MediaStreamTrack, videoTrack?: MediaStreamTrack) {
    const entry: RemoteParticipant = { info };
    if (audioTrack) entry.audioTrack = audioTrack;
    if (videoTrack) entry.videoTrack = videoTrack;
    const next = new Map(this.state.remotes.value);
    next.set(info.id, entry);
    this.state.remotes.value = next;
  }

  private setRemoteTracks(id: string, audio?: MediaStreamTrack, video?: MediaStreamTrack): void {
    const existing = this.state.remotes.value.get(id);
    // Tracks for someone not (yet) listed stay in the engine; participant.joined picks them up.
    if (existing) this.upsertRemote(existing.info, audio, video);
  }

  private announce(key: MessageKey, name: string): void {
    this.announceSeq += 1;
    this.state.announcement.value = { key, name, seq: this.announceSeq };
  }

  private fail(session: number, error: RoomError): void {
    if (session !== this.session) return;
    console.warn(`palabre: ${error.key}${error.detail ? ` (${error.detail})` : ""}`);
    this.teardown();
    this.state.local.value?.media.stop();
    this.state.reconnecting.value = false;
    this.state.error.value = error;
    this.state.view.value = "error";
  }

  /** Closes the connections and invalidates every callback of the current session. */
  private teardown(): void {
    this.session += 1;
    this.engine?.close();
    this.engine = null;
    this.signal?.close();
    this.signal = null;
    this.earlyOffer = null;
    this.state.connection.value = "closed";
  }
}
