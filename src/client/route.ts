/**
 * The meeting is named by the URL path: `/<room>`. The path is the whole routing table, kept in a signal
 * so that navigating (the home form, the back button) re-renders the app without reloading it.
 */
import { signal } from "@preact/signals";
import { parsePath, type Route } from "./room-name.js";

export { type Route, validRoomName } from "./room-name.js";

export const route = signal<Route>(parsePath(location.pathname));

addEventListener("popstate", () => {
  route.value = parsePath(location.pathname);
});

export function navigateTo(room: string | null): void {
  const path = room === null ? "/" : `/${encodeURIComponent(room)}`;
  if (path !== location.pathname) history.pushState(null, "", path);
  route.value = parsePath(path);
}
