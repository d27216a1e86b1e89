/**
 * Janus runs with the settings Palabre writes for it, as Janus itself reports them (admin `get_status`):
 * no slow-link reports unless the operator asks (JANUS_SLOWLINK_THRESHOLD), and its log at the level asked
 * (JANUS_DEBUG_LEVEL; 3 by default, below the verbose levels where Janus logs peers' addresses).
 */
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/server/config.js";
import { janusStatus } from "../../src/server/media/janus-admin.js";
import { JanusProcess } from "../../src/server/media/janus-process.js";

let janus: JanusProcess | null = null;

async function statusWith(env: Record<string, string>): Promise<Record<string, unknown>> {
  janus = new JanusProcess(loadConfig({ JANUS_ICE_INTERFACE: "127.0.0.1", ...env }).janus);
  return janusStatus(await janus.start());
}

afterEach(async () => {
  await janus?.stop();
  janus = null;
});

/** Janus's core size limits (soft, hard), from /proc: "unlimited" or bytes. */
function coreLimits(pid: number | undefined): [string, string] {
  const line = readFileSync(`/proc/${pid}/limits`, "utf8")
    .split("\n")
    .find((l) => l.startsWith("Max core file size"));
  const [soft = "", hard = ""] = (line ?? "").replace("Max core file size", "").trim().split(/\s+/);
  return [soft, hard];
}

describe("Janus's settings", () => {
  it("sends no slow-link reports by default, and logs at level 3", async () => {
    const status = await statusWith({});
    expect(status.slowlink_threshold).toBe(0);
    expect(status.log_level).toBe(3);
  });

  it("writes no core dump unless the operator asks (JANUS_CORE_DUMPS=1), and then may write a whole one", async () => {
    await statusWith({});
    expect(coreLimits(janus?.pid)[0]).toBe("0");
    await janus?.stop();
    await statusWith({ JANUS_CORE_DUMPS: "1" });
    const [soft, hard] = coreLimits(janus?.pid);
    expect(soft).toBe(hard);
  });

  it("takes the operator's values", async () => {
    const status = await statusWith({ JANUS_SLOWLINK_THRESHOLD: "20", JANUS_DEBUG_LEVEL: "4" });
    expect(status.slowlink_threshold).toBe(20);
    expect(status.log_level).toBe(4);
  });
});
