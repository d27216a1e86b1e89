/**
 * How the server restarts a Janus that dies (janus-media-engine.ts), read from its own log ("media server lost;
 * restarting it", then "media server restarted", each stamped): a Janus that had been running is restarted at
 * once; one killed again as soon as it is back waits 1 s, then 2 s (no tight respawn loop); once a Janus has
 * lived past the crash-loop window (10 s), the next loss is restarted at once again.
 *
 * The waits are timers of ours, so their lower bounds are exact; the immediate restarts are compared with the
 * 2-s one rather than with a clock, Janus's own start-up time being what it is on a loaded machine.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { janusPid } from "../e2e/helpers/recovery.js";
import { describeServerLogExpecting, jsonOf } from "../helpers/log-expected.js";
import { type ServerHandle, startServer } from "../helpers/server.js";
import { sleep, waitFor } from "../helpers/wait.js";

let server: ServerHandle;

/** The time stamps (ms) of the server's log lines whose `msg` is `msg`, in order. */
function stamps(msg: string): number[] {
  const out: number[] = [];
  for (const line of server.lines) {
    const json = jsonOf(line);
    if (json?.msg === msg && typeof json.t === "string") out.push(Date.parse(json.t));
  }
  return out;
}

/** Kills the current Janus and returns ms from the server's "lost" line to its "restarted" line. */
async function killAndTimeRestart(): Promise<number> {
  const before = stamps("media server restarted").length;
  const old = janusPid(server);
  process.kill(old, "SIGKILL");
  await waitFor(() => stamps("media server restarted").length > before, {
    timeoutMs: 20_000,
    what: "the server's 'media server restarted'",
  });
  const lost = stamps("media server lost; restarting it").at(-1) ?? Number.NaN;
  const restarted = stamps("media server restarted").at(-1) ?? Number.NaN;
  expect(janusPid(server), "a new Janus").not.toBe(old);
  return restarted - lost;
}

beforeAll(async () => {
  server = await startServer({ name: "janus-restart" });
});

afterAll(async () => {
  await server?.stop();
});

describe("a Janus that dies", () => {
  it("is restarted at once; killed again at once, after 1 s then 2 s; and at once again after living 10 s", async () => {
    const first = await killAndTimeRestart();
    const second = await killAndTimeRestart();
    const third = await killAndTimeRestart();
    await sleep(10_500);
    const fourth = await killAndTimeRestart();
    console.log(`[janus-restart] lost → restarted: ${first}, ${second}, ${third}, then ${fourth} ms`);
    expect(second, "ms before a Janus that died right after starting is restarted").toBeGreaterThanOrEqual(
      1000,
    );
    expect(third, "ms before the next one is restarted").toBeGreaterThanOrEqual(2000);
    expect(first, "ms to restart a Janus that had been running (no wait)").toBeLessThan(third);
    expect(fourth, "ms to restart a Janus that had lived past the crash-loop window").toBeLessThan(third);
  }, 60_000);
});

describeServerLogExpecting(
  () => [server],
  [
    {
      fields: { level: "error", msg: "media server lost; restarting it" },
      why: "the test kills Janus four times",
      required: true,
    },
  ],
);
