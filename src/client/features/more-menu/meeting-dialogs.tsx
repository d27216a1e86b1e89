/**
 * The meeting's dialogs (the ⋯ menu's settings, keyboard shortcuts, invitation and breakout rooms; a removal's
 * confirmation). The menu's dialogs are fetched apart from the app (ui/lazy.ts): a first visit does not pay for
 * them, and they are fetched once the meeting is on screen and idle.
 */
import { useEffect } from "preact/hooks";
import type { Room } from "../../state/room.js";
import { lazy, whenIdle } from "../../ui/lazy.js";
import { RemoveDialog } from "../moderation/remove-dialog.js";
import { MoreMenuScope } from "./more-menu-state.js";

const SettingsDialog = lazy(() => import("../settings/settings-dialog.js").then((m) => m.SettingsDialog));
const ShortcutsDialog = lazy(() => import("./shortcuts-dialog.js").then((m) => m.ShortcutsDialog));
const InviteDialog = lazy(() => import("../invite/invite-dialog.js").then((m) => m.InviteDialog));
const BreakoutDialog = lazy(() => import("../breakout/breakout-dialog.js").then((m) => m.BreakoutDialog));
const DIALOGS = [SettingsDialog, ShortcutsDialog, InviteDialog, BreakoutDialog];

export function MeetingDialogs({ room }: { room: Room }) {
  const state = MoreMenuScope.use();
  useEffect(() => whenIdle(() => DIALOGS.forEach((d) => void d.preload())), []);
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
