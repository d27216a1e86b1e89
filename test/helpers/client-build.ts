/** Builds the client (vite → dist/client) when the build is missing or older than its sources. */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { REPO_ROOT } from "./paths.js";

const SOURCE_DIRS = ["src/client", "src/protocol"];
// The build's own configuration counts too: a build from before precompression would be served uncompressed.
const SOURCE_FILES = ["vite.config.ts", "scripts/precompress.ts", "scripts/pwa.ts"];

function newestMtime(entry: string): number {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(entry);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const child of fs.readdirSync(entry)) {
    newest = Math.max(newest, newestMtime(path.join(entry, child)));
  }
  return newest;
}

export function clientBuildIsStale(): boolean {
  const indexHtml = path.join(REPO_ROOT, "dist/client/index.html");
  if (!fs.existsSync(indexHtml)) return true;
  const built = fs.statSync(indexHtml).mtimeMs;
  const sources = [...SOURCE_DIRS, ...SOURCE_FILES].map((p) => newestMtime(path.join(REPO_ROOT, p)));
  return Math.max(...sources) > built;
}

/** Returns true when it had to build. Throws with vite's output when the build fails. */
export function ensureClientBuild(log: (line: string) => void = () => {}): boolean {
  if (!clientBuildIsStale()) return false;
  log("building the client (npx vite build)…");
  const started = Date.now();
  try {
    execFileSync(path.join(REPO_ROOT, "node_modules/.bin/vite"), ["build", "--logLevel", "warn"], {
      cwd: REPO_ROOT,
      // What `npm start` and CI build: vitest sets NODE_ENV=test, which Vite would take for a development
      // build (larger, import.meta.env.DEV true), so the tests would judge a client nobody runs.
      env: { ...process.env, NODE_ENV: "production" },
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 300_000,
    });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`client build failed: ${e.message}\n${e.stdout ?? ""}\n${e.stderr ?? ""}`);
  }
  log(`client built in ${Date.now() - started} ms`);
  return true;
}
