/**
 * The meeting's own keys (see shortcuts.ts): M and V toggle the microphone and the camera, ? lists the
 * shortcuts. Nothing happens while a dialog is open or while typing.
 */
import { useEffect } from "preact/hooks";
import type { Room } from "../../state/room.js";
import { deviceShortcut, isHelpShortcut, type KeyPress } from "./shortcuts.js";

/** A modal dialog is open: keys belong to it. */
export function modalOpen(): boolean {
  return document.querySelector("dialog[open]") !== null;
}

export function keyPress(ev: KeyboardEvent): KeyPress {
  const { key, repeat, ctrlKey, metaKey, altKey } = ev;
  return {
    key,
    repeat,
    ctrlKey,
    metaKey,
    altKey,
    target: ev.target instanceof HTMLElement ? ev.target : null,
  };
}

/** `onToggled` is told the new state, for a screen reader (the toolbar button is not where focus is). */
export function useMeetingShortcuts(
  room: Room,
  openHelp: () => void,
  onToggled: (kind: "audio" | "video", on: boolean) => void,
): void {
  useEffect(() => {
    let busy = false;
    const onKey = (ev: KeyboardEvent) => {
      if (ev.defaultPrevented || modalOpen() || room.state.view.peek() !== "conference") return;
      const press = keyPress(ev);
      if (isHelpShortcut(press)) {
        ev.preventDefault();
        openHelp();
        return;
      }
      const kind = deviceShortcut(press);
      const local = room.state.local.peek();
      if (!kind || !local) return;
      ev.preventDefault();
      if (busy) return; // a device being opened: a second press would race it
      busy = true;
      const on = !(kind === "audio" ? local.audio : local.video);
      (kind === "audio" ? room.setMic(on) : room.setCamera(on))
        .then(() => {
          const now = room.state.local.peek();
          if (now) onToggled(kind, kind === "audio" ? now.audio : now.video);
        })
        .catch((err: unknown) => console.warn("palabre: shortcut failed", err))
        .finally(() => {
          busy = false;
        });
    };
    addEventListener("keydown", onKey);
    return () => removeEventListener("keydown", onKey);
  }, [room, openHelp, onToggled]);
}
