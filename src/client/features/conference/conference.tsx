/** The meeting itself: the grid of tiles, the toolbar, and live announcements for screen readers. */
import { useSignalEffect } from "@preact/signals";
import { t } from "../../i18n/i18n.js";
import type { Room } from "../../state/room.js";
import { ChatPanel } from "../chat/chat-panel.js";
import { HandsList } from "../hands/hands-list.js";
import { queuePositions } from "../hands/queue.js";
import { KnockToasts } from "../lobby/knock-toasts.js";
import { ReconnectingBanner } from "../lobby/reconnecting-banner.js";
import { Notices } from "../moderation/notices.js";
import { ParticipantsPane } from "../participants/participants-pane.js";
import { ReactionLayer } from "../reactions/reaction-layer.js";
import { LockBadge } from "../security/lock-badge.js";
import { Toolbar } from "../toolbar/toolbar.js";
import { gridShape } from "./grid.js";
import { Tile } from "./tile.js";
import "./conference.css";

export function Conference({ room }: { room: Room }) {
  const { local, remotes, roomName, announcement, mediaHealth } = room.state;
  const me = local.value;
  const others = [...remotes.value.values()];
  const shape = gridShape(others.length + (me ? 1 : 0));
  const handPositions = queuePositions(room.state.hands.value);

  useSignalEffect(() => {
    document.title = `${roomName.value} · ${t("app.name")}`;
  });

  const health = mediaHealth.value;
  const said = announcement.value;
  return (
    <main
      class="conference"
      data-testid="conference"
      aria-label={t("conference.label", { room: roomName.value })}
    >
      <div class="grid" data-cols={shape.cols} data-rows={shape.rows}>
        {me && (
          <Tile
            key={me.info?.id ?? "local"}
            id={me.info?.id ?? ""}
            name={me.info?.name ?? me.name}
            local
            audioOn={me.audio}
            videoOn={me.video}
            videoTrack={me.videoTrack}
            handPosition={handPositions.get(me.info?.id ?? "")}
          />
        )}
        {others.map((p) => (
          <Tile
            key={p.info.id}
            id={p.info.id}
            name={p.info.name}
            local={false}
            audioOn={p.info.audio}
            videoOn={p.info.video}
            videoTrack={p.videoTrack}
            audioTrack={p.audioTrack}
            handPosition={handPositions.get(p.info.id)}
          />
        ))}
      </div>
      {others.length === 0 && <p class="alone">{t("conference.alone")}</p>}
      {/* "connecting" is normal for a second at start; only trouble is worth a banner. */}
      {(health === "unstable" || health === "failed") && (
        <p class={`health health-${health}`} role="status">
          {t(`health.${health}`)}
        </p>
      )}
      <p class="visually-hidden" aria-live="polite">
        {said ? <span key={said.seq}>{t(said.key, { name: said.name })}</span> : null}
      </p>
      <ReactionLayer room={room} />
      <HandsList room={room} />
      <ChatPanel room={room} />
      <ParticipantsPane room={room} />
      <LockBadge room={room} />
      <ReconnectingBanner room={room} />
      <KnockToasts room={room} />
      <Notices room={room} />
      <Toolbar room={room} />
    </main>
  );
}
