/** The moderators' view of the lobby inside the participants pane: everyone waiting, oldest first. */
import { useSignal } from "@preact/signals";
import type { LobbyEntry } from "../../../protocol/messages.js";
import { t } from "../../i18n/i18n.js";
import type { Room } from "../../state/room.js";
import { Avatar } from "../../ui/avatar.js";
import { AdmitDenyButtons } from "../lobby/admit-deny.js";
import { admit, admitAll, deny } from "../lobby/lobby-events.js";

export function LobbySection({ room, report }: { room: Room; report: (ok: boolean) => void }) {
  const entries = room.state.lobbyEntries.value;
  const busy = useSignal(false);
  if (entries.length === 0) return null;
  return (
    <section
      class="pane-section lobby-section"
      data-testid="lobby-section"
      aria-labelledby="lobby-section-title"
    >
      <div class="pane-section-head">
        <h3 id="lobby-section-title">{t("lobby.sectionTitle", { count: entries.length })}</h3>
        {/* Shown for one person too: the same button in the same place whatever the count. */}
        {
          <button
            type="button"
            class="primary compact"
            data-testid="lobby-admit-all"
            disabled={busy.value}
            onClick={async () => {
              busy.value = true;
              report(await admitAll(room));
              busy.value = false;
            }}
          >
            {t("lobby.admitAll")}
          </button>
        }
      </div>
      <ul class="people">
        {entries.map((entry) => (
          <LobbyRow key={entry.id} room={room} entry={entry} report={report} />
        ))}
      </ul>
    </section>
  );
}

function LobbyRow({ room, entry, report }: { room: Room; entry: LobbyEntry; report: (ok: boolean) => void }) {
  const busy = useSignal(false);
  const act = async (decision: typeof admit) => {
    busy.value = true;
    report(await decision(room, entry.id));
    busy.value = false;
  };
  const { name } = entry;
  return (
    <li class="person lobby-person" data-testid="lobby-entry" data-participant-id={entry.id}>
      <Avatar name={name} seed={entry.id} size="small" />
      <div class="person-main">
        <span class="person-name" data-testid="lobby-entry-name">
          {name}
        </span>
      </div>
      {/* Under the name (participants.css): beside it, the two buttons left the name a few letters. */}
      <div class="lobby-actions">
        <AdmitDenyButtons
          name={name}
          busy={busy.value}
          testIdPrefix="lobby"
          onAdmit={() => act(admit)}
          onDeny={() => act(deny)}
        />
      </div>
    </li>
  );
}
