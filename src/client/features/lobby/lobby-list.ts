/** The moderators' copy of the lobby, kept in step by lobby.list / lobby.knock / lobby.resolved. Pure. */
import type { LobbyEntry } from "../../../protocol/messages.js";

/** Adds a knock, oldest first; a repeated knock (same id) replaces the old entry instead of doubling it. */
export function withKnock(entries: readonly LobbyEntry[], entry: LobbyEntry): LobbyEntry[] {
  const rest = entries.filter((e) => e.id !== entry.id);
  return [...rest, entry].sort((a, b) => a.since - b.since);
}

/** Removes someone who was admitted, denied, gave up or dropped. */
export function without(entries: readonly LobbyEntry[], id: string): LobbyEntry[] {
  return entries.filter((e) => e.id !== id);
}
