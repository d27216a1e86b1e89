/** Tells everyone in the meeting that it is password protected (and whether newcomers wait in a lobby). */
import { t } from "../../i18n/i18n.js";
import type { Room } from "../../state/room.js";
import { LockIcon } from "../../ui/icons.js";
import "./security.css";

export function LockBadge({ room }: { room: Room }) {
  const { locked } = room.state.settings.value;
  if (!locked) return null;
  return (
    <p class="lock-badge" data-testid="room-locked" title={t("security.locked")}>
      <LockIcon />
      <span>{t("security.locked")}</span>
    </p>
  );
}
