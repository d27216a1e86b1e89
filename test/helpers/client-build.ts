/** Builds the client (vite → dist/client) when the build is missing or older than its sources. */
import { execFileSync } from "node:child_process";
import path from "node:path";
import { clientBuildIsStale } from "../../scripts/client-build-stale.js";
import { REPO_ROOT } from "./paths.js";

/** Returns true when it had to build. Throws with vite's output when the build fails. */
export function ensureClientBuild(log: (line: string) => void = () => {}): boolean {
  if (!clientBuildIsStale(REPO_ROOT)) return false;
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
