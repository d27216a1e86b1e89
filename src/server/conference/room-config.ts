/**
 * What moderators set on a meeting: the lobby, the password (its seal only), who may ask polls, whether
 * participants may record locally, and end-to-end encryption. E2EE
 * only goes on: a meeting whose media is end-to-end encrypted never falls back to media the server could see
 * (a moderator, or a server lying in `room.updated`, could otherwise turn it off behind people's backs; the
 * client refuses that too, PROTOCOL.md "End-to-end encryption").
 */
import type { RoomSettings } from "../../protocol/messages.js";
import type { PasswordSeal } from "../routing/meeting-state.js";

export interface ConfigChanges {
  lobby?: boolean | undefined;
  password?: PasswordSeal | null | undefined;
  e2ee?: true | undefined;
  pollsByAnyone?: boolean | undefined;
  recordingAllowed?: boolean | undefined;
}

/** What a snapshot keeps of it (snapshot.ts). */
export interface SavedConfig {
  lobby: boolean;
  password: PasswordSeal | null;
  e2ee: boolean;
  pollsByAnyone: boolean;
  recordingAllowed: boolean;
}

export class RoomConfig {
  lobby: boolean;
  password: PasswordSeal | null = null;
  e2ee = false;
  pollsByAnyone = false;
  recordingAllowed = true;

  constructor(lobbyByDefault: boolean) {
    this.lobby = lobbyByDefault;
  }

  /** What every participant is told. */
  view(): RoomSettings {
    return {
      lobby: this.lobby,
      locked: this.password !== null,
      e2ee: this.e2ee,
      pollsByAnyone: this.pollsByAnyone,
      recordingAllowed: this.recordingAllowed,
    };
  }

  change(changes: ConfigChanges): void {
    if (changes.lobby !== undefined) this.lobby = changes.lobby;
    if (changes.password !== undefined) this.password = changes.password;
    if (changes.e2ee) this.e2ee = true;
    if (changes.pollsByAnyone !== undefined) this.pollsByAnyone = changes.pollsByAnyone;
    if (changes.recordingAllowed !== undefined) this.recordingAllowed = changes.recordingAllowed;
  }

  saved(): SavedConfig {
    return {
      lobby: this.lobby,
      password: this.password,
      e2ee: this.e2ee,
      pollsByAnyone: this.pollsByAnyone,
      recordingAllowed: this.recordingAllowed,
    };
  }

  restore(saved: SavedConfig): void {
    this.lobby = saved.lobby;
    this.password = saved.password;
    this.e2ee = saved.e2ee;
    this.pollsByAnyone = saved.pollsByAnyone;
    this.recordingAllowed = saved.recordingAllowed;
  }
}
