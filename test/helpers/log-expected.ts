/**
 * The "no internal error in the server log" guard for test files that hurt a server on purpose (kill its Janus,
 * kill the server itself), where some error lines are the expected consequence. Such a file names each line it
 * expects, by the exact values of the line's JSON fields and with why it is expected there; every other line that
 * reports an internal error (log-health.ts's INTERNAL_ERROR) or is logged at level "error" fails the file. This
 * is stricter than describeServerLog (which judges INTERNAL_ERROR only): a file that makes errors on purpose must
 * account for each one. Imports vitest; register the describe last in a file.
 */
import { describe, expect, it } from "vitest";
import { INTERNAL_ERROR } from "./log-health.js";
import { type ServerHandle, tail } from "./server.js";

export interface ExpectedLine {
  /** Exact values of the JSON line's fields (a line matches when every one of them is equal). */
  fields: Record<string, string | number | boolean | null>;
  /** Why this file makes the server print it. */
  why: string;
  /**
   * The file's tests always make the server print it: the guard also fails when it is absent (then the guard
   * read a log other than the one the tests hurt, or the server stopped saying what happened).
   */
  required?: boolean;
}

/** The JSON object a server log line ("err| {...}") carries, or undefined for a line of plain text. */
export function jsonOf(line: string): Record<string, unknown> | undefined {
  const text = line.slice(line.indexOf("| ") + 2);
  if (!text.startsWith("{")) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === "object" ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function matches(line: string, expected: ExpectedLine): boolean {
  const json = jsonOf(line);
  return json !== undefined && Object.entries(expected.fields).every(([key, value]) => json[key] === value);
}

/** A line the guard judges: an internal error, or anything logged at level "error". */
export function isErrorLine(line: string): boolean {
  return INTERNAL_ERROR.test(line) || jsonOf(line)?.level === "error";
}

/** The error lines of `lines` that none of `expected` names. */
export function unexpectedErrors(lines: string[], expected: ExpectedLine[]): string[] {
  return lines.filter((l) => isErrorLine(l) && !expected.some((e) => matches(l, e)));
}

/**
 * A describe `label` whose test fails when any server `servers()` returns printed an error line not in
 * `expected`, when a `required` line is missing from all of them, or when no server was started.
 */
export function describeServerLogExpecting(
  servers: () => (ServerHandle | undefined)[],
  expected: ExpectedLine[],
  label = "the server",
): void {
  describe(label, () => {
    it("logged no internal error and no error line but the expected ones", () => {
      const started = servers().filter((s): s is ServerHandle => s !== undefined);
      // A file whose servers never started has nothing to judge, and says so instead of passing.
      expect(started.length, "servers started").toBeGreaterThan(0);
      for (const s of started) expect(unexpectedErrors(s.lines, expected), tail(s.lines, 40)).toEqual([]);
      for (const e of expected.filter((x) => x.required)) {
        const seen = started.some((s) => s.lines.some((l) => matches(l, e)));
        expect(seen, `expected line ${JSON.stringify(e.fields)} (${e.why})`).toBe(true);
      }
    });
  });
}
