/**
 * All rooms of this node. A room exists while someone is in it; its media room is created with it.
 */
import { CloseCode, ErrorCode, ProtocolError } from "../../protocol/errors.js";
import { logger } from "../logger.js";
import type { MediaEngine } from "../media/media-room.js";
import type { Router } from "../routing/router.js";
import { Room, type RoomDump, type RoomOptions } from "./room.js";

const log = logger("conference");

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
    const entry = this.#rooms.get(roomName) ?? this.#createRoom(roomName);
    await entry.ready;
    return entry.room;
  }

  get roomCount(): number {
    return this.#rooms.size;
  }

  dump(): RoomDump[] {
    return [...this.#rooms.values()].map((e) => e.room.dump());
  }

  /** The media plane was lost: end every call; clients may rejoin once it is back. */
  mediaLost(): void {
    for (const { room } of [...this.#rooms.values()])
      void room.close(CloseCode.MediaLost, "media server restarted");
  }

  async close(): Promise<void> {
    await Promise.allSettled(
      [...this.#rooms.values()].map(({ room }) => room.close(CloseCode.GoingAway, "shutdown")),
    );
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
        log.error("media room creation failed", { err: String(err) });
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
