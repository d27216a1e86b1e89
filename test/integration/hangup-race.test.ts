/**
 * The hang-up race guard (src/server/media/teardown-queue.ts) against the real Janus 1.1.2: a minute of the
 * hang-up stress churn (bench/hangup-stress.ts: newcomers hanging up while their joins are in flight,
 * everyone in a room hanging up at once, rooms destroyed right behind) and Janus never crashed — the same pid
 * throughout, no crash line in the server's log — and once everyone left and the rooms closed (a minute after
 * the last dropped socket: the resume window), no Janus handle is left.
 * Without the guard the same churn crashed Janus about once every three minutes here (the benchmark's numbers).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runHangupStress } from "../../bench/hangup-stress.js";
import { type ServerHandle, startServer } from "../helpers/server.js";

const CHURN_MS = 60_000;

describe("hang-ups close together", () => {
  let server: ServerHandle;

  beforeAll(async () => {
    // The guard is the default: make sure the runner's environment does not turn it off.
    server = await startServer({
      name: "hangup-race",
      env: { PALABRE_UNSAFE_CONCURRENT_TEARDOWN: undefined },
    });
  });

  afterAll(async () => {
    await server?.stop();
  });

  it("never crash Janus, and leave no handle behind", async () => {
    const r = await runHangupStress(server, { durationMs: CHURN_MS, rooms: 3, newcomers: 3 });
    expect(r.guard, "the server ran with its teardown guard").toBe(true);
    // The churn did what it is for: many rooms, anchors publishing, newcomers hanging up early both ways.
    expect(r.cycles).toBeGreaterThan(60);
    expect(r.anchorsUp).toBeGreaterThan(1.8 * r.cycles);
    expect(r.earlyLeaves).toBeGreaterThan(30);
    expect(r.earlyDrops).toBeGreaterThan(30);
    // No request reached Janus for a handle being torn down (without the guard: hundreds in the same churn).
    expect(r.lateRequests).toBe(0);
    expect(r.crashLines).toEqual([]);
    expect(r.janusPids, "the Janus pid never changed").toHaveLength(1);
    expect(server.output()).not.toMatch(/exited unexpectedly|janus died|media server lost/);
    expect(r.endHandles, "Janus handles once the rooms closed").toBe(0);
  }, 200_000);
});
