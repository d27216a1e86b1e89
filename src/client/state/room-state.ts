/**
 * The room as the UI sees it, held in signals: components read them and re-render on change. The Room writes
 * most of them; some features write their own corner too (lobby, moderation, settings, the screens: which
 * panel is open, what the server said). The chat and the raised hands keep theirs in their own controllers
 * (features/chat, features/hands).
 * Collections are replaced, never mutated, so a changed reference means a change.
 */
import { signal } from "@preact/signals";
import type { BarredEntry, LobbyEntry, ParticipantInfo, RoomSettings } from "../../protocol/messages.js";
import type { MediaHealth } from "../engine/engine.js";
import type { LocalMedia, MediaKind } from "../engine/local-media.js";
import type { RemoteTracks } from "../engine/subscriber.js";
import type { MessageKey } from "../i18n/i18n.js";

export type View =
  | "prejoin"
  | "joining"
  /** The room is locked: asking for its password (features/lobby). */
  | "password"
  /** Waiting in the lobby for a moderator (features/lobby). */
  | "lobby"
  | "conference"
  | "left"
  /** Refused from the lobby (close 4003), removed by a moderator (4004), meeting over while waiting (4005). */
  | "denied"
  | "removed"
  | "ended"
  | "error";

/** The signaling socket's state. */
export type ConnectionStatus = "idle" | "connecting" | "connected" | "closed";

export interface RemoteParticipant {
  info: ParticipantInfo;
  audioTrack?: MediaStreamTrack;
  videoTrack?: MediaStreamTrack;
  /** A shared screen and its sound (features/screen-share); shown while `info.screen` says so. */
  screenTrack?: MediaStreamTrack;
  screenAudioTrack?: MediaStreamTrack;
}

/** A remote participant's entry, with the tracks the subscriber receives from them. */
export function remoteOf(info: ParticipantInfo, tracks: RemoteTracks): RemoteParticipant {
  const entry: RemoteParticipant = { info };
  if (tracks.audio) entry.audioTrack = tracks.audio;
  if (tracks.video) entry.videoTrack = tracks.video;
  if (tracks.screen) entry.screenTrack = tracks.screen;
  if (tracks.screenAudio) entry.screenAudioTrack = tracks.screenAudio;
  return entry;
}

/** The tracks an entry holds, to keep them when only `info` changes. */
export function tracksOf(p: RemoteParticipant): RemoteTracks {
  return { audio: p.audioTrack, video: p.videoTrack, screen: p.screenTrack, screenAudio: p.screenAudioTrack };
}

export interface LocalParticipant {
  /** As the server described us; null until `joined`. */
  info: ParticipantInfo | null;
  name: string;
  media: LocalMedia;
  /** Microphone / camera switched on (and present). */
  audio: boolean;
  video: boolean;
  /** The camera track, kept here so the tile re-renders when a late-opened camera appears. */
  videoTrack: MediaStreamTrack | null;
}

export interface RoomError {
  key: MessageKey;
  /** The server's own words, for the curious and for bug reports; not translated. */
  detail?: string;
}

/** Something to say to screen-reader users in a live region (joins and leaves). */
export interface Announcement {
  key: MessageKey;
  name: string;
  /** Distinguishes two identical announcements so the live region speaks both. */
  seq: number;
}

/** Until `joined` says: nothing allowed that the meeting may forbid (recording). */
const NO_SETTINGS: RoomSettings = {
  lobby: false,
  locked: false,
  e2ee: false,
  pollsByAnyone: false,
  recordingAllowed: false,
};

export class RoomState {
  readonly view = signal<View>("prejoin");
  readonly connection = signal<ConnectionStatus>("idle");
  readonly mediaHealth = signal<MediaHealth>("connecting");
  /** The room name as the server normalised it (lower case), once joined. */
  readonly roomName = signal<string>("");
  readonly local = signal<LocalParticipant | null>(null);
  readonly remotes = signal<ReadonlyMap<string, RemoteParticipant>>(new Map());
  readonly error = signal<RoomError | null>(null);
  /** True while joining again by ourselves after the connection dropped. */
  readonly reconnecting = signal(false);
  /** The media server was lost: the meeting goes on while the media is set up again. */
  readonly mediaReconnecting = signal(false);
  readonly announcement = signal<Announcement | null>(null);

  // Shared by several features (lobby, moderation, participants, chat, hands): each feature writes its own.
  readonly settings = signal<RoomSettings>(NO_SETTINGS);
  /** People waiting in the lobby; filled for moderators only. */
  readonly lobbyEntries = signal<readonly LobbyEntry[]>([]);
  /** Moderators: who was removed from the meeting (and may be let back). */
  readonly barred = signal<readonly BarredEntry[]>([]);
  /** Why a moderator removed us, if they said. */
  readonly removalReason = signal<string | null>(null);
  readonly participantsOpen = signal(false);

  // Lobby, password, moderation, reconnection (features/lobby, moderation, participants, security).
  /** Why the password is asked for; null when it is not. */
  readonly passwordPrompt = signal<PasswordPrompt | null>(null);
  /** Lobby knocks still shown as notifications (moderators); a subset of lobbyEntries. */
  readonly knocks = signal<readonly LobbyEntry[]>([]);
  /** What moderators did to us (muted, asked to unmute, gave the floor), until dismissed. */
  readonly notices = signal<readonly Notice[]>([]);
  /**
   * Each time the Room got back into the meeting by itself after losing its connection: how many times, and
   * whether the last time as the same participant (its resume token honoured).
   */
  readonly rejoined = signal<{ count: number; resumed: boolean } | null>(null);
  /** The breakout room we are in (its id), or null: the meeting itself (features/breakout). */
  readonly breakout = signal<string | null>(null);

  /** Forgets what belonged to the last meeting's participant (a new one is about to be created). */
  resetMeeting(): void {
    this.error.value = null;
    this.announcement.value = null;
    this.remotes.value = new Map();
    this.mediaHealth.value = "connecting";
    this.settings.value = NO_SETTINGS;
    this.lobbyEntries.value = [];
    this.barred.value = [];
    this.removalReason.value = null;
    this.knocks.value = [];
    this.notices.value = [];
  }
}

export interface PasswordPrompt {
  /** "required": first ask; "wrong": the last one was refused; "tooMany": wait before trying again. */
  reason: "required" | "wrong" | "tooMany";
  /** A try is on its way to the server. */
  busy: boolean;
}

/** Something a moderator did to us, shown until dismissed. `byName` is null if they are not in our list. */
export type Notice =
  | { id: number; type: "muted"; kind: MediaKind | "screen"; byName: string | null }
  | { id: number; type: "unmuteRequest"; kind: MediaKind; byName: string | null }
  | { id: number; type: "floor"; askUnmute: boolean; byName: string | null };
