/** The list of keyboard shortcuts (from the ⋯ menu, or the ? key). */
import { t } from "../../i18n/i18n.js";
import { Dialog } from "../../ui/dialog.js";
import { SHORTCUTS } from "../../ui/shortcuts.js";

export function ShortcutsDialog({
  onClose,
  returnFocus,
}: {
  onClose: () => void;
  returnFocus?: () => HTMLElement | null;
}) {
  return (
    <Dialog
      title={t("shortcuts.title")}
      testId="shortcuts-dialog"
      onClose={onClose}
      returnFocus={returnFocus}
    >
      <dl class="shortcut-list">
        {SHORTCUTS.map(({ keys, label }) => (
          <div key={label} class="shortcut-row">
            <dt>
              {keys.map((key) => (
                <kbd key={key}>
                  {key === "Space"
                    ? t("shortcuts.spaceKey")
                    : key === "Escape"
                      ? t("shortcuts.escapeKey")
                      : key}
                </kbd>
              ))}
            </dt>
            <dd>{t(label)}</dd>
          </div>
        ))}
      </dl>
      <p class="hint">{t("shortcuts.note")}</p>
    </Dialog>
  );
}
