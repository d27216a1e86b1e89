/**
 * Which of the ⋯ menu's dialogs is open, per Room. The dialogs are drawn by MeetingDialogs, outside the
 * toolbar's fieldset (whose form controls they must not become), and give focus back to the ⋯ button.
 */
import { signal } from "@preact/signals";
import type { Room } from "../../state/room.js";

export type MeetingDialog = "settings" | "shortcuts" | "invite";

export class MoreMenuState {
  readonly dialog = signal<MeetingDialog | null>(null);
  /** The ⋯ button, where focus returns when a dialog closes. */
  button: HTMLButtonElement | null = null;
}

const states = new WeakMap<Room, MoreMenuState>();

export function moreMenuOf(room: Room): MoreMenuState {
  let state = states.get(room);
  if (!state) {
    state = new MoreMenuState();
    states.set(room, state);
  }
  return state;
}
