/**
 * The moderators' notification when someone knocks: the name, Admit and Deny right there, so letting a
 * colleague in takes one click. A handful at most; beyond that, a link to the participants pane's list.
 */
import { useSignal } from "@preact/signals";
import type { LobbyEntry } from "../../../protocol/messages.js";
import { t } from "../../i18n/i18n.js";
import type { Room } from "../../state/room.js";
import { AdmitDenyButtons } from "./admit-deny.js";
import { admit, deny, dismissKnock } from "./lobby-events.js";
import "../moderation/toasts.css";
import "./lobby.css";

const MAX_SHOWN = 3;

export function KnockToasts({ room }: { room: Room }) {
  const s = room.state;
  if (s.local.value?.info?.role !== "moderator") return null;
  const knocks = s.knocks.value;
  const shown = knocks.slice(0, MAX_SHOWN);
  const more = knocks.length - shown.length;
  return (
    <section class="toast-stack knock-stack" aria-label={t("lobby.knocksLabel")} aria-live="polite">
      {shown.map((entry) => (
        <KnockToast key={entry.id} room={room} entry={entry} />
      ))}
      {more > 0 && (
        <button
          type="button"
          class="toast toast-more"
          onClick={() => {
            s.participantsOpen.value = true;
          }}
        >
          {more === 1 ? t("lobby.oneMoreWaiting") : t("lobby.moreWaiting", { count: more })}
        </button>
      )}
    </section>
  );
}

function KnockToast({ room, entry }: { room: Room; entry: LobbyEntry }) {
  const busy = useSignal(false);
  const act = async (decision: typeof admit) => {
    busy.value = true;
    try {
      await decision(room, entry.id);
    } finally {
      busy.value = false;
    }
  };
  const name = entry.name;
  return (
    <div class="toast" data-testid="knock-notification" data-participant-id={entry.id}>
      <p class="toast-text">{t("lobby.knock", { name })}</p>
      <div class="toast-actions">
        <AdmitDenyButtons
          name={name}
          busy={busy.value}
          testIdPrefix="knock"
          onAdmit={() => act(admit)}
          onDeny={() => act(deny)}
        />
        <button
          type="button"
          class="toast-close"
          aria-label={t("lobby.dismiss")}
          title={t("lobby.dismiss")}
          onClick={() => dismissKnock(room, entry.id)}
        >
          <span aria-hidden="true">×</span>
        </button>
      </div>
    </div>
  );
}
