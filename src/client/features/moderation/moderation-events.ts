/**
 * What moderators do to us: a mute turns our device off for real (through the Room, like the toolbar), a
 * request to unmute or the floor only asks: the person decides (PROTOCOL.md: nobody is unmuted remotely).
 * Each leaves a notice on screen until dismissed.
 */
import type { MediaKind } from "../../engine/local-media.js";
import type { Room } from "../../state/room.js";
import type { Notice } from "../../state/room-state.js";

let nextId = 1;

/** Registers once for the page: the Room hands on the messages of whichever connection is current. */
export function installModerationEvents(room: Room): void {
  const s = room.state;
  const nameOf = (id: string) => s.remotes.value.get(id)?.info.name ?? null;
  room.register({
    "moderation.muted": ({ kind, by }) => {
      // The server already stops forwarding the stream; turning the device off keeps our own state honest.
      // A stopped screen share: features/screen-share, which owns the capture, stops it on the same message.
      if (kind !== "screen")
        room.setDevice(kind, false).catch((err: unknown) => {
          console.warn("palabre: could not turn the device off after a moderator's mute", err);
        });
      // A pending request to turn this device on is moot now.
      const rest = s.notices.value.filter((n) => !(n.type === "unmuteRequest" && n.kind === kind));
      s.notices.value = [...rest, { id: nextId++, type: "muted", kind, byName: nameOf(by) }];
    },
    "moderation.unmute_request": ({ kind, by }) => {
      const rest = s.notices.value.filter((n) => !(n.type === "unmuteRequest" && n.kind === kind));
      s.notices.value = [...rest, { id: nextId++, type: "unmuteRequest", kind, byName: nameOf(by) }];
    },
    "floor.given": ({ by, askUnmute }) => {
      // The floor notice carries its own Unmute button: one offer at a time, not two.
      const rest = s.notices.value.filter(
        (n) => n.type !== "floor" && !(askUnmute && n.type === "unmuteRequest" && n.kind === "audio"),
      );
      s.notices.value = [...rest, { id: nextId++, type: "floor", askUnmute, byName: nameOf(by) }];
    },
  });
}

export function dismissNotice(room: Room, id: number): void {
  room.state.notices.value = room.state.notices.value.filter((n) => n.id !== id);
}

/** The person accepted: turn the device on (it may prompt for permission) and drop the notice. */
export async function acceptUnmute(room: Room, notice: Notice, kind: MediaKind): Promise<void> {
  dismissNotice(room, notice.id);
  await room.setDevice(kind, true);
}
