/**
 * Whether dist/client is missing or older than what it is built from: `npm start` and the tests' set-up both
 * ask, and rebuild when it is. The build's own configuration counts too: a build from before precompression
 * would be served uncompressed, one from before scripts/pwa.ts would have no service worker or manifest.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

/** What the client build reads, relative to the repository's root. */
const INPUTS = [
  "src/client",
  "src/protocol",
  "src/server/gateway/compressible.ts",
  "vite.config.ts",
  "scripts/precompress.ts",
  "scripts/pwa.ts",
];

function newestMtime(entry: string): number {
  if (!existsSync(entry)) return 0;
  const stat = statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const child of readdirSync(entry)) newest = Math.max(newest, newestMtime(join(entry, child)));
  return newest;
}

export function clientBuildIsStale(root: string): boolean {
  const built = join(root, "dist/client/index.html");
  if (!existsSync(built)) return true;
  const builtAt = statSync(built).mtimeMs;
  return INPUTS.some((p) => newestMtime(join(root, p)) > builtAt);
}
