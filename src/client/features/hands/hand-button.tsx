/**
 * The toolbar's raise-hand toggle, and its keyboard shortcut R (PROTOCOL.md, Raised hands). Pressed means
 * the server has our hand in its queue: the state shown is the server's, not a guess.
 */
import { useEffect } from "preact/hooks";
import { t } from "../../i18n/i18n.js";
import type { Room } from "../../state/room.js";
import { HandIcon } from "../../ui/icons.js";
import { handsOf } from "./hands-controller.js";
import { isHandShortcut } from "./queue.js";
import "./hands.css";

export function HandButton({ room }: { room: Room }) {
  const hands = handsOf(room);
  const raised = hands.isRaised();

  useEffect(() => {
    const onKey = (ev: KeyboardEvent) => {
      const target = ev.target instanceof HTMLElement ? ev.target : null;
      const { key, repeat, ctrlKey, metaKey, altKey } = ev;
      if (!isHandShortcut({ key, repeat, ctrlKey, metaKey, altKey, target })) return;
      ev.preventDefault();
      void hands.toggle();
    };
    addEventListener("keydown", onKey);
    return () => removeEventListener("keydown", onKey);
  }, [hands]);

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
