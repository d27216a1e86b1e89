/**
 * Removing someone asks first (it cannot be taken back from their side: their browser may not come back to this
 * meeting until a moderator lets it), and lets the moderator say why, which the person removed is shown.
 */
import { signal, useSignal } from "@preact/signals";
import { Limits } from "../../../protocol/messages.js";
import { t } from "../../i18n/i18n.js";
import type { Room } from "../../state/room.js";
import { Dialog } from "../../ui/dialog.js";
import { removeParticipant } from "./moderation-actions.js";
import "./moderation.css";

interface Removal {
  id: string;
  name: string;
  report: (ok: boolean) => void;
}

const pending = new WeakMap<Room, ReturnType<typeof signal<Removal | null>>>();

function pendingOf(room: Room) {
  let s = pending.get(room);
  if (!s) {
    s = signal<Removal | null>(null);
    pending.set(room, s);
  }
  return s;
}

/** Opens the confirmation for removing participant `id`; `report` hears whether the server accepted. */
export function askToRemove(room: Room, id: string, name: string, report: (ok: boolean) => void): void {
  pendingOf(room).value = { id, name, report };
}

/** Drawn once at the meeting's level; shows the confirmation while one is asked for. */
export function RemoveDialog({ room }: { room: Room }) {
  const removal = pendingOf(room).value;
  if (!removal || room.state.view.value !== "conference") return null;
  return <RemoveForm room={room} removal={removal} close={() => (pendingOf(room).value = null)} />;
}

function RemoveForm({ room, removal, close }: { room: Room; removal: Removal; close: () => void }) {
  const reason = useSignal("");
  const busy = useSignal(false);
  const { id, name, report } = removal;
  return (
    <Dialog title={t("remove.title", { name })} testId="remove-dialog" onClose={close}>
      <form
        class="remove-form"
        onSubmit={async (ev) => {
          ev.preventDefault();
          busy.value = true;
          report(await removeParticipant(room, id, reason.value.trim() || undefined));
          busy.value = false;
          close();
        }}
      >
        <p>{t("remove.body", { name })}</p>
        <label for="remove-reason">{t("remove.reason")}</label>
        <textarea
          id="remove-reason"
          data-testid="remove-reason"
          rows={2}
          maxLength={Limits.reasonMaxChars}
          value={reason.value}
          onInput={(ev) => {
            reason.value = (ev.target as HTMLTextAreaElement).value;
          }}
        />
        <div class="actions">
          <button type="button" class="secondary" data-testid="remove-cancel" onClick={close}>
            {t("remove.cancel")}
          </button>
          <button type="submit" class="danger" data-testid="remove-confirm" disabled={busy.value}>
            {t("remove.confirm")}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
