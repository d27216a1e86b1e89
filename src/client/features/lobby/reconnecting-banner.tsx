/**
 * Shown over the meeting while the Room joins again by itself after the connection dropped, or while the
 * media is set up again after the server lost its media server (the meeting itself goes on).
 */
import { t } from "../../i18n/i18n.js";
import type { Room } from "../../state/room.js";
import "./lobby.css";

export function ReconnectingBanner({ room }: { room: Room }) {
  const reconnecting = room.state.reconnecting.value;
  const media = !reconnecting && room.state.mediaReconnecting.value;
  // The live region stays in the DOM so that screen readers announce the banner when it appears.
  return (
    <div role="status" class="reconnecting-region">
      {(reconnecting || media) && (
        <p class="reconnecting-banner" data-testid={media ? "media-reconnecting" : "reconnecting"}>
          <span class="spinner small-spinner" aria-hidden="true" />
          {t(media ? "media.reconnecting" : "lobby.reconnecting")}
        </p>
      )}
    </div>
  );
}
