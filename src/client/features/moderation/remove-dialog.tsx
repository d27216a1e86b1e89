/**
 * Removing someone asks first (it cannot be taken back from their side: their browser may not come back to this
 * meeting until a moderator lets it), and lets the moderator say why, which the person removed is shown.
 */
import { signal, useSignal } from "@preact/signals";
import { Limits } from "../../../protocol/limits.js";
import { t } from "../../i18n/i18n.js";
import type { Room } from "../../state/room.js";
import { Dialog } from "../../ui/dialog.js";
import { scope } from "../../ui/scope.js";
import { removeParticipant } from "./moderation-actions.js";
import "./moderation.css";

interface Removal {
  id: string;
  name: string;
  report: (ok: boolean) => void;
}

/** The removal a moderator is asked to confirm, if any (one per meeting: meeting.tsx makes it). */
export class RemovalPrompt {
  readonly pending = signal<Removal | null>(null);

  /** Opens the confirmation for removing participant `id`; `report` hears whether the server accepted. */
  ask(id: string, name: string, report: (ok: boolean) => void): void {
    this.pending.value = { id, name, report };
  }
}

export const RemovalScope = scope<RemovalPrompt>("removal prompt");

/** Drawn once at the meeting's level; shows the confirmation while one is asked for. */
export function RemoveDialog({ room }: { room: Room }) {
  const prompt = RemovalScope.use();
  const removal = prompt.pending.value;
  if (!removal || room.state.view.value !== "conference") return null;
  return <RemoveForm room={room} removal={removal} close={() => (prompt.pending.value = null)} />;
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
