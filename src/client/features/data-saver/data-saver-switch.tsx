/** The ⋯ menu's data-saver switch (features/data-saver): on or off, with what it does said beneath. */
import { t } from "../../i18n/i18n.js";
import { DataSaverScope } from "./data-saver.js";
import "./data-saver.css";

export function DataSaverSwitch() {
  const saver = DataSaverScope.use();
  const on = saver.on.value;
  return (
    <button
      type="button"
      role="switch"
      class="more-item more-radio"
      data-testid="data-saver"
      aria-checked={on ? "true" : "false"}
      aria-labelledby="data-saver-label"
      aria-describedby="data-saver-hint"
      onClick={() => void saver.toggle()}
    >
      <span class="more-switch-mark" aria-hidden="true" />
      <span class="more-radio-text">
        <span id="data-saver-label">{t("dataSaver.label")}</span>
        <span id="data-saver-hint" class="more-hint">
          {t("dataSaver.hint")}
        </span>
      </span>
    </button>
  );
}
