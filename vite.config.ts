import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";
import { precompress } from "./scripts/precompress.js";
import { pwa } from "./scripts/pwa.js";

const root = fileURLToPath(new URL("./src/client", import.meta.url));

export default defineConfig({
  root,
  base: "/",
  publicDir: false,
  build: {
    outDir: fileURLToPath(new URL("./dist/client", import.meta.url)),
    emptyOutDir: true,
    // One small bundle, no inline scripts: the CSP forbids them.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
    // What the first page needs is one file (it compresses best whole); the dialogs people open now and then
    // are apart (ui/lazy.ts). Without this group the bundler split the app's shared modules into a second
    // file, which cost ~3 KB more over the wire than the one file.
    rolldownOptions: { output: { codeSplitting: { groups: [{ name: "app", tags: ["$initial"] }] } } },
  },
  // The manifest, icons and service worker (scripts/pwa.ts); then brotli and gzip copies of the text files,
  // served by content negotiation (src/server/gateway/http.ts).
  plugins: [pwa(), precompress()],
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
});
