import { describe, expect, it } from "vitest";
import { ErrorCode, ProtocolError } from "../../protocol/errors.js";
import type { ServerMessage } from "../../protocol/messages.js";
import type { MediaRoom, MediaRoomDump } from "../media/media-room.js";
import type { ParticipantSink, Router } from "../routing/router.js";
import { Room } from "./room.js";

/** Records what each participant was sent. */
class RecordingRouter implements Router {
  readonly inbox = new Map<string, ServerMessage[]>();
  readonly closed = new Map<string, number>();
  attach(_id: string, _sink: ParticipantSink): void {}
  detach(): void {}
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
}

/** Media that only remembers what was asked of it. */
class FakeMedia implements MediaRoom {
  readonly name = "fake";
  readonly added: string[] = [];
  readonly removed: string[] = [];
  closedCount = 0;
  addParticipant(id: string): void {
    this.added.push(id);
  }
  async publish() {
    return { type: "answer" as const, sdp: "v=0" };
  }
  async answer(): Promise<void> {}
  trickle(): void {}
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

function setup(maxParticipants = 10) {
  const router = new RecordingRouter();
  const media = new FakeMedia();
  let closed = 0;
  const room = new Room("r", router, { maxParticipants, onClosed: () => closed++ });
  room.attachMedia(media);
  return { room, router, media, closedCount: () => closed };
}

describe("Room", () => {
  it("makes the first participant moderator and the next ones participants", () => {
    const { room } = setup();
    const a = room.join("Ada", 1);
    const b = room.join("Bob", 2);
    expect(a.role).toBe("moderator");
    expect(b.role).toBe("participant");
  });

  it("tells the others of a join, but not the newcomer", () => {
    const { room, router } = setup();
    const a = room.join("Ada", 1);
    const b = room.join("Bob", 2);
    expect(router.types(a.id)).toEqual(["participant.joined"]);
    expect(router.types(b.id)).toEqual([]);
    expect(room.othersOf(b.id).map((p) => p.name)).toEqual(["Ada"]);
  });

  it("announces a newcomer with the microphone and camera state it joined with", () => {
    const { room, router } = setup();
    const a = room.join("Ada", 1);
    room.join("Bob", 2, { audio: false, video: true });
    expect(router.inbox.get(a.id)?.[0]).toMatchObject({ participant: { name: "Bob", audio: false, video: true } });
  });

  it("broadcasts a media state change to everyone, once", () => {
    const { room, router } = setup();
    const a = room.join("Ada", 1);
    const b = room.join("Bob", 2);
    room.setMediaState(b.id, false, true);
    room.setMediaState(b.id, false, true);
    const updates = (router.inbox.get(a.id) ?? []).filter((m) => m.type === "participant.updated");
    expect(updates).toHaveLength(1);
    expect(updates[0]).toMatchObject({ participant: { id: b.id, audio: false, video: true } });
  });

  it("removes a leaver from the media and tells the others why", () => {
    const { room, router, media } = setup();
    const a = room.join("Ada", 1);
    const b = room.join("Bob", 2);
    room.leave(b.id, "disconnected");
    expect(media.removed).toEqual([b.id]);
    expect(router.inbox.get(a.id)?.at(-1)).toEqual({
      type: "participant.left",
      participantId: b.id,
      reason: "disconnected",
    });
  });

  it("promotes the longest-present participant when the last moderator leaves", () => {
    const { room, router } = setup();
    const a = room.join("Ada", 1);
    const b = room.join("Bob", 2);
    const c = room.join("Cy", 3);
    room.leave(a.id, "left");
    expect(b.role).toBe("moderator");
    expect(c.role).toBe("participant");
    expect(router.inbox.get(c.id)?.at(-1)).toMatchObject({
      type: "participant.updated",
      participant: { id: b.id, role: "moderator" },
    });
  });

  it("closes itself and its media when the last participant leaves", async () => {
    const { room, media, closedCount } = setup();
    const a = room.join("Ada", 1);
    room.leave(a.id, "left");
    await Promise.resolve();
    expect(room.closed).toBe(true);
    expect(closedCount()).toBe(1);
    expect(media.closedCount).toBe(1);
  });

  it("refuses a participant over the limit with room_full and stays unchanged", () => {
    const { room } = setup(2);
    room.join("Ada", 1);
    room.join("Bob", 2);
    expect(() => room.join("Cy", 3)).toThrowError(expect.objectContaining({ code: ErrorCode.RoomFull }));
    expect(room.size).toBe(2);
  });

  it("refuses actions from someone not in the room with not_joined", async () => {
    const { room } = setup();
    room.join("Ada", 1);
    await expect(room.publish("p_nobody", { type: "offer", sdp: "v=0" })).rejects.toBeInstanceOf(
      ProtocolError,
    );
    expect(() => room.setMediaState("p_nobody", true, true)).toThrowError(
      expect.objectContaining({ code: ErrorCode.NotJoined }),
    );
  });

  it("ends every connection when closed with a code", async () => {
    const { room, router } = setup();
    const a = room.join("Ada", 1);
    const b = room.join("Bob", 2);
    await room.close(4002, "media server restarted");
    expect(router.closed.get(a.id)).toBe(4002);
    expect(router.closed.get(b.id)).toBe(4002);
    expect(room.size).toBe(0);
  });
});
