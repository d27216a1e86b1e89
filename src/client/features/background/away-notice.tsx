/** The notice after a while in the background (away-controller.ts), over the meeting until dismissed. */
import { t } from "../../i18n/i18n.js";
import { CloseIcon } from "../../ui/icons.js";
import { AwayScope } from "./away-controller.js";
import "./away.css";

export function AwayNoticeView() {
  const away = AwayScope.use();
  const notice = away.notice.value;
  return (
    <div class="away-notice-region" role="status">
      {notice && (
        <p class="away-notice" data-testid="away-notice" key={notice.seq}>
          <span>
            {t("device.awayNotice", { seconds: notice.seconds })}
            {notice.cameraBack ? ` ${t("device.awayCameraBack")}` : ""}
          </span>
          <button
            type="button"
            aria-label={t("device.awayDismiss")}
            title={t("device.awayDismiss")}
            onClick={() => away.dismiss()}
          >
            <CloseIcon size={18} />
          </button>
        </p>
      )}
    </div>
  );
}
