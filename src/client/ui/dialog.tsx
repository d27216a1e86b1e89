/**
 * A modal dialog on the native <dialog> (showModal): the browser keeps focus inside it and makes the rest of
 * the page inert. It opens when mounted; Escape or the close button calls `onClose`, and when it goes away,
 * focus returns to where it came from (or to `returnFocus`, when that element is gone).
 */
import type { ComponentChildren } from "preact";
import { useEffect, useId, useRef } from "preact/hooks";
import { t } from "../i18n/i18n.js";
import { CloseIcon } from "./icons.js";

interface Props {
  title: string;
  testId: string;
  onClose: () => void;
  /** Where focus goes back to if the element focused before is no longer on the page. */
  returnFocus?: () => HTMLElement | null;
  class?: string;
  children: ComponentChildren;
}

export function Dialog({ title, testId, onClose, returnFocus, class: className, children }: Props) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const close = useRef(onClose);
  close.current = onClose;
  const fallback = useRef(returnFocus);
  fallback.current = returnFocus;

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!dialog.open) dialog.showModal();
    const onCancel = (ev: Event) => {
      ev.preventDefault(); // the parent decides, by unmounting
      close.current();
    };
    dialog.addEventListener("cancel", onCancel);
    return () => {
      dialog.removeEventListener("cancel", onCancel);
      if (dialog.open) dialog.close();
      const target = before && before !== document.body && before.isConnected ? before : fallback.current?.();
      target?.focus();
    };
  }, []);

  return (
    // Escape closes the dialog natively (the cancel event); the click closes it on its backdrop only.
    // biome-ignore lint/a11y/useKeyWithClickEvents: see above
    <dialog
      ref={ref}
      class={`modal ${className ?? ""}`}
      data-testid={testId}
      aria-labelledby={titleId}
      onClick={(ev) => {
        // A click on the backdrop (the dialog element itself, outside its box) closes it.
        const dialog = ref.current;
        if (dialog && ev.target === dialog) {
          const box = dialog.getBoundingClientRect();
          const inside =
            ev.clientX >= box.left &&
            ev.clientX <= box.right &&
            ev.clientY >= box.top &&
            ev.clientY <= box.bottom;
          if (!inside) close.current();
        }
      }}
    >
      <div class="modal-head">
        <h2 id={titleId}>{title}</h2>
        <button
          type="button"
          class="modal-close"
          data-testid="dialog-close"
          aria-label={t("more.close")}
          title={t("more.close")}
          onClick={() => close.current()}
        >
          <CloseIcon />
        </button>
      </div>
      <div class="modal-body">{children}</div>
    </dialog>
  );
}
