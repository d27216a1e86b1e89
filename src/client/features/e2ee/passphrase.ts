/**
 * The meeting's passphrase travels in the link's fragment (`…/room#e2ee=…`): browsers never send a fragment to
 * any server, ours included, and it stays in the address bar for a reload. Made here from 128 random bits.
 */
const FIELD = "e2ee";

export function passphraseFromLink(): string | null {
  if (typeof location === "undefined") return null;
  const value = new URLSearchParams(location.hash.slice(1)).get(FIELD);
  return value?.trim() ? value.trim() : null;
}

export function putPassphraseInLink(passphrase: string): void {
  const params = new URLSearchParams(location.hash.slice(1));
  params.set(FIELD, passphrase);
  history.replaceState(history.state, "", `${location.pathname}${location.search}#${params.toString()}`);
}

export function newPassphrase(): string {
  let s = "";
  for (const b of crypto.getRandomValues(new Uint8Array(16))) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
