/**
 * The moderators' switch for end-to-end encryption (in the room's security settings). It only goes on: the
 * server refuses to turn it off, and the page would not follow. Turning it on puts a new passphrase in our
 * own link, which is then the link to share.
 */
import { useSignal } from "@preact/signals";
import { t } from "../../i18n/i18n.js";
import type { Room } from "../../state/room.js";
import { ShareLinkField } from "./e2ee-badge.js";
import { E2eeScope, e2eeSupported } from "./e2ee-controller.js";

export function E2eeSettings({ room }: { room: Room }) {
  const e2ee = E2eeScope.use();
  const busy = useSignal(false);
  const failed = useSignal(false);
  const on = room.state.settings.value.e2ee;
  const link = on ? e2ee.shareLink() : null;
  return (
    <div class="e2ee-settings">
      {on ? (
        <p data-testid="e2ee-on">{t("e2ee.onStatus")}</p>
      ) : (
        <>
          <button
            type="button"
            data-testid="e2ee-turn-on"
            disabled={busy.value || !e2eeSupported()}
            onClick={async () => {
              busy.value = true;
              failed.value = false;
              try {
                await e2ee.turnOn();
              } catch (err) {
                console.warn("palabre: end-to-end encryption not turned on", err);
                failed.value = true;
              } finally {
                busy.value = false;
              }
            }}
          >
            {t("e2ee.turnOn")}
          </button>
          <p class="hint">{e2eeSupported() ? t("e2ee.turnOnHint") : t("e2ee.unsupportedHere")}</p>
        </>
      )}
      {link && <ShareLinkField link={link} testId="e2ee-settings-link" />}
      {failed.value && <p role="alert">{t("e2ee.failed")}</p>}
    </div>
  );
}
