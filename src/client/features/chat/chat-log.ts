/** Pure rules for the message list and its unread count, kept apart from the controller to be tested. */
import type { ChatMessage } from "../../../protocol/server-messages.js";

/** Messages kept in memory; the server keeps 500 for latecomers, a long meeting may see more go by. */
export const CHAT_KEEP = 1000;

/**
 * Whether a message arriving now adds to the unread badge: only someone else's, and only while the panel
 * is closed (history loaded on joining is not "received while closed": it is not counted).
 */
export function countsAsUnread(message: ChatMessage, myId: string | null, open: boolean): boolean {
  return !open && message.from !== myId;
}

/** The new unread count after a message arrives. */
export function unreadAfter(count: number, message: ChatMessage, myId: string | null, open: boolean): number {
  return countsAsUnread(message, myId, open) ? count + 1 : count;
}

/** Appends a message, dropping the oldest beyond CHAT_KEEP, and ignoring one already there (same id). */
export function appendMessage(list: readonly ChatMessage[], message: ChatMessage): readonly ChatMessage[] {
  if (list.some((m) => m.id === message.id)) return list;
  const next = [...list, message];
  return next.length > CHAT_KEEP ? next.slice(next.length - CHAT_KEEP) : next;
}

/**
 * Back in the same room as the same participant: the history from `joined` holds the public messages,
 * including those posted while we were away; ours also holds private ones the history never has.
 * Union by id, in time order (stable, so messages of the same millisecond keep their order).
 */
export function mergeHistory(
  mine: readonly ChatMessage[],
  history: readonly ChatMessage[],
): readonly ChatMessage[] {
  const known = new Set(mine.map((m) => m.id));
  const merged = [...mine, ...history.filter((m) => !known.has(m.id))];
  merged.sort((a, b) => a.at - b.at);
  return merged.length > CHAT_KEEP ? merged.slice(merged.length - CHAT_KEEP) : merged;
}
