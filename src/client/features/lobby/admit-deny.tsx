/** The Admit / Deny pair for one person at the door, as the knock toast and the lobby list both show it. */
import { t } from "../../i18n/i18n.js";

export function AdmitDenyButtons(props: {
  name: string;
  busy: boolean;
  /** `knock` or `lobby`: the buttons' test ids are `<prefix>-admit` and `<prefix>-deny`. */
  testIdPrefix: string;
  onAdmit: () => void;
  onDeny: () => void;
}) {
  const { name, busy, testIdPrefix } = props;
  return (
    <>
      <button
        type="button"
        class="primary compact"
        data-testid={`${testIdPrefix}-admit`}
        aria-label={t("lobby.admitName", { name })}
        disabled={busy}
        onClick={props.onAdmit}
      >
        {t("lobby.admit")}
      </button>
      <button
        type="button"
        class="secondary compact"
        data-testid={`${testIdPrefix}-deny`}
        aria-label={t("lobby.denyName", { name })}
        disabled={busy}
        onClick={props.onDeny}
      >
        {t("lobby.deny")}
      </button>
    </>
  );
}
