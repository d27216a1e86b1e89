/** Entry point: configuration from the environment, start, stop on SIGINT/SIGTERM. */
import { type Config, loadConfig } from "./config.js";
import { logger } from "./logger.js";
import { type RunningServer, startServer } from "./server.js";

const log = logger("main");

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    console.error(`Palabre: bad configuration: ${(err as Error).message}`);
    process.exit(2);
  }
  let server: RunningServer;
  try {
    server = await startServer(config);
  } catch (err) {
    console.error(`Palabre could not start: ${(err as Error).message}`);
    process.exit(1);
  }
  console.log(`Palabre listening on ${server.url}`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info("stopping", { signal });
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
}

await main();
