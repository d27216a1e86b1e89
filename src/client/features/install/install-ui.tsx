/**
 * The "Install the app" item: in the ⋯ menu and under the home page's card, drawn only while the browser says
 * the app can be installed (install-offer.ts). Nothing is shown or focused by itself.
 */
import { t } from "../../i18n/i18n.js";
import { Svg } from "../../ui/icons.js";
import { InstallScope } from "./install-offer.js";
import "./install.css";

function InstallIcon() {
  return (
    <Svg size={20}>
      <rect x="6" y="2" width="12" height="20" rx="2" />
      <path d="M12 7v7M9 11l3 3 3-3M10 18h4" />
    </Svg>
  );
}

/** For the ⋯ menu; `onPicked` closes the menu first (the browser's prompt takes the focus). */
export function InstallMenuItem({ onPicked }: { onPicked: () => void }) {
  const offer = InstallScope.use();
  if (!offer.available.value) return null;
  return (
    <button
      type="button"
      class="more-item"
      data-testid="install-app"
      onClick={() => {
        onPicked();
        void offer.install();
      }}
    >
      <InstallIcon />
      {t("install.offer")}
    </button>
  );
}

export function InstallHomeOffer() {
  const offer = InstallScope.use();
  if (!offer.available.value) return null;
  return (
    <div class="install-home">
      <button
        type="button"
        class="secondary"
        data-testid="install-app"
        aria-describedby="install-home-hint"
        onClick={() => void offer.install()}
      >
        <InstallIcon />
        {t("install.offer")}
      </button>
      <p id="install-home-hint" class="hint">
        {t("install.offerHint")}
      </p>
    </div>
  );
}
