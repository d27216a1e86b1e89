/**
 * The server's messages held to their contract in every test that receives them (issue 20): the raw test
 * client (ws-client.ts), the Chromium pages (e2e/helpers/browser.ts) and the Firefox pages
 * (firefox/helpers/firefox.ts) pass each message they receive to `checkServerMessage`, which notes any that
 * src/protocol/server-schema.ts rejects; contract-setup.ts fails the test during which one arrived.
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

/** A WebSocket frame's text as a page received it: parsed, or checked as the text itself (no schema takes it). */
export function checkServerFrame(where: string, text: string): void {
  let message: unknown = text;
  try {
    message = JSON.parse(text);
  } catch {
    // not JSON: checked as the text itself
  }
  checkServerMessage(where, message);
}

/** The violations noted so far, emptied. */
export function takeContractViolations(): string[] {
  return contractViolations.splice(0);
}
