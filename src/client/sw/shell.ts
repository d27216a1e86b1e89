/**
 * What the service worker may keep: the files of one client build, and nothing else. Pure functions, shared by
 * the worker (service-worker.ts) and its build (scripts/pwa.ts), and unit-tested.
 */

/** What the build tells the worker (scripts/pwa.ts writes it into sw.js). */
export interface ShellBuild {
  /** Changes whenever any file of the build changes: names the cache. */
  version: string;
  /** URL paths of the build's files the worker keeps ("/assets/index-….js", "/manifest.webmanifest"). */
  files: readonly string[];
  /** The app's stylesheet, which the "no connection" page borrows (it is in `files`). */
  stylesheet: string | null;
}

export const CACHE_PREFIX = "palabre-shell-";

export function cacheName(version: string): string {
  return `${CACHE_PREFIX}${version}`;
}

/** Our caches from other builds, to delete once this build's worker is active. Caches not ours are left be. */
export function staleCaches(names: readonly string[], current: string): string[] {
  return names.filter((n) => n.startsWith(CACHE_PREFIX) && n !== current);
}

/**
 * The build's files the worker keeps, by URL path. Left out: the worker itself (the browser keeps it), the
 * compressed copies (the server picks one per request; the cache holds what the browser decoded), and
 * index.html: navigations always go to the network (a cached page would start an old app that tries to join),
 * so a copy would never be used.
 */
export function shellFiles(buildFiles: readonly string[], workerFile: string): string[] {
  // A model (.wasm) is fetched by those who turn its effect on, not by everyone who installs the app.
  return buildFiles
    .map((f) => f.replaceAll("\\", "/").replace(/^\/+/, ""))
    .filter((f) => f !== workerFile && f !== "index.html" && !/\.(br|gz|wasm)$/.test(f))
    .map((f) => `/${f}`)
    .sort();
}

/**
 * Whether `url` is one of the shell's files on our own origin. Anything with a query, another origin, or a path
 * not in the list (/ws, /healthz, /metrics, a room's page, media) is not: the worker leaves it to the network.
 */
export function isShellUrl(url: string | URL, origin: string, files: ReadonlySet<string>): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url, origin);
  } catch {
    return false;
  }
  return parsed.origin === origin && parsed.search === "" && files.has(parsed.pathname);
}
