/** Entry point: one Meeting for the page (its Room and feature modules), rendered by App. */
import { render } from "preact";
import { App, followRoute } from "./app.js";
import { registerShellWorker } from "./features/install/register-worker.js";
import { startLanguage } from "./i18n/i18n.js";
import { Meeting, MeetingScopes } from "./meeting.js";
import "./styles/base.css";

const meeting = new Meeting();
const { room } = meeting;
followRoute(room);
meeting.shortcuts.listen(window);
// A reload or a closed tab drops the connection without `leave`: the server keeps our place for a minute, and a
// reload comes back as the same participant (moderator role, raised hand) with the token kept for this tab.
addEventListener("pagehide", () => room.suspendNow());
// The app's files kept for a fast start, and the "no connection" page (sw/service-worker.ts).
registerShellWorker();

const root = document.getElementById("app");
// In the browser's language from the first picture (French is fetched first; English is built in).
void startLanguage().then(() => {
  if (root)
    render(
      <MeetingScopes meeting={meeting}>
        <App room={room} />
      </MeetingScopes>,
      root,
    );
});
