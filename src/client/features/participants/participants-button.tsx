/**
 * The toolbar button that opens the participants pane. Shows how many are present; for moderators, a dot
 * and a word in its name when someone waits in the lobby, since a knock notification may have been missed.
 * Its accessible name holds the count it shows (WCAG 2.5.3, label in name: "Participants: 3"; not
 * "(3)": a bracketed part does not count as part of the name for axe), so that a speech-control user can say
 * what they see.
 */
import { t } from "../../i18n/i18n.js";
import type { Room } from "../../state/room.js";
import { PeopleIcon } from "../../ui/icons.js";
import { PANE_ID } from "./participants-pane.js";

export function ParticipantsButton({ room }: { room: Room }) {
  const s = room.state;
  const open = s.participantsOpen.value;
  const count = s.remotes.value.size + (s.local.value ? 1 : 0);
  const moderating = s.local.value?.info?.role === "moderator";
  const waiting = moderating ? s.lobbyEntries.value.length : 0;
  const label =
    waiting > 0 ? t("participants.toggleWaiting", { count, waiting }) : t("participants.toggle", { count });
  return (
    <button
      type="button"
      class={`round-button participants-toggle ${open ? "is-active" : ""}`}
      data-testid="toggle-participants"
      aria-expanded={open ? "true" : "false"}
      aria-controls={open ? PANE_ID : undefined}
      aria-label={label}
      title={label}
      onClick={() => {
        s.participantsOpen.value = !open;
      }}
    >
      <PeopleIcon />
      <span class="count-badge" aria-hidden="true">
        {count}
      </span>
      {waiting > 0 && <span class="waiting-dot" aria-hidden="true" />}
    </button>
  );
}
