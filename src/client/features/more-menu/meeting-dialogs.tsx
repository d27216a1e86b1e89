/** The ⋯ menu's dialogs (settings, keyboard shortcuts), drawn at the meeting's level. */
import type { Room } from "../../state/room.js";
import { SettingsDialog } from "../settings/settings-dialog.js";
import { moreMenuOf } from "./more-menu-state.js";
import { ShortcutsDialog } from "./shortcuts-dialog.js";

export function MeetingDialogs({ room }: { room: Room }) {
  const state = moreMenuOf(room);
  const close = () => {
    state.dialog.value = null;
  };
  const returnFocus = () => state.button;
  switch (state.dialog.value) {
    case "settings":
      return <SettingsDialog room={room} onClose={close} returnFocus={returnFocus} />;
    case "shortcuts":
      return <ShortcutsDialog onClose={close} returnFocus={returnFocus} />;
    default:
      return null;
  }
}
