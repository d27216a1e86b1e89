/**
 * How many people are in a meeting, asked before joining (`room.peek`): a count, never who. One short-lived
 * connection of its own (the same SignalClient as the meeting's), so the pre-join screen needs no Room and no
 * session.
 */
import { defaultSignalUrl, SignalClient } from "./signal-client.js";

const PEEK_TIMEOUT_MS = 5000;

/** Resolves with the count, or null if the server could not be asked (offline, an old server). */
export async function peekRoom(room: string, url = defaultSignalUrl()): Promise<number | null> {
  const client = new SignalClient({ message: () => {}, close: () => {} });
  // A socket that neither opens nor fails must not hold the answer past the deadline.
  const giveUp = setTimeout(() => client.close(), PEEK_TIMEOUT_MS);
  try {
    await client.connect(url);
    const reply = await client.request({ type: "room.peek", room }, PEEK_TIMEOUT_MS);
    return reply.participants;
  } catch {
    return null;
  } finally {
    clearTimeout(giveUp);
    client.close();
  }
}
