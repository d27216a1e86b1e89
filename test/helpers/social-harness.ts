/**
 * The harness of the chat / raised hands / resume / reactions integration tests (raw WebSockets against a real
 * server and its Janus). `socialHarness(name)`, called at the top of a test file, starts one server for that
 * file (closing every socket pushed to `sockets` when the file is done) and returns the helpers bound to it.
 */
import { expect, onTestFailed } from "vitest";
import { tail } from "./server.js";
import { suiteServer } from "./suite-server.js";
import { safeJson, waitFor } from "./wait.js";
import { type AnyMessage, RawClient } from "./ws-client.js";

export interface Member {
  client: RawClient;
  joined: AnyMessage;
  id: string;
  name: string;
}

export function socialHarness(name: string) {
  const sockets: RawClient[] = [];
  const server = suiteServer({ name }, () => {
    for (const s of sockets) s.terminate();
  });

  /** A fresh room name per test, so tests do not see each other. */
  let roomCounter = 0;
  const freshRoom = (label: string) => `social-${label}-${Date.now().toString(36)}-${++roomCounter}`;

  /** On failure, print the tail of the server's log. */
  function logOnFailure(): void {
    onTestFailed(() => {
      console.error(`server log ${server.logFile} (tail):\n${tail(server.lines, 40)}`);
    });
  }

  /** Joins `room` over a fresh socket (optionally with a resume token); fails the test unless `joined` comes. */
  async function join(room: string, name: string, extra: Record<string, unknown> = {}): Promise<Member> {
    const client = await RawClient.connect(server.wsUrl);
    sockets.push(client);
    const joined = await client.request({ type: "join", v: 1, room, name, ...extra }, 20_000);
    if (joined.type !== "joined") throw new Error(`join ${name} → ${safeJson(joined)}`);
    return { client, joined, id: joined.you.id, name: joined.you.name };
  }

  /** Joins several people one after the other (the first is the moderator). */
  async function joinAll(room: string, ...names: string[]): Promise<Member[]> {
    const members: Member[] = [];
    for (const name of names) members.push(await join(room, name));
    // Everyone has heard of everyone who came later before the test starts.
    for (const [i, m] of members.entries()) {
      for (const later of members.slice(i + 1)) {
        await m.client.next(
          (x) => x.type === "participant.joined" && x.participant?.id === later.id,
          10_000,
          `${m.name} hears ${later.name} join`,
        );
      }
    }
    return members;
  }

  let clientIdCounter = 0;
  const newClientId = () => `cid-${Date.now().toString(36)}-${++clientIdCounter}`;

  /** Sends a chat message and returns the reply (ok or error). */
  function chat(from: Member, text: string, extra: Record<string, unknown> = {}): Promise<AnyMessage> {
    return from.client.request({ type: "chat.send", text, clientId: newClientId(), ...extra }, 10_000);
  }

  const chatMessages = (m: Member): AnyMessage[] =>
    m.client.received.filter((x) => x.type === "chat.message").map((x) => x.message);

  /** Waits for the public chat message `text` at `m` (the "marker" after which earlier deliveries are settled). */
  async function awaitChat(m: Member, text: string, timeoutMs = 10_000): Promise<AnyMessage> {
    const frame = await m.client.next(
      (x) => x.type === "chat.message" && x.message?.text === text,
      timeoutMs,
      `${m.name} receives chat "${text.slice(0, 40)}"`,
    );
    return frame.message;
  }

  /** Sends a public marker from `from` and waits until every one of `to` has it: all earlier chat has arrived. */
  async function marker(from: Member, to: Member[], label = "marker"): Promise<string> {
    const text = `${label}-${newClientId()}`;
    expect(await chat(from, text)).toMatchObject({ type: "ok" });
    for (const m of to) await awaitChat(m, text);
    return text;
  }

  /** The queue as a socket last heard it: its latest `hands` message, or `joined.hands` if none came since. */
  function latestQueue(m: Member): string[] | undefined {
    const last = m.client.received.filter((x) => x.type === "hands" || x.type === "joined").at(-1);
    const queue: AnyMessage[] | undefined = last?.type === "joined" ? last.hands : last?.queue;
    return queue?.map((h) => h.participantId);
  }

  /** Waits until every member's latest `hands` message lists exactly `expected`, in that order. */
  async function expectQueueEverywhere(members: Member[], expected: Member[], what: string): Promise<void> {
    const want = expected.map((m) => m.id);
    const names = new Map(members.map((m) => [m.id, m.name]));
    const named = (ids: string[] | undefined) => (ids ? ids.map((id) => names.get(id) ?? id) : ids);
    for (const m of members) {
      let last: string[] | undefined;
      try {
        await waitFor(
          () => {
            last = latestQueue(m);
            return safeJson(last) === safeJson(want);
          },
          { timeoutMs: 10_000, what: `${m.name}'s latest hands queue` },
        );
      } catch {
        throw new Error(
          `${what}: ${m.name}'s latest hands queue is ${safeJson(named(last))}, expected ${safeJson(named(want))}`,
        );
      }
    }
  }

  return {
    server,
    sockets,
    freshRoom,
    logOnFailure,
    join,
    joinAll,
    newClientId,
    chat,
    chatMessages,
    awaitChat,
    marker,
    expectQueueEverywhere,
  };
}
