/** Entry point: one Room for the page, rendered by App. */
import { render } from "preact";
import { App, followRoute } from "./app.js";
import { chatOf } from "./features/chat/chat-controller.js";
import { handsOf } from "./features/hands/hands-controller.js";
import { installLobbyEvents } from "./features/lobby/lobby-events.js";
import { installModerationEvents } from "./features/moderation/moderation-events.js";
import { reactionsOf } from "./features/reactions/reactions-controller.js";
import { Room } from "./state/room.js";
import "./styles/base.css";

const room = new Room();
followRoute(room);
// Chat, hands and reactions listen from the start: the first `joined` carries their history.
chatOf(room);
handsOf(room);
reactionsOf(room);
// The lobby (moderators' list, knocks) and what moderators do to us, likewise for the whole page.
installLobbyEvents(room);
installModerationEvents(room);
// Closing the tab is a hang-up too: tell the server now rather than let it wait for the ping timeout.
addEventListener("pagehide", () => room.leaveNow());

const root = document.getElementById("app");
if (root) render(<App room={room} />, root);
