/**
 * Who else is in the meeting, as RoomState shows it: participant events from the server and tracks from the
 * engine merged into `state.remotes`, with a live-region announcement for each arrival and departure.
 * The Room feeds it only from the current session.
 */
import type { ParticipantInfo } from "../../protocol/messages.js";
import type { RemoteTracks } from "../engine/subscriber.js";
import type { MessageKey } from "../i18n/i18n.js";
import { type RoomState, remoteOf, tracksOf } from "./room-state.js";

export class Roster {
  readonly #state: RoomState;
  #announceSeq = 0;

  constructor(state: RoomState) {
    this.#state = state;
  }

  /** Everyone the `joined` message lists (ourselves excluded), with no tracks yet. */
  reset(participants: readonly ParticipantInfo[], selfId: string): void {
    this.#state.remotes.value = new Map(
      participants.filter((p) => p.id !== selfId).map((p) => [p.id, { info: p }]),
    );
  }

  joined(info: ParticipantInfo, tracks: RemoteTracks): void {
    if (info.id === this.#state.local.value?.info?.id) return;
    this.#upsert(info, tracks);
    this.#announce("conference.joinedAnnounce", info.name);
  }

  /** A participant changed (devices, role): ourselves or someone else. */
  updated(info: ParticipantInfo): void {
    const local = this.#state.local.value;
    if (local && info.id === local.info?.id) {
      this.#state.local.value = { ...local, info };
      return;
    }
    const existing = this.#state.remotes.value.get(info.id);
    this.#upsert(info, existing ? tracksOf(existing) : {});
  }

  left(id: string): void {
    const gone = this.#state.remotes.value.get(id);
    if (!gone) return;
    const next = new Map(this.#state.remotes.value);
    next.delete(id);
    this.#state.remotes.value = next;
    this.#announce("conference.leftAnnounce", gone.info.name);
  }

  /** New tracks from the engine. Tracks for someone not (yet) listed stay there; `joined` picks them up. */
  tracks(id: string, tracks: RemoteTracks): void {
    const existing = this.#state.remotes.value.get(id);
    if (existing) this.#upsert(existing.info, tracks);
  }

  /** Every remote's tracks are gone (the media server was lost); the people stay. */
  clearTracks(): void {
    const remotes = this.#state.remotes.value;
    this.#state.remotes.value = new Map([...remotes].map(([id, r]) => [id, remoteOf(r.info, {})]));
  }

  #upsert(info: ParticipantInfo, tracks: RemoteTracks): void {
    const next = new Map(this.#state.remotes.value);
    next.set(info.id, remoteOf(info, tracks));
    this.#state.remotes.value = next;
  }

  #announce(key: MessageKey, name: string): void {
    this.#announceSeq += 1;
    this.#state.announcement.value = { key, name, seq: this.#announceSeq };
  }
}
