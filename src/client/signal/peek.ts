/**
 * How many people are in a meeting, asked before joining (`room.peek`): a count, never who. One short-lived
 * socket of its own, so the pre-join screen needs no Room and no session.
 */
import { defaultSignalUrl } from "./signal-client.js";

const PEEK_TIMEOUT_MS = 5000;

/** Resolves with the count, or null if the server could not be asked (offline, an old server). */
export function peekRoom(room: string, url = defaultSignalUrl()): Promise<number | null> {
  return new Promise((resolve) => {
    let socket: WebSocket;
    try {
      socket = new WebSocket(url);
    } catch {
      resolve(null);
      return;
    }
    const done = (count: number | null) => {
      clearTimeout(timer);
      socket.onopen = socket.onmessage = socket.onerror = socket.onclose = null;
      socket.close();
      resolve(count);
    };
    const timer = setTimeout(() => done(null), PEEK_TIMEOUT_MS);
    socket.onopen = () => socket.send(JSON.stringify({ type: "room.peek", id: 1, room }));
    socket.onmessage = (ev) => {
      try {
        const msg = JSON.parse(String(ev.data)) as { type?: string; participants?: unknown };
        done(msg.type === "room.info" && typeof msg.participants === "number" ? msg.participants : null);
      } catch {
        done(null);
      }
    };
    socket.onerror = () => done(null);
    socket.onclose = () => done(null);
  });
}
