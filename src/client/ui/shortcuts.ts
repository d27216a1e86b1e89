/**
 * The meeting's keyboard shortcuts: one registry, one set of rules, one listener. A feature binds a key (R,
 * W, M, V, ?, Space); whether a key press is a shortcut at all is decided here, the same way for every key:
 * not while a modal dialog is open, not while typing (a letter typed in the chat), not with Ctrl, ⌘ or Alt, not
 * on a key's repeats unless the binding holds the key (push-to-talk), not outside the meeting, and Space never
 * where it already presses a button or ticks a box.
 */
import { useEffect, useRef } from "preact/hooks";
import type { MessageKey } from "../i18n/i18n.js";
import { scope } from "./scope.js";

export interface KeyPress {
  key: string;
  repeat: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  target: {
    tagName?: string;
    isContentEditable?: boolean;
    getAttribute?(name: string): string | null;
  } | null;
}

/** Where a key types text (or picks an option): a shortcut there would eat the key. */
export function isTypingTarget(target: KeyPress["target"]): boolean {
  const tag = target?.tagName?.toLowerCase();
  return tag === "input" || tag === "textarea" || tag === "select" || target?.isContentEditable === true;
}

const ACTIVATED_BY_SPACE = new Set(["button", "a", "summary", "input", "textarea", "select"]);
const SPACE_ROLES = new Set([
  "button",
  "checkbox",
  "menuitem",
  "menuitemradio",
  "radio",
  "switch",
  "tab",
  "option",
]);

/** Where Space already means something (it presses a button, ticks a box): push-to-talk must not take it. */
export function spaceIsTaken(target: KeyPress["target"]): boolean {
  if (isTypingTarget(target)) return true;
  const tag = target?.tagName?.toLowerCase() ?? "";
  if (ACTIVATED_BY_SPACE.has(tag)) return true;
  const role = target?.getAttribute?.("role");
  return role != null && SPACE_ROLES.has(role);
}

export interface KeyBinding {
  /** The key as KeyboardEvent.key names it; letters match either case ("r" is R too). */
  key: string;
  /** The key went down (and is a shortcut by the rules above): act. Return false to leave the key alone. */
  down(): boolean | undefined;
  /** For a held key: it went up, or the window lost focus while it was down. */
  up?(): void;
  /** The binding holds the key: its repeats are taken (no scrolling meanwhile) but not acted on. */
  held?: () => boolean;
}

/** What a window (or a test's stand-in) gives the registry. */
export interface KeyTarget {
  addEventListener(type: "keydown" | "keyup" | "blur", listener: (ev: Event) => void): void;
  removeEventListener(type: "keydown" | "keyup" | "blur", listener: (ev: Event) => void): void;
}

type KeyEvent = KeyPress & { defaultPrevented: boolean; preventDefault(): void };

export class Shortcuts {
  readonly #bindings = new Set<KeyBinding>();

  /**
   * `active`: whether shortcuts apply now (the meeting screen); `modalOpen`: whether a modal dialog has the
   * keys (keys belong to it then).
   */
  constructor(
    private readonly active: () => boolean,
    private readonly modalOpen: () => boolean,
  ) {}

  /** Binds a key; the returned function unbinds it. */
  bind(binding: KeyBinding): () => void {
    this.#bindings.add(binding);
    return () => this.#bindings.delete(binding);
  }

  /** A key went down: acts on the binding it is a shortcut for, if any. */
  keydown(ev: KeyEvent): void {
    if (ev.defaultPrevented || ev.ctrlKey || ev.metaKey || ev.altKey) return;
    if (this.modalOpen() || !this.active()) return;
    const binding = this.#find(ev.key);
    if (!binding) return;
    if (ev.key === " " ? spaceIsTaken(ev.target) : isTypingTarget(ev.target)) return;
    if (ev.repeat || binding.held?.()) {
      if (binding.held?.()) ev.preventDefault();
      return;
    }
    if (binding.down() !== false) ev.preventDefault();
  }

  keyup(ev: { key: string }): void {
    this.#find(ev.key)?.up?.();
  }

  /** The window lost focus: a held key will not report going up. */
  blur(): void {
    for (const b of this.#bindings) b.up?.();
  }

  /** Listens on `target` (the window) until the returned function is called. */
  listen(target: KeyTarget): () => void {
    const down = (ev: Event) => this.keydown(asKeyEvent(ev as KeyboardEvent));
    const up = (ev: Event) => this.keyup(ev as KeyboardEvent);
    const blur = () => this.blur();
    target.addEventListener("keydown", down);
    target.addEventListener("keyup", up);
    target.addEventListener("blur", blur);
    return () => {
      target.removeEventListener("keydown", down);
      target.removeEventListener("keyup", up);
      target.removeEventListener("blur", blur);
    };
  }

  #find(key: string): KeyBinding | undefined {
    const wanted = key.length === 1 ? key.toLowerCase() : key;
    for (const b of this.#bindings)
      if ((b.key.length === 1 ? b.key.toLowerCase() : b.key) === wanted) return b;
    return undefined;
  }
}

function asKeyEvent(ev: KeyboardEvent): KeyEvent {
  return {
    key: ev.key,
    repeat: ev.repeat,
    ctrlKey: ev.ctrlKey,
    metaKey: ev.metaKey,
    altKey: ev.altKey,
    target: ev.target instanceof HTMLElement ? ev.target : null,
    get defaultPrevented() {
      return ev.defaultPrevented;
    },
    preventDefault: () => ev.preventDefault(),
  };
}

/** The list shown in the shortcuts dialog: only keys that work. */
export const SHORTCUTS: readonly { keys: readonly string[]; label: MessageKey }[] = [
  { keys: ["M"], label: "shortcuts.mic" },
  { keys: ["V"], label: "shortcuts.camera" },
  { keys: ["Space"], label: "shortcuts.pushToTalk" },
  { keys: ["R"], label: "shortcuts.hand" },
  { keys: ["W"], label: "layout.shortcut" },
  { keys: ["?"], label: "shortcuts.help" },
  { keys: ["Escape"], label: "shortcuts.escape" },
];

/** The page's shortcuts (meeting.tsx makes them and listens on the window). */
export const ShortcutsScope = scope<Shortcuts>("keyboard shortcuts");

/**
 * Binds a key while the component is mounted. The binding's functions are read at each press, so they may
 * close over the component's latest props.
 */
export function useShortcut(binding: KeyBinding): void {
  const shortcuts = ShortcutsScope.use();
  const latest = useRef(binding);
  latest.current = binding;
  useEffect(
    () =>
      shortcuts.bind({
        key: binding.key,
        down: () => latest.current.down(),
        up: () => latest.current.up?.(),
        held: () => latest.current.held?.() ?? false,
      }),
    [shortcuts, binding.key],
  );
}
