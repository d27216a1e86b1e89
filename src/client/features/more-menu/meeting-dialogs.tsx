/**
 * The meeting's dialogs (the ⋯ menu's settings, keyboard shortcuts, invitation, breakout rooms and speaker
 * stats; a removal's confirmation). The menu's dialogs are fetched apart from the app (ui/lazy.ts): a first
 * visit does not pay for them, and they are fetched once the meeting is on screen and idle.
 */
import { useEffect } from "preact/hooks";
import type { Room } from "../../state/room.js";
import { type Lazy, lazy, whenIdle } from "../../ui/lazy.js";
import { RemoveDialog } from "../moderation/remove-dialog.js";
import { type MeetingDialog, MoreMenuScope } from "./more-menu-state.js";

type DialogProps = { room: Room; onClose: () => void; returnFocus: () => HTMLElement | null };

const SettingsDialog = lazy(() => import("../settings/settings-dialog.js").then((m) => m.SettingsDialog));
const ShortcutsDialog = lazy(() => import("./shortcuts-dialog.js").then((m) => m.ShortcutsDialog));
const InviteDialog = lazy(() => import("../invite/invite-dialog.js").then((m) => m.InviteDialog));
const BreakoutDialog = lazy(() => import("../breakout/breakout-dialog.js").then((m) => m.BreakoutDialog));
const SpeakerStatsDialog = lazy(() =>
  import("../speaker-stats/speaker-stats-dialog.js").then((m) => m.SpeakerStatsDialog),
);
const DIALOGS: Record<MeetingDialog, Lazy<DialogProps>> = {
  settings: SettingsDialog,
  shortcuts: ShortcutsDialog,
  invite: InviteDialog,
  breakouts: BreakoutDialog,
  speakerStats: SpeakerStatsDialog,
};

export function MeetingDialogs({ room }: { room: Room }) {
  const state = MoreMenuScope.use();
  useEffect(() => whenIdle(() => Object.values(DIALOGS).forEach((d) => void d.preload())), []);
  const close = () => {
    state.dialog.value = null;
  };
  const returnFocus = () => state.button;
  // A moderator's confirmation comes from the participants pane, not from this menu: drawn beside it.
  const remove = <RemoveDialog room={room} />;
  const open = state.dialog.value;
  if (open === null) return remove;
  const Open = DIALOGS[open];
  return (
    <>
      <Open room={room} onClose={close} returnFocus={returnFocus} />
      {remove}
    </>
  );
}
