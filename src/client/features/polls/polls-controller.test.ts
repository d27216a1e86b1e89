import { describe, expect, it, vi } from "vitest";
import { ErrorCode } from "../../../protocol/errors.js";
import type { ParticipantInfo, Poll, ServerMessageOf } from "../../../protocol/server-messages.js";
import type { ServerHandlers } from "../../signal/handlers.js";
import { SignalError } from "../../signal/signal-client.js";
import type { Room } from "../../state/room.js";
import { RoomState } from "../../state/room-state.js";
import { PollsController } from "./polls-controller.js";

const ME: ParticipantInfo = {
  id: "p_me",
  name: "Me",
  role: "participant",
  audio: true,
  video: true,
  screen: false,
  recording: false,
};

function poll(id: string, fields: Partial<Poll> = {}): Poll {
  return {
    id,
    question: `Q ${id}`,
    options: ["a", "b"],
    multiple: false,
    anonymous: false,
    by: "p_mod",
    byName: "Mona",
    at: 1,
    closed: false,
    votes: [0, 0],
    voters: 0,
    names: [[], []],
    ...fields,
  };
}

/** A Room as far as the controller uses it: its handlers, its state, and requests answered by `answer`. */
function setUp(answer: () => Promise<unknown> = async () => ({ type: "ok" })) {
  let handlers: ServerHandlers = {};
  const state = new RoomState();
  state.local.value = { info: ME, name: "Me", audio: true, video: true, videoTrack: null } as never;
  const request = vi.fn(answer);
  const room = {
    state,
    register: (h: ServerHandlers) => {
      handlers = h;
      return () => {};
    },
    request,
  } as unknown as Room;
  const polls = new PollsController(room);
  const say = (m: ServerMessageOf<"joined"> | ServerMessageOf<"poll">) =>
    (handlers[m.type] as (x: typeof m) => void)(m);
  return { polls, state, request, say };
}

const joined = (polls: Poll[]) => ({ type: "joined", polls }) as unknown as ServerMessageOf<"joined">;

describe("PollsController", () => {
  it("takes the polls and our own choices from joined, and counts what is left to answer", () => {
    const { polls, say } = setUp();
    say(joined([poll("poll_1", { mine: [1] }), poll("poll_2"), poll("poll_3", { closed: true })]));
    expect(polls.polls.value.map((p) => p.id)).toEqual(["poll_1", "poll_2", "poll_3"]);
    expect(polls.polls.value[0]).not.toHaveProperty("mine");
    expect(polls.mine.value.get("poll_1")).toEqual([1]);
    expect(polls.toAnswer.value).toBe(1);
  });

  it("replaces a poll the server updates, adds a new one, and announces only other people's", () => {
    const { polls, say } = setUp();
    say(joined([poll("poll_1")]));
    say({ type: "poll", poll: poll("poll_1", { votes: [2, 0], voters: 2 }) });
    expect(polls.polls.value).toHaveLength(1);
    expect(polls.polls.value[0]?.voters).toBe(2);
    expect(polls.announcement.value).toBeNull();
    say({ type: "poll", poll: poll("poll_2", { by: ME.id, byName: "Me" }) });
    expect(polls.announcement.value).toBeNull();
    say({ type: "poll", poll: poll("poll_3", { question: "Lunch?" }) });
    expect(polls.announcement.value).toMatchObject({ name: "Mona", question: "Lunch?" });
    expect(polls.toAnswer.value).toBe(3);
  });

  it("remembers our vote once the server accepted it, not before", async () => {
    let accept: (v: unknown) => void = () => {};
    const { polls, say, request } = setUp(() => new Promise((resolve) => (accept = resolve)));
    say(joined([poll("poll_1")]));
    const voting = polls.vote("poll_1", [0]);
    expect(request).toHaveBeenCalledWith({ type: "poll.vote", pollId: "poll_1", choices: [0] });
    expect(polls.busy.value).toBe("poll_1");
    expect(polls.mine.value.has("poll_1")).toBe(false);
    accept({ type: "ok" });
    expect(await voting).toBe(true);
    expect(polls.mine.value.get("poll_1")).toEqual([0]);
    expect(polls.toAnswer.value).toBe(0);
  });

  it("says why a request failed", async () => {
    for (const [code, key] of [
      [ErrorCode.PollLimit, "polls.limit"],
      [ErrorCode.TooManyAttempts, "polls.slowDown"],
      [ErrorCode.Forbidden, "polls.failed"],
    ] as const) {
      const { polls } = setUp(async () => {
        throw new SignalError(code, "no");
      });
      expect(await polls.ask("Q", ["a", "b"], { multiple: false, anonymous: false })).toBe(false);
      expect(polls.problem.value).toBe(key);
      expect(polls.busy.value).toBeNull();
    }
  });

  it("lets moderators ask, and anyone when the meeting allows it; the author or a moderator manage", () => {
    const { polls, state } = setUp();
    expect(polls.canAsk()).toBe(false);
    state.settings.value = { ...state.settings.value, pollsByAnyone: true, recordingAllowed: true };
    expect(polls.canAsk()).toBe(true);
    expect(polls.canManage(poll("poll_1"))).toBe(false);
    expect(polls.canManage(poll("poll_1", { by: ME.id }))).toBe(true);
    state.local.value = { ...state.local.value, info: { ...ME, role: "moderator" } } as never;
    expect(polls.canManage(poll("poll_1"))).toBe(true);
  });
});
