/**
 * The names of icon buttons, for fingers: a mouse shows a button's tooltip on hover, a finger has no hover, so
 * a long press on a button says its name above the bar for a moment (as Android does for its own icon bars),
 * and that press does not also press the button.
 */
import { useSignal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import { useGestures } from "./gestures.js";

/** How long the name stays. */
const SHOWN_MS = 2000;
/** A click this soon after a long press is that press's own end, not a new press. */
const SWALLOW_MS = 800;

export function useTouchLabels() {
  const label = useSignal<{ text: string; seq: number } | null>(null);
  const pressedAt = useRef(Number.NEGATIVE_INFINITY);
  const timer = useRef<ReturnType<typeof setTimeout>>();
  useEffect(() => () => clearTimeout(timer.current), []);

  const gestures = useGestures({
    onLongPress: (target) => {
      const button = target instanceof Element ? target.closest("button") : null;
      const text = button?.getAttribute("aria-label") ?? button?.getAttribute("title");
      if (!text) return;
      pressedAt.current = performance.now();
      label.value = { text, seq: (label.peek()?.seq ?? 0) + 1 };
      clearTimeout(timer.current);
      timer.current = setTimeout(() => {
        label.value = null;
      }, SHOWN_MS);
    },
  });

  return {
    handlers: {
      ...gestures,
      onClickCapture: (ev: MouseEvent) => {
        if (performance.now() - pressedAt.current > SWALLOW_MS) return;
        ev.preventDefault();
        ev.stopPropagation();
      },
    },
    view: label.value ? (
      <span key={label.value.seq} class="touch-label" data-testid="touch-label" aria-hidden="true">
        {label.value.text}
      </span>
    ) : null,
  };
}
