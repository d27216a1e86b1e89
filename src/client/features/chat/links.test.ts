import { describe, expect, it } from "vitest";
import { safeHref, splitLinks } from "./links.js";

const links = (text: string) => splitLinks(text).filter((p) => p.kind === "link");
const joined = (text: string) =>
  splitLinks(text)
    .map((p) => p.text)
    .join("");

describe("splitLinks", () => {
  it("keeps plain text as one text piece", () => {
    expect(splitLinks("hello\nworld")).toEqual([{ kind: "text", text: "hello\nworld" }]);
    expect(splitLinks("")).toEqual([]);
  });

  it("finds http and https links among text", () => {
    expect(splitLinks("see https://example.org/a?b=1#c now")).toEqual([
      { kind: "text", text: "see " },
      { kind: "link", text: "https://example.org/a?b=1#c", href: "https://example.org/a?b=1#c" },
      { kind: "text", text: " now" },
    ]);
    expect(links("HTTP://Example.ORG")).toEqual([
      { kind: "link", text: "HTTP://Example.ORG", href: "http://example.org/" },
    ]);
  });

  it("never links javascript:, data: or other schemes, and keeps their text", () => {
    for (const text of [
      "javascript:alert(1)",
      "JaVaScRiPt:alert(document.cookie)",
      "data:text/html,<script>alert(1)</script>",
      "vbscript:msgbox(1)",
      "file:///etc/passwd",
      "ftp://example.org",
      "www.example.org",
    ]) {
      expect(links(text), text).toEqual([]);
      expect(joined(text), text).toBe(text);
    }
  });

  it("a link hidden after javascript: only links the http part, with an http href", () => {
    const found = links("javascript:alert(1)//https://example.org");
    expect(found.map((p) => p.kind === "link" && p.href)).toEqual(["https://example.org/"]);
  });

  it("keeps markup as text: nothing is interpreted", () => {
    const text = '<img src=x onerror=alert(1)> <a href="javascript:x">y</a> &amp;';
    expect(splitLinks(text)).toEqual([{ kind: "text", text }]);
  });

  it("does not swallow quotes or angle brackets into the address", () => {
    const found = links('<a href="https://evil.example.org/x">');
    expect(found).toEqual([
      { kind: "link", text: "https://evil.example.org/x", href: "https://evil.example.org/x" },
    ]);
    expect(joined('<a href="https://evil.example.org/x">')).toBe('<a href="https://evil.example.org/x">');
  });

  it("leaves trailing punctuation out of the link", () => {
    expect(links("go to https://example.org/page.")[0]?.text).toBe("https://example.org/page");
    expect(links("(https://example.org/page)")[0]?.text).toBe("https://example.org/page");
    expect(links("https://example.org/wiki/Lyon_(France), ok")[0]?.text).toBe(
      "https://example.org/wiki/Lyon_(France)",
    );
    expect(joined("go to https://example.org/page.")).toBe("go to https://example.org/page.");
  });

  it("refuses addresses without a host and percent-encodes what needs it in the href", () => {
    expect(links("http://")).toEqual([]);
    expect(safeHref("https://exa mple.org")).toBeNull();
    expect(safeHref("https://example.org/a b")).toBe("https://example.org/a%20b");
    expect(links("https://example.org/é")[0]).toMatchObject({ href: "https://example.org/%C3%A9" });
  });

  it("finds several links and keeps every character of the text", () => {
    const text = "a https://a.example b http://b.example/x, c";
    expect(links(text).map((p) => p.text)).toEqual(["https://a.example", "http://b.example/x"]);
    expect(joined(text)).toBe(text);
  });
});
