/**
 * A meeting's polls, in memory only and gone with the meeting: asked by a moderator (or by anyone, when the
 * meeting allows it), voted on once per voter, closed by their author or a moderator. Everyone sees the
 * counts live; the names behind each answer unless the poll is anonymous (even then the server knows who
 * voted, to count each voter once, and tells each voter their own choices when they come back).
 *
 * A voter is their browser's meeting key when it sent one, else their participant id: someone who hangs up
 * and comes back in the same browser does not vote twice. Without accounts nothing stops a determined person
 * from coming back as someone new; a poll here is a show of hands, not a ballot.
 *
 * Votes are told to everyone gathered, at most once per `updateMs` per poll: in a meeting of 100 where all vote
 * within a second, each participant then receives a few updates, not 100.
 */
import { ErrorCode, ProtocolError } from "../../protocol/errors.js";
import { Limits, type Poll, type Role } from "../../protocol/messages.js";
import type { PollState } from "../routing/meeting-state.js";

/** Who asks, votes, closes or shares. */
export interface PollActor {
  readonly id: string;
  readonly name: string;
  readonly role: Role;
  readonly key: string | undefined;
}

export const POLL_UPDATE_MS = 250;

export class Polls {
  readonly #polls = new Map<string, PollState>();
  /** Polls with votes not yet told, and the timer that will tell them. */
  readonly #unsaid = new Set<string>();
  #timer: ReturnType<typeof setTimeout> | null = null;
  #seq = 0;

  constructor(
    private readonly announce: (poll: Poll) => void,
    private readonly updateMs = POLL_UPDATE_MS,
  ) {}

  get size(): number {
    return this.#polls.size;
  }

  create(
    by: PollActor,
    question: string,
    options: string[],
    flags: { multiple: boolean; anonymous: boolean },
    now: number,
  ): Poll {
    if (this.#polls.size >= Limits.pollsPerMeeting)
      throw new ProtocolError(
        ErrorCode.PollLimit,
        `this meeting holds ${Limits.pollsPerMeeting} polls, as many as it may`,
      );
    const poll: PollState = {
      id: `poll_${++this.#seq}`,
      question,
      options,
      multiple: flags.multiple,
      anonymous: flags.anonymous,
      by: by.id,
      byName: by.name,
      at: now,
      closed: false,
      ballots: [],
    };
    this.#polls.set(poll.id, poll);
    const view = viewOf(poll);
    this.announce(view);
    return view;
  }

  vote(voter: PollActor, pollId: string, choices: readonly number[]): void {
    const poll = this.#get(pollId);
    if (poll.closed) throw new ProtocolError(ErrorCode.BadState, "this poll is closed");
    const who = voterOf(voter);
    if (poll.ballots.some((b) => b.voter === who))
      throw new ProtocolError(ErrorCode.BadState, "you have already voted in this poll");
    if (!poll.multiple && choices.length !== 1)
      throw new ProtocolError(ErrorCode.BadMessage, "this poll takes exactly one answer");
    if (new Set(choices).size !== choices.length)
      throw new ProtocolError(ErrorCode.BadMessage, "an answer is chosen twice");
    if (choices.some((c) => c >= poll.options.length))
      throw new ProtocolError(ErrorCode.BadMessage, `this poll has ${poll.options.length} answers`);
    poll.ballots.push({ voter: who, name: voter.name, choices: [...choices].sort((a, b) => a - b) });
    this.#unsaid.add(poll.id);
    this.#timer ??= setTimeout(() => this.flush(), this.updateMs);
  }

  /** Closes a poll (its author or a moderator); closing it again changes nothing. */
  close(pollId: string, by: PollActor): void {
    const poll = this.#get(pollId);
    mayManage(poll, by);
    if (poll.closed) return;
    poll.closed = true;
    this.#unsaid.delete(poll.id);
    this.announce(viewOf(poll));
  }

  /** A closed poll's results, for its author or a moderator to share in the chat. */
  results(pollId: string, by: PollActor): Poll {
    const poll = this.#get(pollId);
    mayManage(poll, by);
    if (!poll.closed)
      throw new ProtocolError(ErrorCode.BadState, "close the poll before sharing its results");
    return viewOf(poll);
  }

  /** Every poll, oldest first, as `voter` sees them (with their own choices). */
  list(voter: PollActor): Poll[] {
    const who = voterOf(voter);
    return [...this.#polls.values()].map((poll) => {
      const mine = poll.ballots.find((b) => b.voter === who)?.choices;
      return mine ? { ...viewOf(poll), mine: [...mine] } : viewOf(poll);
    });
  }

  /** Tells the votes not yet told. */
  flush(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    const ids = [...this.#unsaid];
    this.#unsaid.clear();
    for (const id of ids) {
      const poll = this.#polls.get(id);
      if (poll) this.announce(viewOf(poll));
    }
  }

  /** What another node needs to go on: every poll with its ballots, and the numbering. */
  state(): { seq: number; list: PollState[] } {
    return { seq: this.#seq, list: [...this.#polls.values()].map(copyOf) };
  }

  restore(state: { seq: number; list: PollState[] }): void {
    this.#seq = state.seq;
    this.#polls.clear();
    for (const poll of state.list.slice(0, Limits.pollsPerMeeting)) this.#polls.set(poll.id, copyOf(poll));
  }

  /** The meeting ended: nothing more is told. */
  dispose(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#unsaid.clear();
  }

  #get(pollId: string): PollState {
    const poll = this.#polls.get(pollId);
    if (!poll) throw new ProtocolError(ErrorCode.NotFound, "no such poll in this meeting");
    return poll;
  }
}

function voterOf(actor: PollActor): string {
  return actor.key !== undefined ? `k:${actor.key}` : `p:${actor.id}`;
}

function mayManage(poll: PollState, by: PollActor): void {
  if (poll.by !== by.id && by.role !== "moderator")
    throw new ProtocolError(ErrorCode.Forbidden, "only the poll's author or a moderator may do this");
}

function viewOf(poll: PollState): Poll {
  const votes = poll.options.map(() => 0);
  const names: string[][] = poll.options.map(() => []);
  for (const ballot of poll.ballots) {
    for (const c of ballot.choices) {
      votes[c] = (votes[c] ?? 0) + 1;
      names[c]?.push(ballot.name);
    }
  }
  return {
    id: poll.id,
    question: poll.question,
    options: [...poll.options],
    multiple: poll.multiple,
    anonymous: poll.anonymous,
    by: poll.by,
    byName: poll.byName,
    at: poll.at,
    closed: poll.closed,
    votes,
    voters: poll.ballots.length,
    ...(poll.anonymous ? {} : { names }),
  };
}

function copyOf(poll: PollState): PollState {
  return {
    ...poll,
    options: [...poll.options],
    ballots: poll.ballots.map((b) => ({ ...b, choices: [...b.choices] })),
  };
}
