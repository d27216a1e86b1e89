/**
 * One real server for a test suite (a whole file, or a describe): `suiteServer(options)` registers a beforeAll
 * that starts it and an afterAll that runs `beforeStop` (closing the suite's sockets) and stops it. Call it at
 * the top of a file or inside a describe; the hooks belong to that scope. A server that does not stop cleanly
 * (SIGKILL needed, an error exit, a Janus or its folder left behind) fails the suite: stop() throws.
 *
 * What it returns is usable as the ServerHandle itself, declared before the server exists: each property read
 * is passed on to the started handle (reading one before beforeAll has run throws).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ServerHandle, type StartServerOptions, startServer, tail } from "./server.js";

export function suiteServer(options: StartServerOptions, beforeStop: () => void = () => {}): ServerHandle {
  let started: ServerHandle | undefined;

  beforeAll(async () => {
    started = await startServer(options);
  });

  afterAll(async () => {
    try {
      beforeStop();
    } finally {
      // Even when closing the sockets failed, the server is stopped, and judged.
      if (started) await started.stop();
    }
  });

  return new Proxy({} as ServerHandle, {
    get(_target, key) {
      if (!started) throw new Error(`server "${options.name}" used before its beforeAll started it`);
      return Reflect.get(started, key);
    },
  });
}

/** A describe "the server" checking the log for internal errors; register it last in a file. */
export function describeServerHealth(server: ServerHandle): void {
  describe("the server", () => {
    it("logged no internal error", () => {
      const faults = server.lines.filter((l) => /request failed|internal error|unhandled/i.test(l));
      expect(faults, tail(server.lines, 40)).toEqual([]);
    });
  });
}
