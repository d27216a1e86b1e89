import { describe, expect, it } from "vitest";
import { takeSnapshot } from "../conference/snapshot.js";
import { enter, makeRoom } from "../conference/test-fakes.js";
import { ClusterDataError, EnvelopeSchema, MeetingSnapshotSchema, parseStored } from "./cluster-schemas.js";

const MAX = 1 << 20;

describe("what nodes read from Redis", () => {
  it("takes back a snapshot the conference wrote", async () => {
    const { room } = makeRoom();
    const ada = await enter(room, "Ada", { key: "k".repeat(20) });
    room.chat.post(ada, "salut", "c1", undefined, 5);
    room.hands.raise(ada.id, 6);
    const poll = room.polls.create(
      ada,
      "Lunch?",
      ["Pizza", "Salad"],
      { multiple: true, anonymous: false },
      7,
    );
    room.polls.vote(ada, poll.id, [0, 1]);
    room.polls.close(poll.id, ada);
    room.chat.postPoll(ada, room.polls.results(poll.id, ada), 8);
    const text = JSON.stringify(takeSnapshot(room));
    expect(parseStored(MeetingSnapshotSchema, text, "snapshot", MAX)).toEqual(JSON.parse(text));
  });

  it("refuses what no node writes: too long, not JSON, an unknown field, a bad token, a forged role", async () => {
    const { room } = makeRoom();
    const ada = await enter(room, "Ada");
    room.polls.create(ada, "Q", ["a", "b"], { multiple: false, anonymous: false }, 1);
    const good = takeSnapshot(room);
    const person = good.people[0];
    const poll = good.polls.list[0];
    const ballot = { voter: "p:p_someone", name: "Someone", choices: [0] };
    const withBallots = (ballots: unknown[]) => ({
      ...good,
      polls: { seq: 1, list: [{ ...poll, ballots }] },
    });
    const bad: [string, unknown][] = [
      ["unknown field", { ...good, admin: true }],
      ["bad version", { ...good, v: 2 }],
      ["bad role", { ...good, people: [{ ...person, role: "owner" }] }],
      ["bad token", { ...good, people: [{ ...person, token: "short" }] }],
      ["control character in a name", { ...good, people: [{ ...person, name: "A\u0007da" }] }],
      ["bad seal", { ...good, password: { salt: "x", hash: "y" } }],
      ["too many bars", { ...good, barred: Array.from({ length: 501 }, () => ["k".repeat(20), {}]) }],
      ["a choice outside the poll's answers", withBallots([{ ...ballot, choices: [2] }])],
      ["a voter counted twice", withBallots([ballot, { ...ballot, choices: [1] }])],
      ["a poll of one answer", { ...good, polls: { seq: 1, list: [{ ...poll, options: ["a"] }] } }],
      ["a forged voter", withBallots([{ ...ballot, voter: "admin" }])],
    ];
    expect(
      parseStored(MeetingSnapshotSchema, JSON.stringify(withBallots([ballot])), "snapshot", MAX),
    ).toEqual(withBallots([ballot]));
    for (const [what, value] of bad) {
      expect(
        () => parseStored(MeetingSnapshotSchema, JSON.stringify(value), "snapshot", MAX),
        what,
      ).toThrowError(ClusterDataError);
    }
    expect(() => parseStored(MeetingSnapshotSchema, "{", "snapshot", MAX)).toThrowError(/not JSON/);
    // The size is checked before anything is parsed.
    expect(() => parseStored(MeetingSnapshotSchema, " ".repeat(MAX + 1), "snapshot", MAX)).toThrowError(
      /longer/,
    );
  });

  it("refuses a relayed message that names no connection, or a close code out of range", () => {
    const parse = (value: unknown) => parseStored(EnvelopeSchema, JSON.stringify(value), "envelope", MAX);
    expect(parse({ t: "in", c: "node-a.1", n: 1, d: "{}" })).toEqual({
      t: "in",
      c: "node-a.1",
      n: 1,
      d: "{}",
    });
    expect(() => parse({ t: "in", c: "../x", n: 1, d: "{}" })).toThrowError(ClusterDataError);
    expect(() => parse({ t: "in", c: "node-a.1", n: 0, d: "{}" })).toThrowError(ClusterDataError);
    expect(() => parse({ t: "end", c: "node-a.1", code: 99, reason: "" })).toThrowError(ClusterDataError);
    expect(() => parse({ t: "exec", c: "node-a.1" })).toThrowError(ClusterDataError);
  });
});
