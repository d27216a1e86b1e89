/**
 * Setup file of the integration and end-to-end projects: a test during which a test client or a page received
 * a server message outside the contract (contract.ts) fails, naming the message; so does the file, for those
 * that arrived in its hooks.
 */
import { afterAll, afterEach, expect } from "vitest";
import { takeContractViolations } from "./contract.js";

function expectNone(): void {
  const seen = takeContractViolations();
  expect(
    seen,
    `server messages outside the contract (src/protocol/server-schema.ts):\n${seen.slice(0, 5).join("\n")}`,
  ).toEqual([]);
}

afterEach(expectNone);
afterAll(expectNone);
