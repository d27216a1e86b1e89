/**
 * Keyboard shortcuts of the meeting: which key does what, and when a key press is one. A letter typed in the
 * chat, or Space pressed on a focused button, is never taken for a shortcut.
 */
import type { MessageKey } from "../../i18n/i18n.js";

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

const plain = (ev: KeyPress) => !ev.ctrlKey && !ev.metaKey && !ev.altKey;

/** M toggles the microphone, V the camera (no modifier, no key repeat, not while typing). */
export function deviceShortcut(ev: KeyPress): "audio" | "video" | null {
  if (ev.repeat || !plain(ev) || isTypingTarget(ev.target)) return null;
  const key = ev.key.toLowerCase();
  return key === "m" ? "audio" : key === "v" ? "video" : null;
}

/** Space held down talks while muted (push-to-talk); the repeats of a held key are the same press. */
export function isPushToTalkKey(ev: KeyPress): boolean {
  return ev.key === " " && plain(ev) && !spaceIsTaken(ev.target);
}

/** "?" opens the list of shortcuts. */
export function isHelpShortcut(ev: KeyPress): boolean {
  return ev.key === "?" && !ev.ctrlKey && !ev.metaKey && !ev.repeat && !isTypingTarget(ev.target);
}

/** The list shown in the shortcuts dialog: only keys that work. */
export const SHORTCUTS: readonly { keys: readonly string[]; label: MessageKey }[] = [
  { keys: ["M"], label: "shortcuts.mic" },
  { keys: ["V"], label: "shortcuts.camera" },
  { keys: ["Space"], label: "shortcuts.pushToTalk" },
  { keys: ["R"], label: "shortcuts.hand" },
  // features/layout
  { keys: ["W"], label: "layout.shortcut" },
  { keys: ["?"], label: "shortcuts.help" },
  { keys: ["Escape"], label: "shortcuts.escape" },
];
