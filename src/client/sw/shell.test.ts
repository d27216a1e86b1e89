import { describe, expect, it } from "vitest";
import { escapeHtml, offlinePage } from "./offline-page.js";
import { cacheName, isShellUrl, shellFiles, staleCaches } from "./shell.js";

const ORIGIN = "https://meet.example.org";

describe("shellFiles", () => {
  it("keeps the build's files by URL path, without the worker, index.html, compressed copies or models", () => {
    expect(
      shellFiles(
        [
          "index.html",
          "index.html.br",
          "sw.js",
          "sw.js.gz",
          "manifest.webmanifest",
          "assets/index-abc.js",
          "assets/index-abc.js.br",
          "assets/index-abc.js.gz",
          "assets/icon-192-1234.png",
          "assets/rnnoise-5678.wasm",
        ],
        "sw.js",
      ),
    ).toEqual(["/assets/icon-192-1234.png", "/assets/index-abc.js", "/manifest.webmanifest"]);
  });
});

describe("isShellUrl", () => {
  const files = new Set(["/assets/index-abc.js", "/manifest.webmanifest"]);
  it("is true for a listed file on our origin, relative or absolute", () => {
    expect(isShellUrl(`${ORIGIN}/assets/index-abc.js`, ORIGIN, files)).toBe(true);
    expect(isShellUrl("/manifest.webmanifest", ORIGIN, files)).toBe(true);
  });
  it("is false for the socket, health, metrics, a room, the page itself and unlisted assets", () => {
    for (const path of [
      "/ws",
      "/healthz",
      "/metrics",
      "/team-meeting",
      "/",
      "/index.html",
      "/assets/other.js",
    ])
      expect(isShellUrl(`${ORIGIN}${path}`, ORIGIN, files), path).toBe(false);
    expect(isShellUrl(`${ORIGIN.replace("https", "wss")}/ws`, ORIGIN, files)).toBe(false);
  });
  it("is false for another origin or a query, even on a listed path", () => {
    expect(isShellUrl("https://cdn.example.com/assets/index-abc.js", ORIGIN, files)).toBe(false);
    expect(isShellUrl("http://meet.example.org/assets/index-abc.js", ORIGIN, files)).toBe(false);
    expect(isShellUrl(`${ORIGIN}/assets/index-abc.js?room=x`, ORIGIN, files)).toBe(false);
  });
  it("is false for what is not a URL", () => {
    expect(isShellUrl("http://[::1", ORIGIN, files)).toBe(false);
  });
});

describe("caches", () => {
  it("names the cache by version and deletes only our other versions", () => {
    const current = cacheName("v2");
    expect(staleCaches([cacheName("v1"), current, "someone-else", cacheName("v0")], current)).toEqual([
      cacheName("v1"),
      cacheName("v0"),
    ]);
  });
});

describe("offlinePage", () => {
  const strings = {
    "offline.title": "No connection",
    "offline.text": "Text <b>",
    "offline.retry": "Try again",
  };
  it("escapes the address it retries and the strings, and runs no script", () => {
    const html = offlinePage("en", strings, "/assets/index-a.css", `${ORIGIN}/room"><script>x</script>`);
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('href="/assets/index-a.css"');
    expect(html).toContain("Text &lt;b&gt;");
    expect(html).not.toContain("<script");
    expect(html).toContain(`href="${ORIGIN}/room&quot;&gt;&lt;script&gt;x&lt;/script&gt;"`);
  });
  it("escapes the five characters", () => {
    expect(escapeHtml(`&<>"'`)).toBe("&amp;&lt;&gt;&quot;&#39;");
  });
});
