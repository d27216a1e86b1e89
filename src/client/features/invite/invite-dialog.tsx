/**
 * "Invite people": the meeting's link, shown as text (to read out or copy by hand) and copied with one button.
 * The link is the page's own address for this meeting, never with the password in it.
 */
import { useSignal } from "@preact/signals";
import { t } from "../../i18n/i18n.js";
import type { Room } from "../../state/room.js";
import { Dialog } from "../../ui/dialog.js";
import "./invite.css";

/** The address others open to join this meeting. */
export function meetingLink(roomName: string): string {
  return `${location.origin}/${encodeURIComponent(roomName)}`;
}

export function InviteDialog({
  room,
  onClose,
  returnFocus,
}: {
  room: Room;
  onClose: () => void;
  returnFocus: () => HTMLElement | null;
}) {
  const copied = useSignal<"yes" | "failed" | null>(null);
  const link = meetingLink(room.state.roomName.value);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(link);
      copied.value = "yes";
    } catch {
      // No clipboard permission (or an insecure page): the link is selected for a manual copy.
      (document.getElementById("invite-link") as HTMLInputElement | null)?.select();
      copied.value = "failed";
    }
  };
  return (
    <Dialog title={t("invite.title")} testId="invite-dialog" onClose={onClose} returnFocus={returnFocus}>
      <div class="invite">
        <label for="invite-link">{t("invite.linkLabel")}</label>
        <div class="invite-row">
          <input
            id="invite-link"
            data-testid="invite-link"
            readOnly
            value={link}
            onFocus={(ev) => (ev.currentTarget as HTMLInputElement).select()}
          />
          <button type="button" class="primary" data-testid="invite-copy" onClick={copy}>
            {t("invite.copy")}
          </button>
        </div>
        <p class="hint" role="status" data-testid="invite-status">
          {copied.value === "yes"
            ? t("invite.copied")
            : copied.value === "failed"
              ? t("invite.copyByHand")
              : ""}
        </p>
        <p class="hint">{t("invite.privacy")}</p>
      </div>
    </Dialog>
  );
}
