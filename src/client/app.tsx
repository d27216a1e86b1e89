/** Picks the screen: the home page without a meeting name, otherwise whatever the Room's view says. */
import { effect } from "@preact/signals";
import { Conference } from "./features/conference/conference.js";
import { Home } from "./features/home/home.js";
import { LobbyScreen } from "./features/lobby/lobby-screen.js";
import { DeniedScreen, EndedScreen, RemovedScreen } from "./features/lobby/outcome-screens.js";
import { PasswordScreen } from "./features/lobby/password-screen.js";
import { Prejoin } from "./features/prejoin/prejoin.js";
import { ErrorScreen, JoiningScreen, LeftScreen } from "./features/screens/screens.js";
import { t } from "./i18n/i18n.js";
import { route } from "./route.js";
import type { Room } from "./state/room.js";

export function App({ room }: { room: Room }) {
  const { room: roomName, invalid } = route.value;
  if (roomName === null) return <Home invalidPath={invalid} />;
  switch (room.state.view.value) {
    case "prejoin":
      return (
        <Prejoin
          key={roomName}
          room={room}
          roomName={roomName}
          initialName={room.state.local.value?.name ?? ""}
        />
      );
    case "joining":
      return <JoiningScreen room={room} />;
    case "password":
      return <PasswordScreen room={room} />;
    case "lobby":
      return <LobbyScreen room={room} />;
    case "conference":
      return <Conference room={room} />;
    case "left":
      return <LeftScreen room={room} />;
    case "denied":
      return <DeniedScreen room={room} />;
    case "removed":
      return <RemovedScreen room={room} />;
    case "ended":
      return <EndedScreen room={room} />;
    case "error":
      return <ErrorScreen room={room} />;
  }
}

/**
 * Keeps the Room in step with the address bar: going to another address (the back button) while in a
 * meeting hangs up, since the meeting screen is gone; any new address starts at the pre-join screen.
 */
export function followRoute(room: Room): void {
  let previous = route.peek().room;
  effect(() => {
    const current = route.value.room;
    if (current === previous) return;
    previous = current;
    const view = room.state.view.peek();
    if (view === "joining" || view === "conference" || view === "lobby" || view === "password")
      room.leaveNow();
    room.state.view.value = "prejoin";
  });
  effect(() => {
    const view = room.state.view.value;
    if (view !== "conference") document.title = t("app.name");
  });
}
