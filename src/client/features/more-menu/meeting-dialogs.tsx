/** The meeting's dialogs (the ⋯ menu's settings and keyboard shortcuts, a removal's confirmation). */
import type { Room } from "../../state/room.js";
import { BreakoutDialog } from "../breakout/breakout-dialog.js";
import { InviteDialog } from "../invite/invite-dialog.js";
import { RemoveDialog } from "../moderation/remove-dialog.js";
import { SettingsDialog } from "../settings/settings-dialog.js";
import { MoreMenuScope } from "./more-menu-state.js";
import { ShortcutsDialog } from "./shortcuts-dialog.js";

export function MeetingDialogs({ room }: { room: Room }) {
  const state = MoreMenuScope.use();
  const close = () => {
    state.dialog.value = null;
  };
  const returnFocus = () => state.button;
  // A moderator's confirmation comes from the participants pane, not from this menu: drawn beside it.
  const remove = <RemoveDialog room={room} />;
  switch (state.dialog.value) {
    case "settings":
      return (
        <>
          <SettingsDialog room={room} onClose={close} returnFocus={returnFocus} />
          {remove}
        </>
      );
    case "shortcuts":
      return (
        <>
          <ShortcutsDialog onClose={close} returnFocus={returnFocus} />
          {remove}
        </>
      );
    case "invite":
      return (
        <>
          <InviteDialog room={room} onClose={close} returnFocus={returnFocus} />
          {remove}
        </>
      );
    case "breakouts":
      return (
        <>
          <BreakoutDialog room={room} onClose={close} returnFocus={returnFocus} />
          {remove}
        </>
      );
    default:
      return remove;
  }
}
