/**
 * A room's chat, in memory only: public history for latecomers (bounded), private messages delivered and
 * forgotten, re-sent messages recognised by their client id, and a per-sender rate limit.
 */
import { ErrorCode, ProtocolError } from "../../protocol/errors.js";
import { type ChatMessage, Limits, type Poll } from "../../protocol/messages.js";
import type { Participant } from "./participant.js";
import { WindowLimiter } from "./window-limiter.js";

const RECENT_CLIENT_IDS = 200;
const RATE = { max: 20, windowMs: 10_000 };

export interface ChatState {
  seq: number;
  history: ChatMessage[];
  /** Per participant, the client ids of its last messages (a re-send after a reconnection is dropped). */
  recent: [string, string[]][];
}

export interface ChatOptions {
  /** Keep public messages for people who join later. */
  history: boolean;
}

export class Chat {
  readonly #options: ChatOptions;
  readonly #history: ChatMessage[] = [];
  readonly #recentClientIds = new Map<string, string[]>();
  readonly #limiters = new Map<string, WindowLimiter>();
  #seq = 0;

  constructor(options: ChatOptions) {
    this.#options = options;
  }

  /**
   * Builds the message to deliver, or returns null if this client id was already delivered (a re-send after
   * a reconnect). Throws `too_many_attempts` over the rate limit.
   */
  post(
    from: Participant,
    text: string,
    clientId: string,
    to: Participant | undefined,
    now: number,
  ): ChatMessage | null {
    const recent = this.#recentClientIds.get(from.id) ?? [];
    if (recent.includes(clientId)) return null;
    let limiter = this.#limiters.get(from.id);
    if (!limiter) {
      limiter = new WindowLimiter(RATE.max, RATE.windowMs);
      this.#limiters.set(from.id, limiter);
    }
    if (!limiter.tryTake(now)) {
      throw new ProtocolError(
        ErrorCode.TooManyAttempts,
        "too many chat messages; slow down",
        limiter.retryAfter(now),
      );
    }
    recent.push(clientId);
    if (recent.length > RECENT_CLIENT_IDS) recent.shift();
    this.#recentClientIds.set(from.id, recent);
    const message: ChatMessage = {
      id: `m_${++this.#seq}`,
      from: from.id,
      fromName: from.name,
      clientId,
      text,
      at: now,
    };
    if (to) {
      message.to = to.id;
      message.toName = to.name;
    } else if (this.#options.history) {
      this.#history.push(message);
      if (this.#history.length > Limits.chatHistory) this.#history.shift();
    }
    return message;
  }

  /**
   * A poll's results, shared by `from` with everyone (`poll.share`): a public message whose text is the
   * question, kept for latecomers like any other. Sharing the same poll again posts it again.
   */
  postPoll(from: Participant, poll: Poll, now: number): ChatMessage {
    const message: ChatMessage = {
      id: `m_${++this.#seq}`,
      from: from.id,
      fromName: from.name,
      clientId: `${poll.id}@${now}`,
      text: poll.question,
      at: now,
      poll,
    };
    if (this.#options.history) {
      this.#history.push(message);
      if (this.#history.length > Limits.chatHistory) this.#history.shift();
    }
    return message;
  }

  history(): ChatMessage[] {
    return [...this.#history];
  }

  /** What another node needs to go on with this chat: the kept history, the numbering, the recent re-send ids. */
  state(): ChatState {
    return { seq: this.#seq, history: this.history(), recent: [...this.#recentClientIds] };
  }

  restore(state: ChatState): void {
    this.#seq = state.seq;
    this.#history.splice(0, this.#history.length, ...state.history.slice(-Limits.chatHistory));
    this.#recentClientIds.clear();
    for (const [id, ids] of state.recent) this.#recentClientIds.set(id, ids.slice(-RECENT_CLIENT_IDS));
  }
}
