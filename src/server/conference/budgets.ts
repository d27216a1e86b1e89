/**
 * How often one participant may ask for something that every other participant hears about (a raised hand,
 * a device switch, a reaction, a moderator's action) or that makes everyone renegotiate (publishing). The
 * socket's own rate limit (gateway) bounds what one connection costs the server; these bound what it costs
 * everyone else: without them ten sockets flipping a hand made each participant receive ~230 messages a second.
 */
import { ErrorCode, ProtocolError } from "../../protocol/errors.js";
import type { ClientMessageType } from "../../protocol/messages.js";
import { WindowLimiter } from "./window-limiter.js";

interface Budget {
  max: number;
  windowMs: number;
  /** What the refusal names ("too many … ; slow down"). */
  what: string;
}

/** Per participant, over a sliding window. README "Security" lists them. */
export const BUDGETS = {
  hands: { max: 8, windowMs: 10_000, what: "hand changes" },
  reactions: { max: 5, windowMs: 10_000, what: "reactions" },
  devices: { max: 20, windowMs: 10_000, what: "device changes" },
  publish: { max: 10, windowMs: 10_000, what: "publish offers" },
  moderation: { max: 30, windowMs: 10_000, what: "moderator actions" },
  // Asking, closing and sharing polls; a vote needs no budget (once per poll, and polls are few).
  polls: { max: 10, windowMs: 60_000, what: "poll actions" },
  // One message (to everyone) at each change of who is in the meeting, a few per newcomer: thirty people
  // coming in within ten seconds stay within it (browsers gather what they send within 50 ms into one).
  keys: { max: 120, windowMs: 10_000, what: "encryption messages" },
} as const satisfies Record<string, Budget>;

type BudgetName = keyof typeof BUDGETS;

/** Which budget each message draws on; messages not listed reach no one else (or have their own, like chat). */
const COST: Partial<Record<ClientMessageType, BudgetName>> = {
  "hand.raise": "hands",
  "hand.lower": "hands",
  "hand.lower_all": "hands",
  "floor.give": "hands",
  "reaction.send": "reactions",
  "media.state": "devices",
  "recording.state": "devices",
  publish: "publish",
  "room.configure": "moderation",
  "lobby.admit": "moderation",
  "lobby.admit_all": "moderation",
  "lobby.deny": "moderation",
  "moderate.mute": "moderation",
  "moderate.mute_all": "moderation",
  "moderate.ask_unmute": "moderation",
  "moderate.remove": "moderation",
  "moderate.grant": "moderation",
  "moderate.allow": "moderation",
  "e2ee.signal": "keys",
  "poll.create": "polls",
  "poll.close": "polls",
  "poll.share": "polls",
  "breakout.create": "moderation",
  "breakout.remove": "moderation",
  "breakout.assign": "moderation",
  "breakout.shuffle": "moderation",
  "breakout.configure": "moderation",
  "breakout.open": "moderation",
  "breakout.broadcast": "moderation",
  "breakout.close": "moderation",
  // Each move makes two rooms renegotiate their media: as dear as publishing.
  "breakout.join": "publish",
};

/** One participant's budgets; kept across a resume, so reconnecting does not refill them. */
export class Budgets {
  readonly #limiters = new Map<BudgetName, WindowLimiter>();

  /** Counts `type` against its budget; `too_many_attempts` (with the wait) when the budget is spent. */
  take(type: ClientMessageType, now = Date.now()): void {
    const name = COST[type];
    if (!name) return;
    const budget: Budget = BUDGETS[name];
    let limiter = this.#limiters.get(name);
    if (!limiter) {
      limiter = new WindowLimiter(budget.max, budget.windowMs);
      this.#limiters.set(name, limiter);
    }
    if (!limiter.tryTake(now)) {
      throw new ProtocolError(
        ErrorCode.TooManyAttempts,
        `too many ${budget.what}; slow down`,
        limiter.retryAfter(now),
      );
    }
  }
}
