/**
 * The service worker (served as /sw.js, built by scripts/pwa.ts): it keeps the app's static files so that an
 * installed Palabre starts fast on a slow link, and shows a "no connection" page when the network is gone.
 * It keeps nothing else: no page, no meeting, no media, no /ws (WebSockets never pass through a worker
 * anyway), no /healthz or /metrics. Requests it does not answer go to the network as if it were not there.
 */
import { detectLanguage } from "../i18n/detect.js";
import { enInstall } from "../i18n/en-install.js";
import { frInstall } from "../i18n/fr-install.js";
import { OFFLINE_HEADERS, offlinePage } from "./offline-page.js";
import { cacheName, isShellUrl, type ShellBuild, staleCaches } from "./shell.js";

declare const self: ServiceWorkerGlobalScope;
/** Replaced at build time by the build's files and version (scripts/pwa.ts). */
declare const PALABRE_SHELL: ShellBuild;

const SHELL: ShellBuild = PALABRE_SHELL;
const CACHE = cacheName(SHELL.version);
const FILES = new Set(SHELL.files);

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      // The page has just loaded most of these: they come from the HTTP cache, not the network, again.
      await (await caches.open(CACHE)).addAll([...FILES]);
      // A new build takes over at once rather than when every tab is closed: navigations always come from the
      // network, so an open page already runs the new build's files on its next load, and the old ones (gone
      // from the server) have nothing left to serve.
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      await Promise.all(staleCaches(await caches.keys(), CACHE).map((name) => caches.delete(name)));
      // The navigation is sent while the worker starts, instead of after: no cost for being network first.
      await self.registration.navigationPreload?.enable();
      await self.clients.claim();
    })(),
  );
});

self.addEventListener("fetch", (event) => {
  const { request } = event;
  if (request.method !== "GET") return;
  if (request.mode === "navigate") {
    event.respondWith(networkOrOffline(event));
    return;
  }
  if (isShellUrl(request.url, self.location.origin, FILES)) event.respondWith(cacheFirst(request));
});

/** Pages always from the network; when it fails, the "no connection" page, never an old copy of the app. */
async function networkOrOffline(event: FetchEvent): Promise<Response> {
  try {
    const preloaded = (await event.preloadResponse) as Response | undefined;
    return preloaded ?? (await fetch(event.request));
  } catch {
    const lang = detectLanguage(self.navigator.languages);
    const strings = lang === "fr" ? frInstall : enInstall;
    return new Response(offlinePage(lang, strings, SHELL.stylesheet, event.request.url), {
      status: 503,
      headers: OFFLINE_HEADERS,
    });
  }
}

/** The build's files never change under their name: the copy kept is the file. */
async function cacheFirst(request: Request): Promise<Response> {
  const cache = await caches.open(CACHE);
  // The copy is the decoded file, good for any Accept-Encoding.
  const kept = await cache.match(request, { ignoreVary: true });
  if (kept) return kept;
  const response = await fetch(request);
  if (response.ok && response.type === "basic") await cache.put(request, response.clone());
  return response;
}
