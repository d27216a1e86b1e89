/**
 * The meeting's polls, one controller per Room: the polls as the server last told them (PROTOCOL.md, Polls),
 * what we chose in each, and the requests. Nothing is guessed ahead: counts are the server's; only our own
 * choice is remembered as soon as the server accepted it (the `poll` update follows within 250 ms).
 */
import { computed, signal } from "@preact/signals";
import { ErrorCode } from "../../../protocol/errors.js";
import type { Poll } from "../../../protocol/server-messages.js";
import type { MessageKey } from "../../i18n/i18n.js";
import { type OutgoingMessage, SignalError } from "../../signal/signal-client.js";
import type { Room } from "../../state/room.js";
import { scope } from "../../ui/scope.js";

/** A new poll to read out in the live region; `seq` tells two identical ones apart. */
export interface PollAnnouncement {
  name: string;
  question: string;
  seq: number;
}

export class PollsController {
  /** Oldest first, without `mine` (that is in `mine`). */
  readonly polls = signal<readonly Poll[]>([]);
  /** What we chose, per poll id. */
  readonly mine = signal<ReadonlyMap<string, readonly number[]>>(new Map());
  /** A request in flight: the poll's id, or "new" while asking. */
  readonly busy = signal<string | null>(null);
  readonly problem = signal<MessageKey | null>(null);
  readonly announcement = signal<PollAnnouncement | null>(null);
  /** Open polls we have not answered. */
  readonly toAnswer = computed(
    () => this.polls.value.filter((p) => !p.closed && !this.mine.value.has(p.id)).length,
  );
  #seq = 0;

  constructor(private readonly room: Room) {
    room.register({
      joined: ({ polls }) => {
        this.polls.value = polls.map(({ mine: _, ...poll }) => poll);
        this.mine.value = new Map(polls.flatMap((p) => (p.mine ? [[p.id, p.mine] as const] : [])));
      },
      poll: ({ poll }) => this.#update(poll),
    });
  }

  /** Whether we may ask a poll: moderators, or anyone when the meeting allows it. */
  canAsk(): boolean {
    const me = this.room.state.local.value?.info;
    return me?.role === "moderator" || this.room.state.settings.value.pollsByAnyone;
  }

  /** Whether we may close or share this poll: its author or a moderator. */
  canManage(poll: Poll): boolean {
    const me = this.room.state.local.value?.info;
    return me != null && (me.role === "moderator" || poll.by === me.id);
  }

  ask(
    question: string,
    options: string[],
    flags: { multiple: boolean; anonymous: boolean },
  ): Promise<boolean> {
    return this.#send("new", { type: "poll.create", question, options, ...flags });
  }

  async vote(pollId: string, choices: number[]): Promise<boolean> {
    const ok = await this.#send(pollId, { type: "poll.vote", pollId, choices });
    if (ok) this.mine.value = new Map([...this.mine.peek(), [pollId, choices]]);
    return ok;
  }

  close(pollId: string): Promise<boolean> {
    return this.#send(pollId, { type: "poll.close", pollId });
  }

  share(pollId: string): Promise<boolean> {
    return this.#send(pollId, { type: "poll.share", pollId });
  }

  async #send(what: string, message: OutgoingMessage): Promise<boolean> {
    if (this.busy.peek() !== null) return false;
    this.busy.value = what;
    this.problem.value = null;
    try {
      await this.room.request(message);
      return true;
    } catch (err) {
      this.problem.value = problemOf(err);
      console.warn(`palabre: ${message.type} failed`, err);
      return false;
    } finally {
      this.busy.value = null;
    }
  }

  #update(poll: Poll): void {
    const list = this.polls.peek();
    const at = list.findIndex((p) => p.id === poll.id);
    if (at >= 0) {
      this.polls.value = list.map((p, i) => (i === at ? poll : p));
      return;
    }
    this.polls.value = [...list, poll];
    if (poll.by !== this.room.state.local.peek()?.info?.id)
      this.announcement.value = { name: poll.byName, question: poll.question, seq: ++this.#seq };
  }
}

function problemOf(err: unknown): MessageKey {
  if (!(err instanceof SignalError)) return "polls.failed";
  if (err.code === ErrorCode.PollLimit) return "polls.limit";
  if (err.code === ErrorCode.TooManyAttempts) return "polls.slowDown";
  return "polls.failed";
}

/** The meeting's polls controller (meeting.tsx makes it), for the components below. */
export const PollsScope = scope<PollsController>("polls controller");
