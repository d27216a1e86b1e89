/**
 * The "no connection" page the service worker answers a navigation with when the network fails: the app's
 * look (its stylesheet, from the cache), no script, and a link that tries the same address again.
 */
import type { Language } from "../i18n/detect.js";
import type { enInstall } from "../i18n/en-install.js";

type OfflineStrings = Pick<typeof enInstall, "offline.title" | "offline.text" | "offline.retry">;

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/** `retry` is the address that failed (same origin: the worker only answers its own navigations). */
export function offlinePage(
  lang: Language,
  strings: OfflineStrings,
  stylesheet: string | null,
  retry: string,
): string {
  const css = stylesheet ? `<link rel="stylesheet" href="${escapeHtml(stylesheet)}" />` : "";
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8" />
<meta name="viewport" content="width=device-width, initial-scale=1" />
<meta name="color-scheme" content="dark" />
<title>${escapeHtml(strings["offline.title"])} · Palabre</title>
${css}
</head>
<body>
<main class="screen offline" data-testid="offline">
<div class="card">
<p class="brand">Palabre</p>
<h1>${escapeHtml(strings["offline.title"])}</h1>
<p class="muted">${escapeHtml(strings["offline.text"])}</p>
<a class="offline-retry" href="${escapeHtml(retry)}">${escapeHtml(strings["offline.retry"])}</a>
</div>
</main>
</body>
</html>
`;
}

/**
 * Headers of the page: a policy stricter than the server's (no script at all, nothing but our own styles), and
 * never stored by any cache, so the real page comes back once the network does.
 */
export const OFFLINE_HEADERS: Record<string, string> = {
  "Content-Type": "text/html; charset=utf-8",
  "Cache-Control": "no-store",
  "Content-Security-Policy":
    "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  "Referrer-Policy": "no-referrer",
  "X-Content-Type-Options": "nosniff",
};
