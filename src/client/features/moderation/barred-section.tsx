/** Moderators' list of who was removed from the meeting, in the participants pane, each with "Let back in". */
import { useSignal } from "@preact/signals";
import type { BarredEntry } from "../../../protocol/messages.js";
import { t } from "../../i18n/i18n.js";
import type { Room } from "../../state/room.js";
import { Avatar } from "../../ui/avatar.js";
import { allowBack } from "./moderation-actions.js";

export function BarredSection({ room, report }: { room: Room; report: (ok: boolean) => void }) {
  const entries = room.state.barred.value;
  if (entries.length === 0) return null;
  return (
    <section class="pane-section barred-section" aria-labelledby="barred-section-title">
      <div class="pane-section-head">
        <h3 id="barred-section-title">{t("barred.title", { count: entries.length })}</h3>
      </div>
      <ul class="people">
        {entries.map((entry) => (
          <BarredRow key={entry.id} room={room} entry={entry} report={report} />
        ))}
      </ul>
    </section>
  );
}

function BarredRow({
  room,
  entry,
  report,
}: {
  room: Room;
  entry: BarredEntry;
  report: (ok: boolean) => void;
}) {
  const busy = useSignal(false);
  return (
    <li class="person" data-testid="barred-entry">
      <Avatar name={entry.name} seed={entry.id} size="small" />
      <div class="person-main">
        <span class="person-name">{entry.name}</span>
      </div>
      <button
        type="button"
        class="secondary compact"
        data-testid="barred-allow"
        aria-label={t("barred.allowLabel", { name: entry.name })}
        disabled={busy.value}
        onClick={async () => {
          busy.value = true;
          report(await allowBack(room, entry.id));
          busy.value = false;
        }}
      >
        {t("barred.allow")}
      </button>
    </li>
  );
}
