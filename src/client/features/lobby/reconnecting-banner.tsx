/** Shown over the meeting while the Room joins again by itself after the connection dropped. */
import { t } from "../../i18n/i18n.js";
import type { Room } from "../../state/room.js";
import "./lobby.css";

export function ReconnectingBanner({ room }: { room: Room }) {
  const reconnecting = room.state.reconnecting.value;
  // The live region stays in the DOM so that screen readers announce the banner when it appears.
  return (
    <div role="status" class="reconnecting-region">
      {reconnecting && (
        <p class="reconnecting-banner" data-testid="reconnecting">
          <span class="spinner small-spinner" aria-hidden="true" />
          {t("lobby.reconnecting")}
        </p>
      )}
    </div>
  );
}
