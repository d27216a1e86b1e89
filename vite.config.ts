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
  },
  // The manifest, icons and service worker (scripts/pwa.ts); then brotli and gzip copies of the text files,
  // served by content negotiation (src/server/gateway/http.ts).
  plugins: [pwa(), precompress()],
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
});
