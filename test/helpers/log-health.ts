/**
 * The "no internal error in the server log" guard, for test files that start their own server with
 * startServer (describeServerHealth in suite-server.ts takes the handle itself; these files only have it once
 * their beforeAll has run, so this one takes a getter). Register it last in a file: it reads every line the
 * server printed during the file's tests.
 */
import { describe, expect, it } from "vitest";
import { type ServerHandle, tail } from "./server.js";

/** What an internal error looks like in the server's log (the same patterns as describeServerHealth). */
export const INTERNAL_ERROR = /request failed|internal error|unhandled/i;

/** The server's log lines that report an internal error. */
export function internalErrors(server: ServerHandle): string[] {
  return server.lines.filter((l) => INTERNAL_ERROR.test(l));
}

/** A describe "the server" whose test fails when `server()`'s log has an internal error (or no server started). */
export function describeServerLog(server: () => ServerHandle | undefined, label = "the server"): void {
  describe(label, () => {
    it("logged no internal error", () => {
      const s = server();
      // A file whose server never started has nothing to judge, and says so instead of passing.
      expect(s, "the server was started").toBeDefined();
      if (!s) return;
      expect(internalErrors(s), tail(s.lines, 40)).toEqual([]);
    });
  });
}
