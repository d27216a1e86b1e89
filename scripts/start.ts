/**
 * `npm start`: builds the client when it is missing or older than its sources, then runs the server.
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { clientBuildIsStale } from "./client-build-stale.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const stale = clientBuildIsStale(root);
if (stale && !process.env.CLIENT_DIR) {
  console.log("Building the client…");
  const { build } = await import("vite");
  await build({ configFile: join(root, "vite.config.ts"), logLevel: "warn" });
}
await import("../src/server/main.js");
