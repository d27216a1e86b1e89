/**
 * The toolbar's reactions button and its small menu of the eight emoji. The menu stays open for several
 * reactions in a row; Escape, the button again or a click elsewhere closes it. Arrow keys move between
 * the emoji.
 */
import { useSignal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import { REACTIONS } from "../../../protocol/text.js";
import { t } from "../../i18n/i18n.js";
import { SmileIcon } from "../../ui/icons.js";
import { ReactionsScope } from "./reactions-controller.js";
import { REACTION_NAMES } from "./reactions-names.js";
import "./reactions.css";

export function ReactionsButton() {
  const reactions = ReactionsScope.use();
  const open = useSignal(false);
  const wrapper = useRef<HTMLDivElement>(null);
  const toggle = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!open.value) return;
    wrapper.current?.querySelector<HTMLButtonElement>("[data-testid=reaction]")?.focus();
    const onPointer = (ev: PointerEvent) => {
      if (!wrapper.current?.contains(ev.target as Node)) open.value = false;
    };
    addEventListener("pointerdown", onPointer);
    return () => removeEventListener("pointerdown", onPointer);
  }, [open.value]);

  const close = () => {
    open.value = false;
    toggle.current?.focus();
  };

  const onMenuKey = (ev: KeyboardEvent) => {
    if (ev.key === "Escape") {
      ev.stopPropagation();
      close();
      return;
    }
    const step =
      ev.key === "ArrowRight" || ev.key === "ArrowDown"
        ? 1
        : ev.key === "ArrowLeft" || ev.key === "ArrowUp"
          ? -1
          : 0;
    if (step === 0) return;
    ev.preventDefault();
    const buttons = [
      ...(wrapper.current?.querySelectorAll<HTMLButtonElement>("[data-testid=reaction]") ?? []),
    ];
    const at = buttons.indexOf(document.activeElement as HTMLButtonElement);
    buttons[(at + step + buttons.length) % buttons.length]?.focus();
  };

  return (
    <div class="reactions" ref={wrapper}>
      <button
        ref={toggle}
        type="button"
        class={`round-button ${open.value ? "is-active" : ""}`}
        data-testid="toggle-reactions"
        aria-expanded={open.value ? "true" : "false"}
        aria-controls="reactions-menu"
        aria-label={t("reactions.toggle")}
        title={t("reactions.toggleHint")}
        onClick={() => {
          open.value = !open.value;
        }}
      >
        <SmileIcon />
      </button>
      {open.value && (
        <fieldset
          id="reactions-menu"
          class="reactions-menu"
          data-testid="reactions-menu"
          onKeyDown={onMenuKey}
        >
          <legend class="visually-hidden">{t("reactions.menu")}</legend>
          {REACTIONS.map((emoji) => (
            <button
              key={emoji}
              type="button"
              class="reaction-choice"
              data-testid="reaction"
              data-emoji={emoji}
              aria-label={t(REACTION_NAMES[emoji])}
              title={t(REACTION_NAMES[emoji])}
              onClick={() => void reactions.send(emoji)}
            >
              {emoji}
            </button>
          ))}
        </fieldset>
      )}
      {reactions.slowDown.value && (
        <p class="reactions-hint" role="status">
          {t("reactions.slowDown")}
        </p>
      )}
    </div>
  );
}
