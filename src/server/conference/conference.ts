/**
 * All rooms of this node. A room exists while someone is in it (or may come back to it); its media room is
 * created with it, and created again on a new media server when the old one was lost.
 */
import { CloseCode, ErrorCode, ProtocolError } from "../../protocol/errors.js";
import { errorFields } from "../log-fields.js";
import { logger } from "../logger.js";
import type { MediaEngine } from "../media/media-room.js";
import type { MeetingStore } from "../routing/meeting-state.js";
import type { Router } from "../routing/router.js";
import { Breakouts } from "./breakouts.js";
import { Room } from "./room.js";
import type { RoomDump, RoomOptions } from "./room-options.js";
import { anyoneMayReturn } from "./snapshot.js";

const log = logger("conference");
/** A room whose media could not be created again on the new media server tries again this often. */
const RESTORE_RETRY_MS = 1000;

export type ConferenceOptions = Omit<RoomOptions, "onClosed" | "onChange">;

export class Conference {
  readonly #media: MediaEngine;
  readonly #router: Router;
  readonly #options: ConferenceOptions;
  readonly #rooms = new Map<string, { room: Room; ready: Promise<void> }>();
  readonly #store: MeetingStore | undefined;
  /** Rooms being handed to another node: their closing is not their meeting's end. */
  readonly #handedOver = new WeakSet<Room>();
  #handingOver = false;

  constructor(media: MediaEngine, router: Router, options: ConferenceOptions, store?: MeetingStore) {
    this.#media = media;
    this.#router = router;
    this.#options = options;
    this.#store = store;
    // Another node holds a meeting we have (it took it over while we were cut off from Redis): our copy
    // ends, and its people reconnect to that node (1012).
    store?.onLost((name) => {
      const entry = this.#rooms.get(name);
      if (!entry) return;
      log.warn("a meeting is held by another node; handing its people over");
      this.#handedOver.add(entry.room);
      void entry.room.close(CloseCode.ServiceRestart, "the meeting moved to another server");
    });
  }

  /** Whether this node has the room called `roomName` now. */
  has(roomName: string): boolean {
    return this.#rooms.has(roomName);
  }

  roomNames(): string[] {
    return [...this.#rooms.keys()];
  }

  rooms(): Room[] {
    return [...this.#rooms.values()].map((e) => e.room);
  }

  /** The room called `roomName`, created (with its media) if it does not exist yet. */
  async room(roomName: string): Promise<Room> {
    for (;;) {
      if (this.#handingOver && !this.#rooms.has(roomName)) {
        // A join that reached a node as it stops: the client tries again, and another node takes it.
        throw new ProtocolError(ErrorCode.Unavailable, "this server is stopping; try again");
      }
      const entry = this.#rooms.get(roomName) ?? this.#createRoom(roomName);
      await entry.ready;
      // Another join's refusal may have closed the room while this one waited for its media.
      if (!entry.room.closed) return entry.room;
    }
  }

  /**
   * Breakout room `id` of the meeting called `roomName`, if it is open; `not_found` otherwise. The meeting is
   * set up first, as for any join: after its node was lost, the first to come back may be in a breakout
   * room, and the meeting's take-over makes its rooms again (a breakout room is made by its meeting only).
   */
  async breakoutRoom(roomName: string, id: string): Promise<Room> {
    const main = await this.room(roomName);
    const room = main.family?.room(id);
    if (room && !room.closed) return room;
    main.closeIfIdle(); // made for this join only: it must not stay
    throw new ProtocolError(ErrorCode.NotFound, "no such breakout room");
  }

  /** How many are in the room called `roomName` (0 if there is none); creates nothing. */
  occupancy(roomName: string): number {
    const room = this.#rooms.get(roomName)?.room;
    return (room?.family?.members() ?? (room ? [room] : [])).reduce((n, r) => n + r.size, 0);
  }

  get roomCount(): number {
    return this.#rooms.size;
  }

  /** Participants in every room (not counting lobbies): read each heartbeat, so no dump is built for it. */
  get participantCount(): number {
    let n = 0;
    for (const room of this.#everyRoom()) n += room.size;
    return n;
  }

  dump(): RoomDump[] {
    return [...this.#rooms.values()].map((e) => e.room.dump());
  }

  /** The media plane was lost: every room keeps its meeting and waits for media (Room.mediaLost). */
  mediaLost(): void {
    for (const room of this.#everyRoom()) room.mediaLost();
  }

  /** The media plane is back: every room gets a media room on it, and its people publish again. */
  mediaRestored(): void {
    for (const room of this.#everyRoom()) if (!room.hasMedia) void this.#restore(room);
  }

  /** Every meeting, and every breakout room of each. */
  *#everyRoom(): Generator<Room> {
    for (const { room } of this.#rooms.values()) yield* room.family?.members() ?? [room];
  }

  async close(): Promise<void> {
    await Promise.allSettled(
      [...this.#rooms.values()].map(({ room }) => room.close(CloseCode.GoingAway, "shutdown")),
    );
  }

  /**
   * This node stops, the meetings go on elsewhere: each room's snapshot is written and released, then its
   * people are told to reconnect (1012), which brings them, as themselves, to the node that claims it next.
   */
  async handOver(): Promise<void> {
    const store = this.#store;
    if (!store) return this.close();
    this.#handingOver = true;
    await Promise.allSettled(
      [...this.#rooms.values()].map(async ({ room, ready }) => {
        await ready.catch(() => undefined);
        this.#handedOver.add(room);
        try {
          await store.handOver(room);
        } catch (err) {
          log.warn("meeting hand-over failed", errorFields(err));
        }
        await room.close(CloseCode.ServiceRestart, "this server is restarting; reconnecting");
      }),
    );
  }

  /** A meeting another node held (it died, or stopped) goes on here, with its state (snapshot.ts). */
  async #takeOver(room: Room): Promise<void> {
    const store = this.#store;
    if (!store) return;
    let snapshot: Awaited<ReturnType<MeetingStore["load"]>>;
    try {
      snapshot = await store.load(room.name);
    } catch (err) {
      // Unreadable state must not open the meeting without its password: refuse, the client retries.
      log.warn("meeting state could not be read", errorFields(err));
      throw new ProtocolError(
        ErrorCode.Unavailable,
        "the meeting cannot be reached right now; try again shortly",
      );
    }
    if (!snapshot || !anyoneMayReturn(snapshot)) return;
    const now = Date.now();
    room.takeOver(snapshot, now);
    if (snapshot.breakouts) await room.family?.restore(snapshot.breakouts, now);
    // Only once every room has its people back at the door: an empty room would end the meeting otherwise.
    for (const r of room.family?.members() ?? [room]) r.settle(now);
    log.info("meeting taken over", {
      people: snapshot.people.length,
      breakoutRooms: snapshot.breakouts?.rooms.length ?? 0,
    });
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

  /** Breakout room `id` of `main`: a room of its own (media, chat, hands, polls) in the meeting's family. */
  async #createBreakout(main: Room, id: string): Promise<Room> {
    const store = this.#store;
    const room = new Room(`${main.name}~${id}`, this.#router, {
      ...this.#options,
      onClosed: () => log.debug("breakout room closed"),
      // Its state is part of the meeting's snapshot.
      onChange: store ? () => store.changed(main) : undefined,
    });
    room.family = main.family;
    try {
      room.attachMedia(await this.#media.createRoom(room.name, room));
    } catch (err) {
      void room.close(CloseCode.GoingAway, "room could not be set up");
      log.error("media room creation failed", errorFields(err));
      throw new ProtocolError(ErrorCode.MediaFailed, "the media server is not available; try again shortly");
    }
    return room;
  }

  #createRoom(name: string) {
    const store = this.#store;
    const room = new Room(name, this.#router, {
      ...this.#options,
      onClosed: (r) => {
        if (this.#rooms.get(name)?.room === r) this.#rooms.delete(name);
        if (store && !this.#handedOver.has(r)) store.ended(name);
        log.debug("room closed", { rooms: this.#rooms.size });
      },
      onChange: store ? (r) => store.changed(r) : undefined,
    });
    room.family = new Breakouts(room, { createRoom: (id) => this.#createBreakout(room, id) });
    const ready = this.#takeOver(room)
      .then(() => this.#media.createRoom(name, room))
      .then(
        (media) => {
          if (room.closed) void media.close();
          else room.attachMedia(media);
        },
        (err: unknown) => {
          // The next join retries with a fresh room.
          if (this.#rooms.get(name)?.room === room) this.#rooms.delete(name);
          // Its timers stop; its state, if another node left one, stays for the next try.
          this.#handedOver.add(room);
          void room.close(CloseCode.GoingAway, "room could not be set up");
          if (err instanceof ProtocolError) throw err;
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
