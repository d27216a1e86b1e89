import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ErrorCode } from "../../protocol/errors.js";
import { Limits, type Poll } from "../../protocol/messages.js";
import { type PollActor, Polls } from "./polls.js";

const mod: PollActor = { id: "p_mod", name: "Mona", role: "moderator", key: undefined };
const ann: PollActor = { id: "p_ann", name: "Ann", role: "participant", key: "key-of-anns-browser" };
const bob: PollActor = { id: "p_bob", name: "Bob", role: "participant", key: undefined };
const single = { multiple: false, anonymous: false };

let told: Poll[];
let polls: Polls;

beforeEach(() => {
  vi.useFakeTimers();
  told = [];
  polls = new Polls((poll) => told.push(poll), 250);
});

afterEach(() => {
  polls.dispose();
  vi.useRealTimers();
});

const code = (f: () => unknown) => {
  try {
    f();
  } catch (err) {
    return (err as { code?: string }).code;
  }
  return "no error";
};

describe("Polls", () => {
  it("tells a new poll at once, with no votes", () => {
    const poll = polls.create(mod, "Lunch?", ["Pizza", "Salad"], single, 1000);
    expect(poll).toMatchObject({ id: "poll_1", by: "p_mod", byName: "Mona", at: 1000, closed: false });
    expect(told).toEqual([{ ...poll, votes: [0, 0], voters: 0, names: [[], []] }]);
  });

  it("gathers votes into one update per poll within the interval, with counts and names", () => {
    const poll = polls.create(mod, "Lunch?", ["Pizza", "Salad"], single, 0);
    told.length = 0;
    polls.vote(ann, poll.id, [1]);
    polls.vote(bob, poll.id, [1]);
    polls.vote(mod, poll.id, [0]);
    expect(told).toHaveLength(0);
    vi.advanceTimersByTime(250);
    expect(told).toHaveLength(1);
    expect(told[0]).toMatchObject({ votes: [1, 2], voters: 3, names: [["Mona"], ["Ann", "Bob"]] });
  });

  it("counts each voter once, by their browser's key when they have one", () => {
    const poll = polls.create(mod, "Q", ["a", "b"], single, 0);
    polls.vote(ann, poll.id, [0]);
    expect(code(() => polls.vote(ann, poll.id, [1]))).toBe(ErrorCode.BadState);
    // Ann came back as a new participant in the same browser: the same voter.
    const annAgain = { ...ann, id: "p_ann2" };
    expect(code(() => polls.vote(annAgain, poll.id, [1]))).toBe(ErrorCode.BadState);
    expect(polls.list(annAgain)[0]?.mine).toEqual([0]);
    expect(polls.list(bob)[0]?.mine).toBeUndefined();
  });

  it("refuses a choice the poll does not allow", () => {
    const one = polls.create(mod, "One", ["a", "b", "c"], single, 0);
    const many = polls.create(mod, "Many", ["a", "b", "c"], { multiple: true, anonymous: false }, 0);
    expect(code(() => polls.vote(ann, one.id, [0, 1]))).toBe(ErrorCode.BadMessage);
    expect(code(() => polls.vote(ann, one.id, [3]))).toBe(ErrorCode.BadMessage);
    expect(code(() => polls.vote(ann, many.id, [1, 1]))).toBe(ErrorCode.BadMessage);
    expect(code(() => polls.vote(ann, "poll_9", [0]))).toBe(ErrorCode.NotFound);
    polls.vote(ann, many.id, [2, 0]);
    vi.advanceTimersByTime(250);
    expect(told.at(-1)).toMatchObject({ id: many.id, votes: [1, 0, 1], voters: 1 });
  });

  it("an anonymous poll shows counts, never names, and still tells voters their own choice", () => {
    const poll = polls.create(mod, "Secret?", ["yes", "no"], { multiple: false, anonymous: true }, 0);
    polls.vote(ann, poll.id, [0]);
    vi.advanceTimersByTime(250);
    expect(told.at(-1)).toMatchObject({ votes: [1, 0], voters: 1 });
    expect(told.at(-1)).not.toHaveProperty("names");
    expect(polls.list(bob)[0]).not.toHaveProperty("names");
    expect(polls.list(ann)[0]?.mine).toEqual([0]);
  });

  it("only its author or a moderator closes or shares a poll; closed, it takes no vote", () => {
    const poll = polls.create(ann, "Ann's", ["a", "b"], single, 0);
    expect(code(() => polls.close(poll.id, bob))).toBe(ErrorCode.Forbidden);
    expect(code(() => polls.results(poll.id, ann))).toBe(ErrorCode.BadState);
    polls.vote(bob, poll.id, [1]);
    polls.close(poll.id, ann);
    // Closing told the vote with it, once.
    expect(told.at(-1)).toMatchObject({ closed: true, votes: [0, 1] });
    const count = told.length;
    vi.advanceTimersByTime(250);
    polls.close(poll.id, mod);
    expect(told).toHaveLength(count);
    expect(code(() => polls.vote(mod, poll.id, [0]))).toBe(ErrorCode.BadState);
    expect(code(() => polls.results(poll.id, bob))).toBe(ErrorCode.Forbidden);
    expect(polls.results(poll.id, mod)).toMatchObject({ closed: true, voters: 1 });
  });

  it(`holds at most ${Limits.pollsPerMeeting} polls`, () => {
    for (let i = 0; i < Limits.pollsPerMeeting; i++) polls.create(mod, `Q${i}`, ["a", "b"], single, i);
    expect(code(() => polls.create(mod, "one more", ["a", "b"], single, 99))).toBe(ErrorCode.PollLimit);
  });

  it("goes on from its state on another node: ballots, numbering, what each voter chose", () => {
    const poll = polls.create(mod, "Q", ["a", "b"], single, 0);
    polls.vote(ann, poll.id, [1]);
    const next = new Polls(() => {}, 250);
    next.restore(structuredClone(polls.state()));
    expect(next.list(ann)[0]).toMatchObject({ votes: [0, 1], mine: [1] });
    expect(code(() => next.vote(ann, poll.id, [0]))).toBe(ErrorCode.BadState);
    expect(next.create(mod, "Q2", ["a", "b"], single, 1).id).toBe("poll_2");
    next.dispose();
  });

  it("tells nothing once the meeting ended", () => {
    const poll = polls.create(mod, "Q", ["a", "b"], single, 0);
    told.length = 0;
    polls.vote(ann, poll.id, [0]);
    polls.dispose();
    vi.advanceTimersByTime(1000);
    expect(told).toEqual([]);
  });
});
