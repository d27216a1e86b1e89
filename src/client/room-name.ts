/** Meeting names in URLs, checked with the protocol's own rule. Free of DOM access, for unit tests. */
import { roomNameOf } from "../protocol/text.js";

export interface Route {
  /** The meeting name from the path, or null at `/`. */
  room: string | null;
  /** True when the path names something that is not a valid meeting name. */
  invalid: boolean;
}

/** Validates a meeting name with the protocol's own rule; returns the name or null. */
export function validRoomName(name: string): string | null {
  return roomNameOf(name);
}

export function parsePath(pathname: string): Route {
  const raw = pathname.replace(/^\/+|\/+$/g, "");
  if (raw === "") return { room: null, invalid: false };
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    return { room: null, invalid: true };
  }
  const room = validRoomName(decoded);
  return room === null ? { room: null, invalid: true } : { room, invalid: false };
}
