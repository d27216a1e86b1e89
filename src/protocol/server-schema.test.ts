import { describe, expect, it } from "vitest";
import type { ServerMessage } from "./server-messages.js";
import { serverMessageProblem } from "./server-schema.js";

const ann = {
  id: "p_ann",
  name: "Ann",
  role: "moderator",
  audio: true,
  video: false,
  screen: false,
  recording: false,
} as const;
const joined: ServerMessage = {
  type: "joined",
  id: 1,
  you: ann,
  room: "r",
  participants: [ann],
  iceServers: [{ urls: ["stun:example.invalid"] }],
  settings: { lobby: false, locked: false, e2ee: false, pollsByAnyone: false, recordingAllowed: true },
  chat: [],
  hands: [{ participantId: "p_ann", raisedAt: 1 }],
  polls: [],
  resume: "token",
};

describe("the server-message contract", () => {
  it("accepts what the types describe", () => {
    expect(serverMessageProblem(joined)).toBeNull();
    expect(serverMessageProblem({ type: "media.lost" })).toBeNull();
    expect(serverMessageProblem({ type: "error", id: 3, code: "forbidden", message: "no" })).toBeNull();
  });

  it("refuses a field the contract lacks, anywhere: a leak is a violation", () => {
    expect(serverMessageProblem({ ...joined, you: { ...ann, ip: "127.0.0.1" } })).toContain("you");
    expect(serverMessageProblem({ type: "media.lost", reason: "x" })).not.toBeNull();
  });

  it("refuses a missing or mistyped field, an unknown type and an unknown error code", () => {
    const { resume: _, ...noResume } = joined as Extract<ServerMessage, { type: "joined" }>;
    expect(serverMessageProblem(noResume)).toContain("resume");
    expect(
      serverMessageProblem({ type: "hands", queue: [{ participantId: "p_a", raisedAt: "now" }] }),
    ).toContain("queue.0.raisedAt");
    expect(serverMessageProblem({ type: "hand.raised" })).not.toBeNull();
    expect(serverMessageProblem({ type: "error", code: "oops", message: "?" })).toContain("code");
    expect(serverMessageProblem("ok")).not.toBeNull();
  });
});
