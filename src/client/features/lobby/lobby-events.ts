/**
 * Moderators' side of the lobby: keeps state.lobbyEntries in step with the server (every moderator gets the
 * same list), shows a notification and plays a knock for each newcomer, and sends the decisions.
 */
import { ErrorCode } from "../../../protocol/errors.js";
import { SignalError } from "../../signal/signal-client.js";
import type { Room } from "../../state/room.js";
import { playKnock } from "./knock-sound.js";
import { withKnock, without } from "./lobby-list.js";

/** Registers once for the page: the Room hands on the messages of whichever connection is current. */
export function installLobbyEvents(room: Room): void {
  const s = room.state;
  room.register({
    "lobby.list": ({ entries }) => {
      // Sent to someone who just became moderator: the whole lobby, without a knock for each.
      s.lobbyEntries.value = [...entries].sort((a, b) => a.since - b.since);
      s.knocks.value = s.knocks.value.filter((k) => entries.some((e) => e.id === k.id));
    },
    "lobby.knock": ({ entry }) => {
      s.lobbyEntries.value = withKnock(s.lobbyEntries.value, entry);
      s.knocks.value = withKnock(s.knocks.value, entry);
      playKnock();
    },
    "barred.list": ({ entries }) => {
      s.barred.value = entries;
    },
    "lobby.resolved": ({ participantId }) => {
      // Whoever decided (us or another moderator), the person is no longer waiting.
      forget(room, participantId);
    },
  });
}

function forget(room: Room, id: string): void {
  room.state.lobbyEntries.value = without(room.state.lobbyEntries.value, id);
  room.state.knocks.value = without(room.state.knocks.value, id);
}

/** Hides a knock notification; the person still waits in the participants pane's lobby section. */
export function dismissKnock(room: Room, id: string): void {
  room.state.knocks.value = without(room.state.knocks.value, id);
}

/** Sends a decision. `not_found`: someone else decided first, or they left; either way, drop the entry. */
async function decide(room: Room, request: () => Promise<unknown>, id: string | null): Promise<boolean> {
  try {
    await request();
    return true;
  } catch (err) {
    if (err instanceof SignalError && err.code === ErrorCode.NotFound && id !== null) {
      forget(room, id);
      return true;
    }
    console.warn("palabre: lobby decision not accepted", err);
    return false;
  }
}

export function admit(room: Room, participantId: string): Promise<boolean> {
  return decide(room, () => room.request({ type: "lobby.admit", participantId }), participantId);
}

export function deny(room: Room, participantId: string): Promise<boolean> {
  return decide(room, () => room.request({ type: "lobby.deny", participantId }), participantId);
}

export function admitAll(room: Room): Promise<boolean> {
  return decide(room, () => room.request({ type: "lobby.admit_all" }), null);
}
