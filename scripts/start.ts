/**
 * `npm start`: builds the client when it is missing or older than its sources, then runs the server.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const built = join(root, "dist/client/index.html");

function newestMtime(dir: string): number {
  if (!statSync(dir).isDirectory()) return statSync(dir).mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const t = entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs;
    if (t > newest) newest = t;
  }
  return newest;
}

// The build's configuration counts too: a build from before precompression would be served uncompressed, one
// from before scripts/pwa.ts would have no service worker or manifest.
const sources = [
  "src/client",
  "src/protocol",
  "vite.config.ts",
  "scripts/precompress.ts",
  "scripts/pwa.ts",
].map((p) => join(root, p));
const stale = !existsSync(built) || sources.some((dir) => newestMtime(dir) > statSync(built).mtimeMs);
if (stale && !process.env.CLIENT_DIR) {
  console.log("Building the client…");
  const { build } = await import("vite");
  await build({ configFile: join(root, "vite.config.ts"), logLevel: "warn" });
}
await import("../src/server/main.js");
