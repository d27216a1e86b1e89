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
