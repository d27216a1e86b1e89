/** Reading the raised-hands queue (PROTOCOL.md, Raised hands): the server sends it whole, in order. */
import type { HandEntry } from "../../../protocol/server-messages.js";

/** Each raised hand's place in line, counted from 1 (first is next to speak). */
export function queuePositions(queue: readonly HandEntry[]): ReadonlyMap<string, number> {
  const positions = new Map<string, number>();
  for (const entry of queue) {
    // The server never lists anyone twice; should it, the first place is the one that counts.
    if (!positions.has(entry.participantId)) positions.set(entry.participantId, positions.size + 1);
  }
  return positions;
}

/** Whether the R shortcut should act: not while typing, not with a modifier, not on key repeat. */
export function isHandShortcut(ev: {
  key: string;
  repeat: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  target: { tagName?: string; isContentEditable?: boolean } | null;
}): boolean {
  if (ev.key !== "r" && ev.key !== "R") return false;
  if (ev.repeat || ev.ctrlKey || ev.metaKey || ev.altKey) return false;
  const tag = ev.target?.tagName?.toLowerCase();
  if (tag === "input" || tag === "textarea" || tag === "select") return false;
  return ev.target?.isContentEditable !== true;
}
