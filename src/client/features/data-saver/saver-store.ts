/** Where the data saver's choice is remembered: this browser's localStorage, one small item, nothing else. */
export interface Remembered {
  on: boolean;
  audioOnly: boolean;
}

const KEY = "palabre.dataSaver";

/** What was kept; anything unreadable (an old format, a hand edit) counts as off. */
export function readSaver(store: Storage | null): Remembered {
  try {
    const parsed: unknown = JSON.parse(store?.getItem(KEY) ?? "null");
    if (parsed && typeof parsed === "object") {
      const { on, audioOnly } = parsed as Record<string, unknown>;
      return { on: on === true, audioOnly: on === true && audioOnly === true };
    }
  } catch {
    // unreadable: off
  }
  return { on: false, audioOnly: false };
}

export function writeSaver(store: Storage | null, value: Remembered): void {
  try {
    // Off is the default: nothing is left behind for someone who never used it or turned it off.
    if (value.on) store?.setItem(KEY, JSON.stringify(value));
    else store?.removeItem(KEY);
  } catch {
    // Storage full or refused: the choice holds for this visit only.
  }
}
