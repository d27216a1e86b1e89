import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (this file lives in test/helpers/). */
export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** Where tests put logs, screenshots and other evidence (git-ignored). */
export function resultsDir(...sub: string[]): string {
  const dir = path.join(REPO_ROOT, "test-results", ...sub);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}
