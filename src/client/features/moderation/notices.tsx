/**
 * Notices about what a moderator did: muted us (informative, fades after a while), asked us to unmute or
 * gave us the floor with a request to speak (they wait for the person's answer: Unmute, or Not now).
 */
import { useEffect } from "preact/hooks";
import type { MediaKind } from "../../engine/local-media.js";
import { type MessageKey, t } from "../../i18n/i18n.js";
import type { Room } from "../../state/room.js";
import type { Notice } from "../../state/room-state.js";
import { acceptUnmute, dismissNotice } from "./moderation-events.js";
import "./toasts.css";
import "./moderation.css";

/** Long enough to be read, short enough not to clutter the meeting. */
const FADE_MS = 10_000;

export function Notices({ room }: { room: Room }) {
  const me = room.state.local.value;
  // A request for a device that is on already (turned on by hand meanwhile) has nothing left to ask.
  const isOn = (kind: MediaKind) => (kind === "audio" ? me?.audio : me?.video) === true;
  const notices = room.state.notices.value.filter((n) => !(n.type === "unmuteRequest" && isOn(n.kind)));
  return (
    <section class="toast-stack notice-stack" aria-label={t("moderation.noticesLabel")} aria-live="polite">
      {notices.map((n) => (
        <NoticeView key={n.id} room={room} notice={n} micOn={isOn("audio")} />
      ))}
    </section>
  );
}

function NoticeView({ room, notice, micOn }: { room: Room; notice: Notice; micOn: boolean }) {
  const offersUnmute =
    notice.type === "unmuteRequest" || (notice.type === "floor" && notice.askUnmute && !micOn);
  // Informative notices fade; the ones that ask something stay until answered.
  useEffect(() => {
    if (offersUnmute) return;
    const timer = setTimeout(() => dismissNotice(room, notice.id), FADE_MS);
    return () => clearTimeout(timer);
  }, [offersUnmute, notice.id]);

  const kind: MediaKind = notice.type === "unmuteRequest" ? notice.kind : "audio";
  return (
    <div class={`toast notice notice-${notice.type}`} data-testid={testIdOf(notice)}>
      <p class="toast-text">{textOf(notice)}</p>
      {offersUnmute ? (
        <div class="toast-actions">
          <button
            type="button"
            class="primary compact"
            data-testid="unmute-accept"
            onClick={() => acceptUnmute(room, notice, kind)}
          >
            {t(kind === "audio" ? "control.micUnmute" : "control.cameraOn")}
          </button>
          <button type="button" class="secondary compact" onClick={() => dismissNotice(room, notice.id)}>
            {t("moderation.notNow")}
          </button>
        </div>
      ) : (
        <button
          type="button"
          class="toast-close"
          aria-label={t("moderation.dismiss")}
          title={t("moderation.dismiss")}
          onClick={() => dismissNotice(room, notice.id)}
        >
          <span aria-hidden="true">×</span>
        </button>
      )}
    </div>
  );
}

function testIdOf(notice: Notice): string {
  switch (notice.type) {
    case "muted":
      return "muted-notice";
    case "unmuteRequest":
      return "unmute-request";
    case "floor":
      return "floor-notice";
  }
}

/** The sentence, naming the moderator when we know them. Names are passed as text, never markup. */
function textOf(notice: Notice): string {
  const name = notice.byName;
  const said = (anonymous: MessageKey, named: MessageKey) =>
    name === null ? t(anonymous) : t(named, { name });
  switch (notice.type) {
    case "muted":
      if (notice.kind === "screen") return said("screen.stoppedByModerator", "screen.stoppedByModeratorName");
      return notice.kind === "audio"
        ? said("moderation.mutedAudio", "moderation.mutedAudioBy")
        : said("moderation.mutedVideo", "moderation.mutedVideoBy");
    case "unmuteRequest":
      return notice.kind === "audio"
        ? said("moderation.askAudio", "moderation.askAudioBy")
        : said("moderation.askVideo", "moderation.askVideoBy");
    case "floor": {
      const first = t("moderation.floor");
      const rest = notice.askUnmute ? ` ${said("moderation.floorAsk", "moderation.floorAskBy")}` : "";
      return first + rest;
    }
  }
}
