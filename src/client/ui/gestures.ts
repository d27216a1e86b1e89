/**
 * Touch gestures, for phones and tablets: a tap, a horizontal swipe and a long press, told apart from the
 * pointer's path. Only touch pointers count: a mouse has its own ways (the pin button, the "⋯" menus, the
 * pager's arrows), and a click on a tile must not change a desktop user's view by surprise. Every gesture has a
 * button that does the same for keyboards and screen readers; a gesture is a shortcut, never the only way.
 */
import { useRef } from "preact/hooks";

/** A finger that moved less than this (CSS px) did not mean to move. */
export const SLOP_PX = 10;
/** Held this long without moving: a long press (Android's own long-press delay is 400-500 ms). */
export const LONG_PRESS_MS = 500;
/** A swipe goes at least this far sideways, and mostly sideways. */
export const SWIPE_PX = 50;

export interface Stroke {
  dx: number;
  dy: number;
  ms: number;
}

export type Gesture = "tap" | "long-press" | "swipe-left" | "swipe-right" | "none";

/** What a finger's stroke, from down to up, was. */
export function gestureOf({ dx, dy, ms }: Stroke): Gesture {
  const moved = Math.hypot(dx, dy);
  if (moved < SLOP_PX) return ms >= LONG_PRESS_MS ? "long-press" : "tap";
  // Sideways at least twice as much as up or down: a vertical scroll that drifts is not a swipe.
  if (Math.abs(dx) >= SWIPE_PX && Math.abs(dx) >= 2 * Math.abs(dy))
    return dx < 0 ? "swipe-left" : "swipe-right";
  return "none";
}

export interface GestureHandlers {
  onTap?: (target: EventTarget | null) => void;
  onSwipe?: (direction: "left" | "right") => void;
  /** `target`: where the finger went down. */
  onLongPress?: (target: EventTarget | null) => void;
}

interface Down {
  id: number;
  x: number;
  y: number;
  at: number;
  target: EventTarget | null;
  timer: ReturnType<typeof setTimeout> | null;
  fired: boolean;
}

/**
 * Pointer handlers to spread on an element. The long press fires while the finger is still down (people
 * lift their finger when the menu appears), and the stroke that made it ends as nothing else.
 */
export function useGestures(handlers: GestureHandlers) {
  const latest = useRef(handlers);
  latest.current = handlers;
  const down = useRef<Down | null>(null);

  const cancel = () => {
    if (down.current?.timer) clearTimeout(down.current.timer);
    down.current = null;
  };

  return {
    onPointerDown: (ev: PointerEvent) => {
      if (ev.pointerType !== "touch" || !ev.isPrimary) return;
      cancel();
      const d: Down = {
        id: ev.pointerId,
        x: ev.clientX,
        y: ev.clientY,
        at: ev.timeStamp,
        target: ev.target,
        timer: null,
        fired: false,
      };
      if (latest.current.onLongPress)
        d.timer = setTimeout(() => {
          d.timer = null;
          d.fired = true;
          latest.current.onLongPress?.(d.target);
        }, LONG_PRESS_MS);
      down.current = d;
    },
    onPointerMove: (ev: PointerEvent) => {
      const d = down.current;
      if (!d || d.id !== ev.pointerId || !d.timer) return;
      if (Math.hypot(ev.clientX - d.x, ev.clientY - d.y) >= SLOP_PX) {
        clearTimeout(d.timer);
        d.timer = null;
      }
    },
    onPointerUp: (ev: PointerEvent) => {
      const d = down.current;
      if (!d || d.id !== ev.pointerId) return;
      cancel();
      if (d.fired) return;
      const gesture = gestureOf({ dx: ev.clientX - d.x, dy: ev.clientY - d.y, ms: ev.timeStamp - d.at });
      const h = latest.current;
      if (gesture === "tap") h.onTap?.(d.target);
      else if (gesture === "long-press") h.onLongPress?.(d.target);
      else if (gesture === "swipe-left") h.onSwipe?.("left");
      else if (gesture === "swipe-right") h.onSwipe?.("right");
    },
    // The browser took the stroke over (a scroll, a pinch): it was not ours.
    onPointerCancel: cancel,
  };
}

/** Whether a tap landed on a control of its own (a button, a link, a field), which then handles it. */
export function onControl(target: EventTarget | null, within: Element | null): boolean {
  for (let el = target instanceof Element ? target : null; el && el !== within; el = el.parentElement)
    if (el.matches("button, a, input, select, textarea, [role=button], [role=menuitem]")) return true;
  return false;
}
