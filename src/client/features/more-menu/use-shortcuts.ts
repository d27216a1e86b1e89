/**
 * The meeting's own keys (the rules are in ui/shortcuts.ts): M and V toggle the microphone and the camera, ?
 * lists the shortcuts.
 */
import { useRef } from "preact/hooks";
import type { MediaKind } from "../../engine/local-media.js";
import type { Room } from "../../state/room.js";
import { useShortcut } from "../../ui/shortcuts.js";

/** `onToggled` is told the new state, for a screen reader (the toolbar button is not where focus is). */
export function useMeetingShortcuts(
  room: Room,
  openHelp: () => void,
  onToggled: (kind: MediaKind, on: boolean) => void,
): void {
  const busy = useRef(false);
  const toggle = (kind: MediaKind) => () => {
    const local = room.state.local.peek();
    if (!local) return false;
    if (busy.current) return true; // a device being opened: a second press would race it
    busy.current = true;
    const on = !(kind === "audio" ? local.audio : local.video);
    room
      .setDevice(kind, on)
      .then(() => {
        const now = room.state.local.peek();
        if (now) onToggled(kind, kind === "audio" ? now.audio : now.video);
      })
      .catch((err: unknown) => console.warn("palabre: shortcut failed", err))
      .finally(() => {
        busy.current = false;
      });
    return true;
  };
  useShortcut({ key: "m", down: toggle("audio") });
  useShortcut({ key: "v", down: toggle("video") });
  useShortcut({
    key: "?",
    down: () => {
      openHelp();
      return true;
    },
  });
}
