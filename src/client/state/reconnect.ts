/**
 * When to try again after the connection drops in the middle of a meeting. The server keeps a dropped
 * participant's place for 60 s (PROTOCOL.md, "Coming back"); we stop a little before, so the last try still
 * lands inside the window: quick tries first (a blip in the network), then one every few seconds.
 */
import { CloseCode, ErrorCode } from "../../protocol/errors.js";
import type { FailureCode } from "../signal/signal-client.js";

/** How long to keep trying with the resume token, from the moment the socket dropped. */
export const RESUME_WINDOW_MS = 55_000;
const FIRST_DELAY_MS = 500;
const MAX_DELAY_MS = 5_000;

/**
 * The waits before each try: 0.5 s, 1 s, 2 s, 4 s, then 5 s each, as long as the total stays within
 * `windowMs`. Pure, so the schedule can be tested without waiting for it.
 */
export function reconnectDelays(
  windowMs = RESUME_WINDOW_MS,
  firstMs = FIRST_DELAY_MS,
  maxMs = MAX_DELAY_MS,
): number[] {
  const delays: number[] = [];
  let total = 0;
  let next = firstMs;
  while (total + next <= windowMs) {
    delays.push(next);
    total += next;
    next = Math.min(next * 2, maxMs);
  }
  return delays;
}

/** Close codes after which coming back by ourselves would be wrong: we left, were refused or removed. */
export function isFinalClose(code: number): boolean {
  return (
    code === CloseCode.Left ||
    code === CloseCode.Denied ||
    code === CloseCode.Removed ||
    code === CloseCode.MeetingEnded
  );
}

/** Failures worth another try while reconnecting: the network or the server, not a refusal. */
export const RETRYABLE: ReadonlySet<FailureCode> = new Set<FailureCode>([
  "closed",
  "timeout",
  ErrorCode.Internal,
  ErrorCode.MediaFailed,
  ErrorCode.RateLimited,
  // A cluster moving the meeting between nodes (README "Many machines").
  ErrorCode.Unavailable,
]);
