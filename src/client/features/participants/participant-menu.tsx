/**
 * The "⋯" menu of a participant row, as a WAI-ARIA menu button: Enter/Space/↓ open it on the first item,
 * ↑/↓/Home/End move, Escape closes it and gives focus back to the button, Tab or a click elsewhere close it.
 */
import { type Signal, useSignal } from "@preact/signals";
import { useEffect, useId, useRef } from "preact/hooks";
import { t } from "../../i18n/i18n.js";
import { MoreIcon } from "../../ui/icons.js";

export interface MenuItem {
  testId: string;
  label: string;
  onSelect: () => void;
  /** Drawn in red: the action cannot be taken back (remove). */
  danger?: boolean;
}

interface Props {
  name: string;
  items: readonly MenuItem[];
  /** Whether it is open, when the row opens it too (a long press on a phone). */
  open?: Signal<boolean>;
}

export function ParticipantMenu({ name, items, open: given }: Props) {
  const own = useSignal(false);
  const open = given ?? own;
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);
  const menuId = `participant-menu-${useId()}`;

  useEffect(() => {
    if (!open.value) return;
    menuItems(menu.current)[0]?.focus();
    const outside = (ev: PointerEvent) => {
      const target = ev.target as Node | null;
      if (!menu.current?.contains(target) && !button.current?.contains(target)) open.value = false;
    };
    document.addEventListener("pointerdown", outside);
    return () => document.removeEventListener("pointerdown", outside);
  }, [open.value]);

  const close = (refocus: boolean) => {
    open.value = false;
    if (refocus) button.current?.focus();
  };

  const onMenuKey = (ev: KeyboardEvent) => {
    const list = menuItems(menu.current);
    const at = list.indexOf(document.activeElement as HTMLElement);
    const go = (i: number) => {
      ev.preventDefault();
      list[(i + list.length) % list.length]?.focus();
    };
    switch (ev.key) {
      case "ArrowDown":
        return go(at + 1);
      case "ArrowUp":
        return go(at - 1);
      case "Home":
        return go(0);
      case "End":
        return go(list.length - 1);
      case "Escape":
        ev.preventDefault();
        ev.stopPropagation(); // the pane closes on Escape too; one press closes one thing
        return close(true);
      case "Tab":
        return close(false);
    }
  };

  return (
    <div class="menu-wrap">
      <button
        ref={button}
        type="button"
        class="pane-icon-button"
        data-testid="participant-menu"
        aria-haspopup="menu"
        aria-expanded={open.value ? "true" : "false"}
        aria-controls={open.value ? menuId : undefined}
        aria-label={t("participants.menu", { name })}
        title={t("participants.menu", { name })}
        onClick={() => {
          open.value = !open.value;
        }}
        onKeyDown={(ev) => {
          if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
            ev.preventDefault();
            open.value = true;
          }
        }}
      >
        <MoreIcon />
      </button>
      {open.value && (
        <div
          ref={menu}
          id={menuId}
          class="person-menu"
          role="menu"
          tabIndex={-1}
          aria-label={t("participants.menu", { name })}
          onKeyDown={onMenuKey}
        >
          {items.map((item) => (
            <button
              key={item.testId}
              type="button"
              role="menuitem"
              tabIndex={-1}
              class={item.danger ? "danger" : undefined}
              data-testid={item.testId}
              onClick={() => {
                close(true);
                item.onSelect();
              }}
            >
              {item.label}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}

function menuItems(menu: HTMLElement | null): HTMLElement[] {
  return menu ? [...menu.querySelectorAll<HTMLElement>("[role=menuitem]")] : [];
}
