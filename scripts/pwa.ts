/**
 * A Vite plugin that makes the client build installable: it writes the web app manifest
 * (/manifest.webmanifest), the icons it names (hashed, under /assets/), and the service worker (/sw.js).
 *
 * A plugin rather than a second input of the main build, because the worker must know the build it belongs to:
 * the list of files it may keep and a version that names its cache. Both exist only once the main bundle is
 * made, so the worker is bundled here, after it (generateBundle), with them written in. A second input would
 * also share chunks with the app (an `import` a classic worker cannot run) and would change only when its own
 * code does, so a new build of the app would not update it. Its fixed name and its place at the root give it
 * the scope "/"; the server sends it with `no-cache`, so the browser sees each new build.
 * Runs before precompress's writeBundle: the manifest and the worker get their .br/.gz copies too.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { build, type Plugin } from "vite";
import { type ShellBuild, shellFiles } from "../src/client/sw/shell.js";

export const WORKER_FILE = "sw.js";
export const MANIFEST_FILE = "manifest.webmanifest";
/** Where the worker's version goes, once its own code is known. */
const VERSION_MARK = "__PALABRE_BUILD_VERSION__";

/** The app's palette (src/client/styles/base.css): --bg under the splash screen and the title bar. */
const BACKGROUND = "#101216";

const ICONS = [
  { file: "icon-192.png", sizes: "192x192", purpose: "any" },
  { file: "icon-512.png", sizes: "512x512", purpose: "any" },
  { file: "icon-maskable-512.png", sizes: "512x512", purpose: "maskable" },
] as const;

function hash(data: string | Uint8Array, length = 8): string {
  return createHash("sha256").update(data).digest("hex").slice(0, length);
}

export function manifest(icons: { src: string; sizes: string; purpose: string }[]): string {
  return `${JSON.stringify(
    {
      // The app's identity for the browser, whatever its start page becomes.
      id: "/",
      name: "Palabre",
      short_name: "Palabre",
      description: "Private video meetings on a server you trust. No account, nothing stored.",
      start_url: "/",
      scope: "/",
      display: "standalone",
      theme_color: BACKGROUND,
      background_color: BACKGROUND,
      icons: icons.map((i) => ({ ...i, type: "image/png" })),
    },
    null,
    2,
  )}\n`;
}

/** The worker, bundled on its own into one classic script (no import), the build's shell written in. */
async function bundleWorker(root: string, shell: ShellBuild): Promise<string> {
  const out = await build({
    configFile: false,
    logLevel: "warn",
    root,
    publicDir: false,
    define: { PALABRE_SHELL: JSON.stringify(shell) },
    build: {
      write: false,
      emptyOutDir: false,
      modulePreload: false,
      copyPublicDir: false,
      rolldownOptions: {
        input: join(root, "sw/service-worker.ts"),
        output: { format: "iife", entryFileNames: WORKER_FILE },
      },
    },
  });
  const outputs = Array.isArray(out) ? out : [out];
  for (const o of outputs)
    if ("output" in o) for (const c of o.output) if (c.type === "chunk" && c.isEntry) return c.code;
  throw new Error("the service worker build produced no script");
}

export function pwa(): Plugin {
  let root = "";
  return {
    name: "palabre-pwa",
    apply: "build",
    // After Vite's own generateBundle hooks, so index.html is in the bundle and counted in the version.
    enforce: "post",
    configResolved(config) {
      root = config.root;
    },
    async generateBundle(_options, bundle) {
      // What this plugin adds; Rolldown does not show files emitted here in `bundle`, so they are counted apart.
      const added = new Map<string, string | Uint8Array>();
      const emit = (fileName: string, source: string | Uint8Array) => {
        this.emitFile({ type: "asset", fileName, source });
        added.set(fileName, source);
      };
      const icons = ICONS.map((icon) => {
        const source = readFileSync(join(root, "icons", icon.file));
        const fileName = `assets/${icon.file.replace(/\.png$/, "")}-${hash(source)}.png`;
        emit(fileName, source);
        return { src: `/${fileName}`, sizes: icon.sizes, purpose: icon.purpose };
      });
      emit(MANIFEST_FILE, manifest(icons));

      const contents = new Map(added);
      for (const [f, item] of Object.entries(bundle))
        contents.set(f, item.type === "chunk" ? item.code : item.source);
      const files = [...contents.keys()].sort();
      const version = hash(files.map((f) => `${f}:${hash(contents.get(f) ?? "", 16)}`).join("\n"));
      const stylesheet = files.find((f) => /^assets\/index-[\w-]+\.css$/.test(f));
      const shell: ShellBuild = {
        version: VERSION_MARK,
        files: shellFiles(files, WORKER_FILE),
        stylesheet: stylesheet ? `/${stylesheet}` : null,
      };
      // The worker's own code counts too: a change to it alone must name a new cache as well.
      const worker = await bundleWorker(root, shell);
      emit(WORKER_FILE, worker.replaceAll(VERSION_MARK, hash(`${version}\n${worker}`, 12)));
    },
  };
}
