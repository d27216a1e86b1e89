/**
 * The resume token of the meeting this tab is in, kept in sessionStorage: it survives a reload (so a moderator
 * who reloads the page comes back as moderator, with their hand in its place) and nothing else. It is this
 * tab's only (sessionStorage is per tab), for one meeting, never in a cookie, never sent but in `join.resume`,
 * and gone once the tab closes. The server honours it for 60 s after the connection dropped.
 */
const PREFIX = "palabre.resume:";

const keyOf = (room: string) => PREFIX + room.trim().toLowerCase();

function storage(): Storage | null {
  try {
    return typeof sessionStorage === "undefined" ? null : sessionStorage;
  } catch {
    return null; // storage disabled by the browser's settings: resume then lasts as long as the page
  }
}

export const resumeStore = {
  get(room: string): string | null {
    return storage()?.getItem(keyOf(room)) ?? null;
  },
  set(room: string, token: string): void {
    const s = storage();
    if (!s) return;
    // One meeting at a time: a token of another meeting is of no use any more.
    for (let i = s.length - 1; i >= 0; i--) {
      const key = s.key(i);
      if (key?.startsWith(PREFIX) && key !== keyOf(room)) s.removeItem(key);
    }
    try {
      s.setItem(keyOf(room), token);
    } catch {
      /* quota or disabled: resume then lasts as long as the page */
    }
  },
  clear(room: string): void {
    storage()?.removeItem(keyOf(room));
  },
};
