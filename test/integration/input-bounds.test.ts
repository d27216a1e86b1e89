/**
 * Frames built to cost the server the most CPU per byte, against the real server: each is answered with a
 * typed error within 100 ms, and /healthz, polled every 20 ms meanwhile, never waits more than 250 ms. Before
 * the bounds of src/protocol (PROTOCOL.md "Limits and errors"), the 508 KiB join below held the event loop
 * 24-34 s (NFC on a run of 250,000 combining marks) and the subscribe.configure frame ~400 ms.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LagMonitor } from "../helpers/lag-monitor.js";
import { describeServerLog } from "../helpers/log-health.js";
import { type ServerHandle, startServer, tail } from "../helpers/server.js";
import { sleep } from "../helpers/wait.js";
import { type AnyMessage, RawClient } from "../helpers/ws-client.js";

let server: ServerHandle;
const sockets: RawClient[] = [];
/**
 * Times taken while this process, too, was held back (other work on the machine's two cores) say nothing
 * about the server and are not held against it; a server stuck on a frame leaves this process free.
 */
let lag: LagMonitor;

beforeAll(async () => {
  server = await startServer({ name: "input-bounds", env: { MAX_CONNECTIONS_PER_ADDRESS: "1000" } });
  lag = new LagMonitor();
});

afterAll(async () => {
  lag?.stop();
  for (const s of sockets) s.terminate();
  await server?.stop();
});

async function connect(): Promise<RawClient> {
  const client = await RawClient.connect(server.wsUrl);
  sockets.push(client);
  return client;
}

interface HealthStats {
  polls: number;
  failures: string[];
  slowestMs: number;
  widestGapMs: number;
}

/**
 * Polls /healthz every ~20 ms until stopped: the slowest answer, the longest time between two answers, and
 * what failed (an answer that never came counts as slow as the time it took to fail). Intervals during which
 * this process was starved itself are left out (see `lag`).
 */
function pollHealth(origin: string): { stop(): Promise<HealthStats> } {
  let running = true;
  const stats: HealthStats = { polls: 0, failures: [], slowestMs: 0, widestGapMs: 0 };
  const loop = (async () => {
    let last = performance.now();
    while (running) {
      const started = performance.now();
      try {
        const res = await fetch(`${origin}/healthz`, { signal: AbortSignal.timeout(60_000) });
        await res.arrayBuffer();
        if (res.status !== 200) stats.failures.push(`status ${res.status}`);
      } catch (err) {
        stats.failures.push(err instanceof Error ? err.message : String(err));
      }
      const now = performance.now();
      stats.polls++;
      if (!lag.starved(started, now)) stats.slowestMs = Math.max(stats.slowestMs, now - started);
      if (!lag.starved(last, now)) stats.widestGapMs = Math.max(stats.widestGapMs, now - last);
      last = now;
      await sleep(20);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return stats;
    },
  };
}

/**
 * Sends `frame` and times the error that answers it (with `id`, or without one when the id cannot be read).
 * The time is 0 when this process was starved meanwhile: it then says nothing about the server (see `lag`).
 */
async function timedError(
  client: RawClient,
  frame: string,
  id: number | undefined,
): Promise<[AnyMessage, number]> {
  const started = performance.now();
  client.send(frame);
  const reply = await client.next(
    (m) => m.type === "error" && m.id === id,
    5000,
    `the error answering a ${Math.round(Buffer.byteLength(frame) / 1024)} KiB frame`,
  );
  const now = performance.now();
  return [reply, lag.starved(started, now) ? 0 : now - started];
}

/** "a" then `n` combining marks alternating U+0301 and U+0316, which NFC must reorder (see common.ts). */
const markRun = (n: number) => `a${"\u0301\u0316".repeat(n / 2)}`;

describe("frames that cost the most per byte are cheap to refuse", () => {
  it("the 508 KiB NFC join and a maximal subscribe.configure: typed errors within 100 ms, /healthz never stalls", async () => {
    const nfcJoin = (id: number) =>
      JSON.stringify({ type: "join", id, v: 1, room: "bounds", name: markRun(260_000) });
    // As many array elements as fit under the 512 KiB frame limit: every one was parsed, and refused, before
    // the array's length was looked at.
    const configure = `{"type":"subscribe.configure","id":50,"streams":[${"0,".repeat(261_000)}0]}`;
    const nested = `{"type":"ping","id":60,"x":${"[".repeat(260_000)}${"]".repeat(260_000)}}`;
    for (const frame of [nfcJoin(1), configure, nested]) {
      expect(Buffer.byteLength(frame)).toBeGreaterThan(500 * 1024);
      expect(Buffer.byteLength(frame)).toBeLessThanOrEqual(512 * 1024);
    }
    const attacker = await connect();
    const bystander = await connect();
    const health = pollHealth(server.origin);
    await sleep(200);

    const timings: string[] = [];
    let stats: HealthStats;
    try {
      for (const id of [1, 2, 3]) {
        const [reply, ms] = await timedError(attacker, nfcJoin(id), id);
        timings.push(`NFC join ${ms.toFixed(1)} ms`);
        expect(reply.code).toBe("bad_message");
        expect(reply.message).toBe("join: name: name too long");
        expect(ms, "reply to the 508 KiB NFC join (ms)").toBeLessThan(100);
      }
      // Too many values to be a message: refused before JSON.parse, so its id is not read.
      const [configureReply, configureMs] = await timedError(attacker, configure, undefined);
      timings.push(`subscribe.configure ${configureMs.toFixed(1)} ms`);
      expect(configureReply).toMatchObject({
        code: "bad_message",
        message: "message holds more than 4096 values",
      });
      expect(configureMs, "reply to the 512 KiB subscribe.configure (ms)").toBeLessThan(100);
      const [nestedReply, nestedMs] = await timedError(attacker, nested, undefined);
      timings.push(`nested ${nestedMs.toFixed(1)} ms`);
      expect(nestedReply).toMatchObject({
        code: "bad_message",
        message: "message nests deeper than 8 levels",
      });
      expect(nestedMs, "reply to 260,000 nested arrays (ms)").toBeLessThan(100);
      // The largest streams list a message may carry is still read, and still cheap.
      const streams = Array.from({ length: 256 }, (_, i) => ({ mid: String(i), send: false, layer: 0 }));
      const [notJoined, notJoinedMs] = await timedError(
        attacker,
        JSON.stringify({ type: "subscribe.configure", id: 70, streams }),
        70,
      );
      expect(notJoined.code, "a valid configure from a socket that has not joined").toBe("not_joined");
      expect(notJoinedMs).toBeLessThan(100);
    } finally {
      await sleep(300);
      stats = await health.stop();
      console.log(
        `[input-bounds] ${timings.join(", ")}; /healthz: ${stats.polls} polls, slowest ${stats.slowestMs.toFixed(1)} ms, widest gap ${stats.widestGapMs.toFixed(1)} ms, failures ${JSON.stringify(stats.failures)}`,
      );
    }
    expect(stats.failures, "/healthz failures").toEqual([]);
    expect(
      stats.slowestMs,
      `slowest /healthz answer (ms); server log:\n${tail(server.lines, 20)}`,
    ).toBeLessThan(250);
    expect(stats.widestGapMs, "longest time between two /healthz answers (ms)").toBeLessThan(250);

    // Neither socket was closed, and a well-formed, decomposed name still joins, normalised.
    const pong = await bystander.request({ type: "ping" });
    expect(pong.type).toBe("pong");
    const joined = await attacker.request(
      { type: "join", v: 1, room: "bounds", name: "Nguye\u0302\u0303n" },
      10_000,
    );
    expect(joined.type, JSON.stringify(joined)).toBe("joined");
    expect(joined.you.name).toBe("Nguy\u1ec5n");

    // A lone surrogate in an SDP is refused here. Janus's JSON parser used to drop the request unanswered, and
    // the sender's messages waited 10 s (the server's Janus timeout) for media_failed (found by fuzz.test.ts).
    const offer = JSON.stringify({ type: "publish", id: 80, jsep: { type: "offer", sdp: "v=0\r\n\ud800" } });
    expect(offer).toContain("\\ud800");
    const [surrogate, surrogateMs] = await timedError(attacker, offer, 80);
    expect(surrogate).toMatchObject({
      code: "bad_message",
      message: "publish: jsep.sdp: not well-formed Unicode",
    });
    expect(surrogateMs, "reply to a publish holding a lone surrogate (ms)").toBeLessThan(100);
    // NUL had the same effect.
    const nul = JSON.stringify({ type: "publish", id: 81, jsep: { type: "offer", sdp: "v=0\r\n\u0000" } });
    const [nulReply, nulMs] = await timedError(attacker, nul, 81);
    expect(nulReply).toMatchObject({
      code: "bad_message",
      message: "publish: jsep.sdp: holds a NUL character",
    });
    expect(nulMs, "reply to a publish holding NUL (ms)").toBeLessThan(100);
  });
});

// Last: judges every line the server printed during the file's tests.
describeServerLog(() => server);
