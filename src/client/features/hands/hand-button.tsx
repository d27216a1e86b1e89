/**
 * The toolbar's raise-hand toggle, and its keyboard shortcut R (PROTOCOL.md, Raised hands). Pressed means
 * the server has our hand in its queue: the state shown is the server's, not a guess.
 */
import { t } from "../../i18n/i18n.js";
import { HandIcon } from "../../ui/icons.js";
import { HandsScope } from "./hands-controller.js";
import "./hands.css";
import { useShortcut } from "../../ui/shortcuts.js";

export function HandButton() {
  const hands = HandsScope.use();
  const raised = hands.isRaised();

  useShortcut({
    key: "r",
    down: () => {
      void hands.toggle();
      return true;
    },
  });

  return (
    <button
      type="button"
      class={`round-button hand-toggle ${raised ? "is-raised" : ""}`}
      data-testid="toggle-hand"
      aria-pressed={raised ? "true" : "false"}
      aria-label={t("hands.toggle")}
      aria-keyshortcuts="R"
      aria-busy={hands.busy.value ? "true" : undefined}
      title={t(raised ? "hands.lowerHint" : "hands.raiseHint")}
      onClick={() => void hands.toggle()}
    >
      <HandIcon />
    </button>
  );
}
