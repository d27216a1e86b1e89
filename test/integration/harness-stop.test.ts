/**
 * The harness itself (test/helpers/server.ts): a server that does not stop cleanly fails the test that stops it,
 * instead of being cleaned up in silence. Two ways a real server can leave things behind, made on purpose:
 * a Janus that outlives it (JANUS_BIN is a wrapper that starts Janus as its own child: the kernel's death signal
 * is armed on the wrapper only, so the real Janus survives), and a server that needs SIGKILL (a grace period
 * it cannot meet), which leaves its Janus folder behind. Either way stop() still cleans the machine up.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { janusOf } from "../helpers/janus-inspect.js";
import { alive } from "../helpers/processes.js";
import { type StopReport, startServer, UncleanStopError } from "../helpers/server.js";
import { waitFor } from "../helpers/wait.js";

let scratch = "";

beforeAll(() => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), "palabre-harness-"));
});

afterAll(() => {
  fs.rmSync(scratch, { recursive: true, force: true });
});

/** What stop() threw; fails if it did not throw an UncleanStopError. */
async function uncleanReport(stop: Promise<StopReport>): Promise<StopReport> {
  const error = await stop.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, "stop() should have thrown").toBeInstanceOf(UncleanStopError);
  return (error as UncleanStopError).report;
}

describe("stop()", () => {
  it("returns a clean report for a server that stops cleanly", async () => {
    const server = await startServer({ name: "harness-clean" });
    const report = await server.stop();
    expect(report).toMatchObject({ graceful: true, exitCode: 0, problems: [], leftoverFolders: [] });
  });

  it("throws when the server's Janus outlives it, and kills that Janus", async () => {
    const wrapper = path.join(scratch, "janus-outliving");
    // Janus's output goes to /dev/null: on the server's pipe it could die of SIGPIPE once the server is gone.
    fs.writeFileSync(
      wrapper,
      '#!/bin/sh\n[ "$1" = --help ] && exec janus --help\njanus "$@" >/dev/null 2>&1 &\nwait\n',
      { mode: 0o755 },
    );
    const server = await startServer({ name: "harness-outliving", env: { JANUS_BIN: wrapper } });
    const janus = await waitFor(() => janusOf(server), { what: "the real Janus under the wrapper" });
    const report = await uncleanReport(server.stop());
    expect(report.leftoverDescendants.map((d) => d.pid)).toContain(janus.pid);
    expect(report.problems.join("\n")).toMatch(/left running/);
    expect(alive(janus.pid), "the harness killed the Janus left behind").toBe(false);
  });

  it("throws when the server needs SIGKILL, and removes the Janus folder it left", async () => {
    const server = await startServer({ name: "harness-sigkill" });
    const janus = await waitFor(() => janusOf(server), { what: "the server's Janus" });
    // Frozen (SIGSTOP), the server cannot act on SIGTERM: the harness has to kill it, and it never removed
    // the folder. (Counting on "no server stops within 1 ms" failed once under load: the 1 ms timer fired late.)
    process.kill(server.pid, "SIGSTOP");
    const report = await uncleanReport(server.stop(1));
    expect(report.graceful).toBe(false);
    expect(report.leftoverFolders).toEqual([janus.dir]);
    expect(report.problems.join("\n")).toMatch(/SIGKILL/);
    expect(fs.existsSync(janus.dir), "the harness removed the folder").toBe(false);
    expect(alive(janus.pid)).toBe(false);
  });
});
