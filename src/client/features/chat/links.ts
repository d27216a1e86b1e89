/**
 * Splits chat text into plain runs and web links, so that the UI can render both as text nodes and wrap
 * only real http(s) addresses in <a>. Nothing here produces markup: the caller builds elements from the
 * pieces, so a message can never inject HTML, and a `javascript:` or `data:` address is never a link.
 */

export type TextPiece = { kind: "text"; text: string } | { kind: "link"; text: string; href: string };

// Candidates only: every match is then parsed by URL, which has the last word on what the address is.
const CANDIDATE = /\bhttps?:\/\/[^\s<>"]+/giu;
// Punctuation that usually ends the sentence rather than the address ("see https://x.org/a.").
const TRAILING = new Set([...".,;:!?'»”’)]}"]);

/** Drops trailing punctuation, but keeps a ")" that closes a "(" of the address (Wikipedia-style paths). */
function trimTrailing(candidate: string): string {
  let url = candidate;
  while (url.length > 0) {
    const last = url[url.length - 1] as string;
    if (!TRAILING.has(last)) break;
    if (last === ")" && count(url, "(") >= count(url, ")")) break;
    url = url.slice(0, -1);
  }
  return url;
}

function count(text: string, char: string): number {
  return text.split(char).length - 1;
}

/** The href for an address, or null unless it is a well-formed http(s) URL with a host. */
export function safeHref(candidate: string): string | null {
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return null;
  }
  if ((url.protocol !== "http:" && url.protocol !== "https:") || url.hostname === "") return null;
  return url.href;
}

export function splitLinks(text: string): TextPiece[] {
  const pieces: TextPiece[] = [];
  let last = 0;
  const push = (piece: TextPiece) => {
    const prev = pieces[pieces.length - 1];
    if (piece.kind === "text" && prev?.kind === "text") prev.text += piece.text;
    else pieces.push(piece);
  };
  for (const match of text.matchAll(CANDIDATE)) {
    const start = match.index;
    const candidate = trimTrailing(match[0]);
    const href = safeHref(candidate);
    if (start > last) push({ kind: "text", text: text.slice(last, start) });
    if (href) push({ kind: "link", text: candidate, href });
    else push({ kind: "text", text: candidate });
    last = start + candidate.length;
  }
  if (last < text.length) push({ kind: "text", text: text.slice(last) });
  return pieces;
}
