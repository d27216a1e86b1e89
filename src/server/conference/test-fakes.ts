/** Stand-ins for the router and the media plane, for unit tests of the conference logic. */
import type { ServerMessage } from "../../protocol/messages.js";
import type { DeviceState, MediaRoom, MediaRoomDump } from "../media/media-room.js";
import type { ParticipantSink, Router } from "../routing/router.js";
import type { ConferenceOptions } from "./conference.js";
import type { EntryClient, EntryRequest } from "./door.js";
import { Room } from "./room.js";
import type { RoomOptions } from "./room-options.js";
import { WindowLimiter } from "./window-limiter.js";

/** Records what each participant was sent and which connections were closed. */
export class RecordingRouter implements Router {
  readonly inbox = new Map<string, ServerMessage[]>();
  readonly closed = new Map<string, number>();
  attach(_id: string, _sink: ParticipantSink): void {}
  detach(): boolean {
    return true;
  }
  deliver(id: string, message: ServerMessage): void {
    const list = this.inbox.get(id) ?? [];
    list.push(message);
    this.inbox.set(id, list);
  }
  disconnect(id: string, code: number): void {
    this.closed.set(id, code);
  }
  types(id: string): string[] {
    return (this.inbox.get(id) ?? []).map((m) => m.type);
  }
  last(id: string): ServerMessage | undefined {
    return this.inbox.get(id)?.at(-1);
  }
  of<T extends ServerMessage["type"]>(id: string, type: T): Extract<ServerMessage, { type: T }>[] {
    return (this.inbox.get(id) ?? []).filter(
      (m): m is Extract<ServerMessage, { type: T }> => m.type === type,
    );
  }
}

/** Media that only remembers what was asked of it. */
export class FakeMedia implements MediaRoom {
  readonly name = "fake";
  readonly added: string[] = [];
  readonly removed: string[] = [];
  readonly blocks: string[] = [];
  closedCount = 0;
  readonly devices: string[] = [];
  addParticipant(id: string, devices: DeviceState): void {
    this.added.push(id);
    this.devices.push(`${id}:${devices.audio}:${devices.video}`);
  }
  setDevices(id: string, devices: DeviceState): void {
    this.devices.push(`${id}:${devices.audio}:${devices.video}`);
  }
  async publish() {
    return { type: "answer" as const, sdp: "v=0" };
  }
  async answer(): Promise<void> {}
  async configureSubscription(): Promise<void> {}
  trickle(): void {}
  async setBlocked(id: string, kind: string, blocked: boolean): Promise<void> {
    this.blocks.push(`${id}:${kind}:${blocked}`);
  }
  async removeParticipant(id: string): Promise<void> {
    this.removed.push(id);
  }
  async close(): Promise<void> {
    this.closedCount++;
  }
  dump(): MediaRoomDump {
    return { name: this.name, participants: [] };
  }
}

/** Small limits and nothing switched on: what a unit test's room or conference starts from. */
export const ROOM_DEFAULTS: ConferenceOptions = {
  maxParticipants: 10,
  maxWaiting: 10,
  maxWaitingPerAddress: 3,
  moderatorReturnMs: 0,
  iceServers: () => [],
  chatHistory: true,
  lobbyByDefault: false,
  handAutoLowerMs: 0,
  maxScreenShares: 2,
};

export function makeRoom(options: Partial<RoomOptions> = {}) {
  const router = new RecordingRouter();
  const media = new FakeMedia();
  let closed = 0;
  const room = new Room("r", router, { ...ROOM_DEFAULTS, onClosed: () => closed++, ...options });
  room.attachMedia(media);
  return { room, router, media, closedCount: () => closed };
}

/** A client at the door, by default a fresh connection from its own address. */
export function client(address = `192.0.2.${Math.floor(Math.random() * 250)}`): EntryClient {
  return {
    address,
    passwordFailures: new WindowLimiter(5, 60_000),
    addressPasswordFailures: new WindowLimiter(30, 60_000),
  };
}

/** Asks the room's door for entry, as a `join` would. */
export function knock(room: Room, name: string, extra: Partial<EntryRequest> = {}, now = Date.now()) {
  return room.door.request(
    {
      name,
      audio: true,
      video: true,
      client: client(),
      attach: () => {},
      ...extra,
    },
    now,
  );
}

/** Enters and returns the participant (fails if it ended up waiting). */
export async function enter(room: Room, name: string, extra: Partial<EntryRequest> = {}, now = Date.now()) {
  const outcome = await knock(room, name, extra, now);
  const p = room.participant(outcome.id);
  if (!p) throw new Error(`${name} did not enter (${outcome.state})`);
  return p;
}
