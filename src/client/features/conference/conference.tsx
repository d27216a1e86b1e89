/** The meeting itself: the grid of tiles, the toolbar, and live announcements for screen readers. */
import { useSignalEffect } from "@preact/signals";
import { t } from "../../i18n/i18n.js";
import type { Room } from "../../state/room.js";
import { AudioHelp } from "../audio-help/audio-help.js";
import { AwayNoticeView } from "../background/away-notice.js";
import { BreakoutBanner } from "../breakout/breakout-banner.js";
import { ChatPanel } from "../chat/chat-panel.js";
import { E2eeBadge } from "../e2ee/e2ee-badge.js";
import { HandsList } from "../hands/hands-list.js";
import { LayoutScope } from "../layout/layout-controller.js";
import { KnockToasts } from "../lobby/knock-toasts.js";
import { ReconnectingBanner } from "../lobby/reconnecting-banner.js";
import { Notices } from "../moderation/notices.js";
import { MeetingDialogs } from "../more-menu/meeting-dialogs.js";
import { ParticipantsPane } from "../participants/participants-pane.js";
import { ReactionLayer } from "../reactions/reaction-layer.js";
import { RecordingIndicator } from "../recording/recording-ui.js";
import { ShareError } from "../screen-share/screen-share-button.js";
import { LockBadge } from "../security/lock-badge.js";
import { Toolbar } from "../toolbar/toolbar.js";
import { TileArea } from "./tile-area.js";
import "./conference.css";

export function Conference({ room }: { room: Room }) {
  const { remotes, roomName, announcement, mediaHealth } = room.state;
  const layout = LayoutScope.use();

  useSignalEffect(() => {
    document.title = `${roomName.value} · ${t("app.name")}`;
  });

  const health = mediaHealth.value;
  const said = announcement.value;
  return (
    <main
      class="conference"
      data-testid="conference"
      data-layout={layout.mode.value}
      aria-label={t("conference.label", { room: roomName.value })}
    >
      {/* The page's title for screen readers (heading navigation starts here); the tiles say the rest. */}
      <h1 class="visually-hidden">{t("conference.label", { room: roomName.value })}</h1>
      {/* Tile view or speaker view, screen shares, speaking rings: features/layout. */}
      <TileArea room={room} />
      {remotes.value.size === 0 && <p class="alone">{t("conference.alone")}</p>}
      {/* "connecting" is normal for a second at start; only trouble is worth a banner. */}
      {(health === "unstable" || health === "failed") && (
        <p class={`health health-${health}`} role="status">
          {t(`health.${health}`)}
        </p>
      )}
      <p class="visually-hidden" aria-live="polite">
        {said ? <span key={said.seq}>{t(said.key, { name: said.name })}</span> : null}
      </p>
      <ReactionLayer />
      <HandsList room={room} />
      <ChatPanel room={room} />
      <ParticipantsPane room={room} />
      <LockBadge room={room} />
      <E2eeBadge />
      <RecordingIndicator />
      <ReconnectingBanner room={room} />
      <BreakoutBanner />
      <KnockToasts room={room} />
      <Notices room={room} />
      <AwayNoticeView />
      <AudioHelp room={room} />
      <MeetingDialogs room={room} />
      <ShareError />
      <Toolbar room={room} />
    </main>
  );
}
