/**
 * All rooms of this node. A room exists while someone is in it (or may come back to it); its media room is
 * created with it, and created again on a new media server when the old one was lost.
 */
import { CloseCode, ErrorCode, ProtocolError } from "../../protocol/errors.js";
import { errorFields } from "../log-fields.js";
import { logger } from "../logger.js";
import type { MediaEngine } from "../media/media-room.js";
import type { Router } from "../routing/router.js";
import { Room, type RoomDump, type RoomOptions } from "./room.js";

const log = logger("conference");
/** A room whose media could not be created again on the new media server tries again this often. */
const RESTORE_RETRY_MS = 1000;

export type ConferenceOptions = Omit<RoomOptions, "onClosed">;

export class Conference {
  readonly #media: MediaEngine;
  readonly #router: Router;
  readonly #options: ConferenceOptions;
  readonly #rooms = new Map<string, { room: Room; ready: Promise<void> }>();

  constructor(media: MediaEngine, router: Router, options: ConferenceOptions) {
    this.#media = media;
    this.#router = router;
    this.#options = options;
  }

  /** The room called `roomName`, created (with its media) if it does not exist yet. */
  async room(roomName: string): Promise<Room> {
    for (;;) {
      const entry = this.#rooms.get(roomName) ?? this.#createRoom(roomName);
      await entry.ready;
      // Another join's refusal may have closed the room while this one waited for its media.
      if (!entry.room.closed) return entry.room;
    }
  }

  /** How many are in the room called `roomName` (0 if there is none); creates nothing. */
  occupancy(roomName: string): number {
    return this.#rooms.get(roomName)?.room.size ?? 0;
  }

  get roomCount(): number {
    return this.#rooms.size;
  }

  dump(): RoomDump[] {
    return [...this.#rooms.values()].map((e) => e.room.dump());
  }

  /** The media plane was lost: every room keeps its meeting and waits for media (Room.mediaLost). */
  mediaLost(): void {
    for (const { room } of this.#rooms.values()) room.mediaLost();
  }

  /** The media plane is back: every room gets a media room on it, and its people publish again. */
  mediaRestored(): void {
    for (const { room } of this.#rooms.values()) if (!room.hasMedia) void this.#restore(room);
  }

  async close(): Promise<void> {
    await Promise.allSettled(
      [...this.#rooms.values()].map(({ room }) => room.close(CloseCode.GoingAway, "shutdown")),
    );
  }

  async #restore(room: Room): Promise<void> {
    while (!room.closed && !room.hasMedia) {
      try {
        const media = await this.#media.createRoom(room.name, room);
        if (room.closed || room.hasMedia) void media.close();
        else room.restoreMedia(media);
        return;
      } catch (err) {
        log.warn("media room re-creation failed; retrying", errorFields(err));
        await new Promise((resolve) => setTimeout(resolve, RESTORE_RETRY_MS).unref());
      }
    }
  }

  #createRoom(name: string) {
    const room = new Room(name, this.#router, {
      ...this.#options,
      onClosed: (r) => {
        if (this.#rooms.get(name)?.room === r) this.#rooms.delete(name);
        log.debug("room closed", { rooms: this.#rooms.size });
      },
    });
    const ready = this.#media.createRoom(name, room).then(
      (media) => {
        if (room.closed) void media.close();
        else room.attachMedia(media);
      },
      (err: unknown) => {
        // The next join retries with a fresh room.
        if (this.#rooms.get(name)?.room === room) this.#rooms.delete(name);
        log.error("media room creation failed", errorFields(err));
        throw new ProtocolError(
          ErrorCode.MediaFailed,
          "the media server is not available; try again shortly",
        );
      },
    );
    const entry = { room, ready };
    this.#rooms.set(name, entry);
    return entry;
  }
}
