/**
 * English strings of installing the app (features/install) and of the "no connection" page the service worker
 * shows (sw/); en.ts takes them in, and the service worker imports this file alone (not the whole dictionary).
 */
export const enInstall = {
  "install.offer": "Install the app",
  "install.offerHint": "Palabre opens in its own window, from your home screen or your apps.",
  "offline.title": "No connection",
  "offline.text":
    "The meeting cannot open without a connection to its server. Check the Wi-Fi or mobile data, then try again.",
  "offline.retry": "Try again",
};
