/**
 * Registers the service worker (/sw.js, scripts/pwa.ts). Browsers allow one on secure contexts only (https,
 * and http://localhost); elsewhere the app works as before, just not installable.
 */
export const WORKER_URL = "/sw.js";

export function registerShellWorker(): void {
  // The dev server (vite) has no /sw.js: there the registration fails with a warning, harmlessly.
  if (!window.isSecureContext || !("serviceWorker" in navigator)) return;
  const register = () => {
    navigator.serviceWorker
      .register(WORKER_URL, { scope: "/", updateViaCache: "none" })
      .catch((err: unknown) => console.warn("palabre: the service worker was not registered", err));
  };
  // After the page's own load: on a slow link the worker's first download must not delay the app.
  if (document.readyState === "complete") register();
  else addEventListener("load", register, { once: true });
}
