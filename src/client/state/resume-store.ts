/**
 * The resume token of the meeting this tab is in, kept in sessionStorage: it survives a reload (so a moderator
 * who reloads the page comes back as moderator, with their hand in its place) and nothing else. It is this
 * tab's only (sessionStorage is per tab), for one meeting, never in a cookie, never sent but in `join.resume`,
 * and gone once the tab closes. The server honours it for 60 s after the connection dropped. A token of one
 * of the meeting's breakout rooms is kept with the room's id: a reload comes back to that breakout room.
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

/** A kept token, and the breakout room it is for (null: the meeting itself). */
export interface KeptResume {
  token: string;
  breakout: string | null;
}

export const resumeStore = {
  get(room: string): KeptResume | null {
    const value = storage()?.getItem(keyOf(room)) ?? null;
    if (value === null) return null;
    const [breakout, token] = value.includes(" ") ? value.split(" ", 2) : [null, value];
    return token ? { token, breakout: breakout ?? null } : null;
  },
  set(room: string, token: string, breakout: string | null = null): void {
    const s = storage();
    if (!s) return;
    // One meeting at a time: a token of another meeting is of no use any more.
    for (let i = s.length - 1; i >= 0; i--) {
      const key = s.key(i);
      if (key?.startsWith(PREFIX) && key !== keyOf(room)) s.removeItem(key);
    }
    try {
      s.setItem(keyOf(room), breakout === null ? token : `${breakout} ${token}`);
    } catch {
      /* quota or disabled: resume then lasts as long as the page */
    }
  },
  clear(room: string): void {
    storage()?.removeItem(keyOf(room));
  },
};
