/**
 * The mark that the meeting is end-to-end encrypted, always on screen while it is, and the dialog behind it:
 * the safety code to compare aloud, the link that carries the key, and the passphrase field for whoever came
 * without it (opened by itself then: until it is typed, nobody can be seen or heard).
 */
import { useSignal, useSignalEffect } from "@preact/signals";
import { t } from "../../i18n/i18n.js";
import { Dialog } from "../../ui/dialog.js";
import { LockIcon } from "../../ui/icons.js";
import { type E2eeController, E2eeScope } from "./e2ee-controller.js";
import "./e2ee.css";

/** The link that carries the key, selected whole when focused (to copy). */
export function ShareLinkField({ link, testId }: { link: string; testId: string }) {
  return (
    <label class="e2ee-link">
      {t("e2ee.shareLink")}
      <input
        type="text"
        readOnly
        value={link}
        data-testid={testId}
        onFocus={(ev) => ev.currentTarget.select()}
      />
    </label>
  );
}

export function E2eeBadge() {
  const e2ee = E2eeScope.use();
  const open = useSignal(false);
  const status = e2ee.status.value;
  useSignalEffect(() => {
    if (e2ee.status.value === "needs-passphrase") open.value = true;
  });
  if (status === "off")
    return e2ee.notEncrypted.value ? (
      <p class="e2ee-badge is-not-encrypted" role="alert" data-testid="e2ee-not-encrypted">
        {t("e2ee.notEncrypted")}
      </p>
    ) : null;
  const label =
    status === "on"
      ? t("e2ee.badge")
      : status === "starting"
        ? t("e2ee.starting")
        : t("e2ee.needsPassphrase");
  return (
    <>
      <button
        type="button"
        class={`e2ee-badge is-${status}`}
        data-testid="e2ee-badge"
        data-status={status}
        aria-haspopup="dialog"
        onClick={() => {
          open.value = true;
        }}
      >
        <LockIcon />
        <span>{label}</span>
      </button>
      {open.value && <E2eeDialog e2ee={e2ee} onClose={() => (open.value = false)} />}
    </>
  );
}

function E2eeDialog({ e2ee, onClose }: { e2ee: E2eeController; onClose: () => void }) {
  const typed = useSignal("");
  const needs = e2ee.status.value === "needs-passphrase";
  const link = e2ee.shareLink();
  return (
    <Dialog
      title={needs ? t("e2ee.passphraseTitle") : t("e2ee.title")}
      testId="e2ee-dialog"
      onClose={onClose}
    >
      <p>{t("e2ee.explain")}</p>
      {needs ? (
        <form
          class="e2ee-passphrase"
          onSubmit={(ev) => {
            ev.preventDefault();
            if (!typed.value.trim()) return;
            e2ee.usePassphrase(typed.value);
            onClose();
          }}
        >
          <p class="hint">{t("e2ee.passphraseHint")}</p>
          <label>
            {t("e2ee.passphraseLabel")}
            <input
              type="password"
              autocomplete="off"
              data-testid="e2ee-passphrase"
              value={typed.value}
              onInput={(ev) => (typed.value = (ev.currentTarget as HTMLInputElement).value)}
            />
          </label>
          <button type="submit" class="primary" data-testid="e2ee-passphrase-use">
            {t("e2ee.passphraseUse")}
          </button>
        </form>
      ) : (
        <>
          <h3>{t("e2ee.safetyCode")}</h3>
          <p class="e2ee-code" data-testid="e2ee-safety-code">
            {e2ee.safetyCode.value ?? "…"}
          </p>
          <p class="hint">{t("e2ee.safetyHint", { count: e2ee.keyed.value })}</p>
          {link && <ShareLinkField link={link} testId="e2ee-link" />}
        </>
      )}
      {e2ee.mismatch.value && (
        <p class="e2ee-mismatch" role="alert" data-testid="e2ee-mismatch">
          {t("e2ee.mismatch")}
        </p>
      )}
    </Dialog>
  );
}
