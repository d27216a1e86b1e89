/** Entry point: one Room for the page, rendered by App. */
import { render } from "preact";
import { App, followRoute } from "./app.js";
import { adaptationOf } from "./features/adaptation/adaptation-controller.js";
import { chatOf } from "./features/chat/chat-controller.js";
import { handsOf } from "./features/hands/hands-controller.js";
import { layoutOf } from "./features/layout/layout-controller.js";
import { installLobbyEvents } from "./features/lobby/lobby-events.js";
import { installModerationEvents } from "./features/moderation/moderation-events.js";
import { qualityOf } from "./features/quality/quality-controller.js";
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
// Screen sharing, the active speaker and the layout follow the whole page too (the speaker and the share
// controllers are created along with the layout's).
layoutOf(room);
// The video quality chosen in the ⋯ menu applies to every connection (each `joined` brings a new one).
qualityOf(room);
// Poor connections: the video received and sent adapts to the link; the sound never starves.
adaptationOf(room);
// A reload or a closed tab drops the connection without `leave`: the server keeps our place for a minute, and a
// reload comes back as the same participant (moderator role, raised hand) with the token kept for this tab.
addEventListener("pagehide", () => room.suspendNow());

const root = document.getElementById("app");
if (root) render(<App room={room} />, root);
