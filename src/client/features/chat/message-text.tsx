/**
 * A chat message's text, as text: Preact text nodes only (never innerHTML), with http(s) addresses as
 * links built from the parsed URL. Links open in a new tab without handing it our page (noopener) or our
 * address (noreferrer), and tell search engines nothing (nofollow).
 */
import { splitLinks } from "./links.js";

export function MessageText({ text }: { text: string }) {
  return (
    <>
      {splitLinks(text).map((piece, i) =>
        piece.kind === "link" ? (
          <a key={i} href={piece.href} target="_blank" rel="noopener noreferrer nofollow">
            {piece.text}
          </a>
        ) : (
          piece.text
        ),
      )}
    </>
  );
}
