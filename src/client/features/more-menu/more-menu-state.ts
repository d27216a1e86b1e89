/**
 * Which of the ⋯ menu's dialogs is open, per Room. The dialogs are drawn by MeetingDialogs, outside the
 * toolbar's fieldset (whose form controls they must not become), and give focus back to the ⋯ button.
 */
import { signal } from "@preact/signals";
import { scope } from "../../ui/scope.js";

export type MeetingDialog = "settings" | "shortcuts" | "invite" | "breakouts" | "speakerStats";

export class MoreMenuState {
  readonly dialog = signal<MeetingDialog | null>(null);
  /** The ⋯ button, where focus returns when a dialog closes. */
  button: HTMLButtonElement | null = null;
}

/** The meeting's ⋯ menu state (meeting.tsx makes it), for the components below. */
export const MoreMenuScope = scope<MoreMenuState>("⋯ menu state");
