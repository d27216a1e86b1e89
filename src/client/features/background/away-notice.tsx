/**
 * The notice after a while in the background (away-controller.ts), over the meeting until dismissed: a card
 * like the moderators' notices (moderation/toasts.css). Its region stays in the page, empty between notices,
 * so that screen readers announce what appears in it.
 */
import { t } from "../../i18n/i18n.js";
import { CloseIcon } from "../../ui/icons.js";
import { AwayScope } from "./away-controller.js";
import "../moderation/toasts.css";
import "./away.css";

export function AwayNoticeView() {
  const away = AwayScope.use();
  const notice = away.notice.value;
  return (
    <div class="away-notice-region" role="status">
      {notice && (
        <div class="toast away-notice" data-testid="away-notice" key={notice.seq}>
          <p class="toast-text">
            {t("device.awayNotice", { seconds: notice.seconds })}
            {notice.cameraBack ? ` ${t("device.awayCameraBack")}` : ""}
          </p>
          <button
            type="button"
            class="toast-close"
            aria-label={t("device.awayDismiss")}
            title={t("device.awayDismiss")}
            onClick={() => away.dismiss()}
          >
            <CloseIcon size={18} />
          </button>
        </div>
      )}
    </div>
  );
}
