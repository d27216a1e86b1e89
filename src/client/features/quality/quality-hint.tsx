/**
 * The seed's tip on a poor connection, when the media server reports one (`connection.slow`): prefer the
 * sound to the picture. A small card above the ⋯ button offers audio only or a lower quality.
 */
import { t } from "../../i18n/i18n.js";
import { CloseIcon } from "../../ui/icons.js";
import type { QualityController } from "./quality-controller.js";
import "./quality.css";

export function QualityHint({ quality, hidden }: { quality: QualityController; hidden: boolean }) {
  const show = quality.suggestion.value && !hidden;
  return (
    <div class="quality-hint-live" role="status">
      {show && (
        <div class="quality-hint" data-testid="slow-connection-hint">
          <p>{t("quality.slowHint")}</p>
          <div class="quality-hint-actions">
            <button
              type="button"
              class="primary"
              data-testid="slow-connection-audio-only"
              onClick={() => void quality.set("audio-only")}
            >
              {t("quality.audioOnly")}
            </button>
            {quality.quality.value !== "low" && (
              <button type="button" class="secondary" onClick={() => void quality.set("low")}>
                {t("quality.slowLower")}
              </button>
            )}
          </div>
          <button
            type="button"
            class="quality-hint-close"
            aria-label={t("quality.slowDismiss")}
            title={t("quality.slowDismiss")}
            onClick={() => quality.dismissSuggestion()}
          >
            <CloseIcon />
          </button>
        </div>
      )}
    </div>
  );
}
