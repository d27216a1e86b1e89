/**
 * The server's messages held to their contract in every test that receives them (issue 20): the raw test client
 * (ws-client.ts) and the browser pages' recorded frames (e2e/helpers/ws-frames.ts) pass each message they
 * receive to `checkServerMessage`, which notes any that src/protocol/server-schema.ts rejects; contract-setup.ts
 * fails the test during which one arrived.
 */
import { serverMessageProblem } from "../../src/protocol/server-schema.js";
import { safeJson } from "./wait.js";

/** Messages seen outside the contract since the last check: where, what is wrong, and the message itself. */
export const contractViolations: string[] = [];

export function checkServerMessage(where: string, message: unknown): void {
  const problem = serverMessageProblem(message);
  if (problem !== null)
    contractViolations.push(`${where}: ${problem}; message ${safeJson(message).slice(0, 400)}`);
}

/** The violations noted so far, emptied. */
export function takeContractViolations(): string[] {
  return contractViolations.splice(0);
}
