/**
 * The meeting is named by the URL path: `/<room>`. The path is the whole routing table, kept in a signal
 * so that navigating (the home form, the back button) re-renders the app without reloading it.
 */
import { signal } from "@preact/signals";
import * as v from "valibot";
import { RoomNameSchema } from "../protocol/messages.js";

export interface Route {
  /** The meeting name from the path, or null at `/`. */
  room: string | null;
  /** True when the path names something that is not a valid meeting name. */
  invalid: boolean;
}

/** Validates a meeting name with the protocol's own rule; returns the name or null. */
export function validRoomName(name: string): string | null {
  const result = v.safeParse(RoomNameSchema, name);
  return result.success ? name.trim() : null;
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

export const route = signal<Route>(parsePath(location.pathname));

addEventListener("popstate", () => {
  route.value = parsePath(location.pathname);
});

export function navigateTo(room: string | null): void {
  const path = room === null ? "/" : `/${encodeURIComponent(room)}`;
  if (path !== location.pathname) history.pushState(null, "", path);
  route.value = parsePath(path);
}
