/**
 * This browser's key for one meeting: an HMAC of the meeting's name under a random secret kept in this
 * browser (localStorage). A moderator's removal bars the key, so reloading the page or joining again does not
 * undo it; and since each meeting gets its own key, the server cannot link one browser's meetings, and no
 * list of meetings is kept. Clearing the site's data makes a new browser, which a determined person can do: the
 * lobby and the password are the real locks.
 */
const SECRET_ITEM = "palabre.browser-secret";

function secret(): string | null {
  try {
    let value = localStorage.getItem(SECRET_ITEM);
    if (!value) {
      const bytes = crypto.getRandomValues(new Uint8Array(32));
      value = base64url(bytes);
      localStorage.setItem(SECRET_ITEM, value);
    }
    return value;
  } catch {
    return null; // storage disabled: no key, and a removal lasts for that connection only
  }
}

function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** The key for `room` (32 characters), or null where the browser cannot keep a secret or has no WebCrypto. */
export async function meetingKey(room: string): Promise<string | null> {
  const s = secret();
  if (!s || typeof crypto === "undefined" || !crypto.subtle) return null;
  try {
    const enc = new TextEncoder();
    const key = await crypto.subtle.importKey(
      "raw",
      enc.encode(s),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign"],
    );
    const mac = await crypto.subtle.sign("HMAC", key, enc.encode(room.trim().toLowerCase()));
    return base64url(new Uint8Array(mac)).slice(0, 32);
  } catch {
    return null;
  }
}
