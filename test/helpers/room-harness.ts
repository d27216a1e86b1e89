/**
 * The harness of the lobby / password / moderation / roles integration tests (raw WebSockets against a real
 * server and its Janus, through the Peer helpers of room-clients.ts). `roomHarness(name)`, called at the top of
 * a test file, starts one server for that file (dropping every peer in `opened` when the file is done) and
 * returns the helpers bound to it.
 */
import { expect } from "vitest";
import {
  dropAll,
  enter,
  isType,
  type JoinFields,
  knock,
  mark,
  nextSince,
  type Peer,
  waitInLobby,
} from "./room-clients.js";
import { describeServerHealth, suiteServer } from "./suite-server.js";
import type { AnyMessage } from "./ws-client.js";

/** Time in which a reaction to a message would have arrived (generous: 2 cores, browsers running next door). */
export const QUIET_MS = 600;

export const types = (ms: AnyMessage[]) => ms.map((m) => m.type);

export function roomHarness(name: string, env: Record<string, string> = {}) {
  const opened: Peer[] = [];
  const server = suiteServer({ name, env }, () => dropAll(opened));

  /** Remembers the socket for clean-up. */
  const track = (p: Peer): Peer => {
    opened.push(p);
    return p;
  };
  /** Joins (throws unless `joined`). */
  const join = async (room: string, name: string, fields: JoinFields = {}) =>
    track(await enter(server.wsUrl, room, name, fields));
  /** Knocks (throws unless `lobby.waiting`). */
  const wait = async (room: string, name: string, fields: JoinFields = {}) =>
    track(await waitInLobby(server.wsUrl, room, name, fields));
  /** Sends `join`, whatever the reply. */
  const attempt = async (room: string, name: string, fields: JoinFields = {}) =>
    track(await knock(server.wsUrl, room, name, fields));

  /** `room.configure` from `mod`; waits until `mod` and `others` got the `room.updated` and returns those. */
  async function configure(
    mod: Peer,
    others: Peer[],
    change: Record<string, unknown>,
  ): Promise<AnyMessage[]> {
    const m = mark([mod, ...others]);
    expect(
      await mod.client.request({ type: "room.configure", ...change }),
      JSON.stringify(change),
    ).toMatchObject({
      type: "ok",
    });
    return Promise.all(
      [mod, ...others].map((p) =>
        nextSince(m, p, isType("room.updated"), 5000, `room.updated after ${JSON.stringify(change)}`),
      ),
    );
  }

  return {
    server,
    opened,
    track,
    join,
    wait,
    attempt,
    configure,
    /** Registers the describe "the server" (its log shows no internal error); call it last in the file. */
    describeServerHealth: () => describeServerHealth(server),
  };
}
