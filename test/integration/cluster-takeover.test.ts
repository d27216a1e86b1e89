/**
 * A meeting outlives its node (README "Many machines"): killed (SIGKILL) or stopped (SIGTERM, a drain), the
 * node holding a meeting with a password, the lobby on, chat and a raised hand is replaced by the other node,
 * which reloads the meeting's state from Redis; every participant comes back as itself, through either node.
 * And a Redis restart during a meeting closes no socket and loses no message, the meeting's state or what
 * its people said meanwhile.
 */
import { afterEach, describe, expect, it } from "vitest";
import { type ClusterHandle, startCluster } from "../helpers/cluster.js";
import { unexpectedErrors } from "../helpers/log-expected.js";
import {
  chatReaches,
  enter,
  idOf,
  isType,
  type JoinFields,
  knock,
  type Peer,
  uniqueRoom,
} from "../helpers/room-clients.js";
import { type ServerHandle, tail } from "../helpers/server.js";
import { waitFor } from "../helpers/wait.js";

let cluster: ClusterHandle | undefined;
const peers: Peer[] = [];
const track = (p: Peer) => {
  peers.push(p);
  return p;
};

afterEach(async () => {
  for (const p of peers.splice(0)) p.client.terminate();
  const c = cluster;
  cluster = undefined;
  if (!c) return;
  try {
    for (const node of c.nodes) expect(unexpectedErrors(node.lines, []), tail(node.lines, 40)).toEqual([]);
  } finally {
    await c.stop();
  }
});

interface Meeting {
  room: string;
  holder: ServerHandle;
  survivor: ServerHandle;
  ada: Peer;
  bob: Peer;
  cy: Peer;
}

/**
 * Ada (moderator) and Bob come through the node that does not hold the meeting, Cy through the one that does;
 * Ada locks it with a password and turns the lobby on; they chat; Bob raises his hand.
 */
async function meeting(c: ClusterHandle): Promise<Meeting> {
  const room = uniqueRoom("takeover");
  const first = await enter(c.nodes[0]?.wsUrl as string, room, "Ada");
  const holder = await waitFor(() => c.holderOf(room), { what: "a holder" });
  const survivor = c.nodes.find((n) => n !== holder) as ServerHandle;
  let ada = first;
  if (holder === c.nodes[0]) {
    // Ada must come through the survivor: leave and come back there (the meeting stays on its holder).
    const resume = first.resume as string;
    first.client.terminate();
    ada = await enter(survivor.wsUrl, room, "Ada", { resume });
  }
  track(ada);
  const bob = track(await enter(survivor.wsUrl, room, "Bob"));
  const cy = track(await enter(holder.wsUrl, room, "Cy"));
  expect(ada.reply.you.role).toBe("moderator");
  await ada.client.request({ type: "room.configure", lobby: true, password: "sesame" });
  await ada.client.request({ type: "chat.send", text: "before the loss", clientId: "a1" });
  await bob.client.request({ type: "hand.raise" });
  await cy.client.next(
    isType("hands", (m) => m.queue.length === 1),
    5000,
    "Bob's hand",
  );
  // The snapshot follows each change within a moment: wait until it holds the hand.
  await waitFor(
    async () => {
      const text = await c.redis.client.hget(`palabre:meeting:${room}`, "snapshot");
      return text?.includes('"hand":{') && text.includes("before the loss");
    },
    { what: "the snapshot with the chat and the hand" },
  );
  return { room, holder, survivor, ada, bob, cy };
}

/** Comes back as itself through `node` with the resume token, retrying while the meeting moves. */
async function comeBack(
  node: ServerHandle,
  room: string,
  peer: Peer,
  deadline: number,
  fields: JoinFields = {},
): Promise<Peer> {
  const resume = peer.resume as string;
  for (;;) {
    const back = await knock(node.wsUrl, room, peer.label, { ...fields, resume }, 15_000);
    if (back.reply.type === "joined") return track(back);
    back.client.terminate();
    if (Date.now() > deadline)
      throw new Error(`${peer.label} could not come back: ${JSON.stringify(back.reply)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** After the move: everyone back as themselves, and the meeting's state unchanged. */
async function expectSameMeeting(m: Meeting, started: number) {
  const deadline = started + 10_000;
  const [ada, bob, cy] = await Promise.all([
    comeBack(m.survivor, m.room, m.ada, deadline),
    comeBack(m.survivor, m.room, m.bob, deadline),
    comeBack(m.survivor, m.room, m.cy, deadline),
  ]);
  const movedInMs = Date.now() - started;
  expect(movedInMs, "everyone back within 10 s").toBeLessThan(10_000);
  expect(await m.survivor.wsUrl).toBeDefined();
  expect((await waitFor(() => cluster?.holderOf(m.room)))?.port).toBe(m.survivor.port);
  for (const [before, after] of [
    [m.ada, ada],
    [m.bob, bob],
    [m.cy, cy],
  ] as const) {
    expect(after.id, `${before.label} is the same participant`).toBe(before.id);
    expect(after.reply.room).toBe(m.room);
    expect(after.reply.settings).toEqual({
      lobby: true,
      locked: true,
      e2ee: false,
      pollsByAnyone: false,
      recordingAllowed: true,
    });
    expect(after.reply.chat.map((c: { text: string }) => c.text)).toEqual(["before the loss"]);
  }
  expect(ada.reply.you.role).toBe("moderator");
  expect(bob.reply.you.role).toBe("participant");
  // Bob's hand is back in the queue, where it was.
  await waitFor(
    () => {
      const last = [...ada.client.received].reverse().find((msg) => msg.type === "hands") ?? ada.reply;
      const queue = (last.type === "hands" ? last.queue : last.hands) as { participantId: string }[];
      return queue.length === 1 && queue[0]?.participantId === idOf(bob);
    },
    { what: "Bob's hand in Ada's queue" },
  );
  // The password still protects the meeting, on every node still up; the lobby still holds newcomers.
  const eve = track(await knock(m.survivor.wsUrl, m.room, "Eve"));
  expect(eve.reply).toMatchObject({ type: "error", code: "password_required" });
  const dan = track(await knock(m.survivor.wsUrl, m.room, "Dan", { password: "sesame" }));
  expect(dan.reply.type).toBe("lobby.waiting");
  return movedInMs;
}

describe("the node holding a meeting is killed (SIGKILL)", () => {
  it("moves the meeting to the other node with its password, lobby, chat, hands and moderator", async () => {
    cluster = await startCluster({ name: "kill" });
    const m = await meeting(cluster);
    const started = Date.now();
    process.kill(m.holder.pid, "SIGKILL");
    // Relayed sockets are told to reconnect (1012) once the killed node's announcement has expired.
    const relayed = await Promise.all([m.ada.client.closed, m.bob.client.closed]);
    for (const close of relayed) expect(close.code).toBe(1012);
    const movedInMs = await expectSameMeeting(m, started);
    console.log(`takeover after SIGKILL: everyone back in ${movedInMs} ms`);
  });
});

describe("the node holding a meeting is stopped (SIGTERM)", () => {
  it("drains: hands the meeting over at once, every socket told to reconnect, and stops cleanly", async () => {
    cluster = await startCluster({ name: "drain" });
    const m = await meeting(cluster);
    const started = Date.now();
    const stopping = m.holder.stop();
    const closes = await Promise.all([m.ada.client.closed, m.bob.client.closed, m.cy.client.closed]);
    for (const close of closes) expect(close.code).toBe(1012);
    const movedInMs = await expectSameMeeting(m, started);
    const report = await stopping;
    expect(report.graceful).toBe(true);
    console.log(`takeover after SIGTERM: everyone back in ${movedInMs} ms`);
  });
});

describe("a meeting with breakout rooms, its node killed (SIGKILL)", () => {
  it("moves with its rooms: each comes back to the room it was in, with that room's chat", async () => {
    cluster = await startCluster({ name: "kill-breakouts" });
    const c = cluster;
    const room = uniqueRoom("takeover-breakouts");
    const ada = track(await enter(c.nodes[0]?.wsUrl as string, room, "Ada"));
    const holder = await waitFor(() => c.holderOf(room), { what: "a holder" });
    const survivor = c.nodes.find((n) => n !== holder) as ServerHandle;
    const bob = track(await enter(survivor.wsUrl, room, "Bob"));
    await ada.client.request({ type: "breakout.create", rooms: [{ name: "Red" }] });
    await ada.client.request({
      type: "breakout.assign",
      assignments: [{ participantId: idOf(bob), breakout: "b1" }],
    });
    await ada.client.request({ type: "breakout.open", auto: true });
    const move = await bob.client.next(isType("breakout.move"), 10_000, "Bob's move");
    const bobIn = track(
      await enter(survivor.wsUrl, room, "Bob", { breakout: "b1", grant: move.grant as string }),
    );
    expect(bobIn.id).toBe(bob.id);
    await bobIn.client.request({ type: "chat.send", text: "only in Red", clientId: "b1" });
    await waitFor(
      async () => {
        const text = await c.redis.client.hget(`palabre:meeting:${room}`, "snapshot");
        return text?.includes("only in Red") && text.includes('"open":true');
      },
      { what: "the snapshot with the breakout room's chat" },
    );
    const started = Date.now();
    process.kill(holder.pid, "SIGKILL");
    const deadline = started + 10_000;
    const [adaBack, bobBack] = await Promise.all([
      comeBack(survivor, room, ada, deadline),
      comeBack(survivor, room, bobIn, deadline, { breakout: "b1" }),
    ]);
    console.log(`takeover with breakout rooms: everyone back in ${Date.now() - started} ms`);
    expect([adaBack.id, bobBack.id]).toEqual([ada.id, bob.id]);
    expect(adaBack.reply.you.role).toBe("moderator");
    expect(bobBack.reply.room).toBe(room);
    expect(bobBack.reply.chat.map((m: { text: string }) => m.text)).toEqual(["only in Red"]);
    expect(adaBack.reply.chat).toEqual([]);
    // The moderator sees the room and who is in it; the breakout room is still its own room.
    await adaBack.client.next(
      isType("breakouts", (m) => m.open && m.rooms[0]?.people.some((p: { id: string }) => p.id === bob.id)),
      10_000,
      "Bob in Red, in Ada's breakouts",
    );
    expect(adaBack.client.received.some((m) => m.type === "participant.joined")).toBe(false);
  });
});

describe("Redis restarted during a meeting", () => {
  it("closes no socket, lets no stranger past the password meanwhile, and works across nodes again", async () => {
    cluster = await startCluster({ name: "redis" });
    const c = cluster;
    const room = uniqueRoom("redis");
    const ada = track(await enter(c.nodes[0]?.wsUrl as string, room, "Ada"));
    const bob = track(await enter(c.nodes[1]?.wsUrl as string, room, "Bob"));
    await ada.client.request({ type: "room.configure", password: "sesame" });
    await chatReaches(bob, ada, "before");
    const holder = await waitFor(() => c.holderOf(room), { what: "the holder" });
    const other = c.nodes.find((n) => n !== holder) as ServerHandle;

    // The holder comes back to Redis a second after the other node (within NODE_TTL_SECONDS, 2 s): meanwhile the
    // meeting is missing from the emptied Redis, and strangers knock through the other node without the
    // password. None may get in: the other node must not start the meeting afresh.
    c.setRedisReachable(c.nodes.indexOf(holder), false);
    // While the holder is cut off, each sends a chat: the holder's message to the relayed socket and the
    // relayed socket's frame to the holder both fail to cross Redis at first; they must arrive later, in
    // order, with no socket closed (a message lost in flight closed the relayed socket before).
    const [direct, relayed] = holder === c.nodes[0] ? [ada, bob] : [bob, ada];
    await direct.client.request({ type: "chat.send", text: "during-1", clientId: "during-1" });
    const relayedSent = relayed.client.request(
      { type: "chat.send", text: "during-2", clientId: "during-2" },
      20_000,
    );
    await c.redis.restart({ downMs: 1500 });
    const strangers: string[] = [];
    const holderBack = setTimeout(() => c.setRedisReachable(c.nodes.indexOf(holder), true), 1000);
    const until = Date.now() + 4000;
    while (Date.now() < until) {
      const eve = await knock(other.wsUrl, room, "Eve");
      strangers.push(eve.reply.type === "error" ? eve.reply.code : eve.reply.type);
      eve.client.terminate();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    clearTimeout(holderBack); // fired already: the loop ran 4 s
    expect(
      strangers.filter((r) => r !== "password_required" && r !== "unavailable"),
      strangers.join(","),
    ).toEqual([]);
    expect(strangers, "the password is asked again once the cluster settled").toContain("password_required");
    await waitFor(async () => (await c.redis.client.hget(`palabre:meeting:${room}`, "holder")) !== null, {
      timeoutMs: 10_000,
      what: "the meeting written back",
    });
    await relayed.client.next((m) => m.type === "chat.message" && m.message?.text === "during-1", 10_000);
    expect((await relayedSent).type).toBe("ok");
    await direct.client.next((m) => m.type === "chat.message" && m.message?.text === "during-2", 10_000);
    await chatReaches(bob, ada, "after");
    await chatReaches(ada, bob, "back");
    expect(ada.client.closeInfo).toBeNull();
    expect(bob.client.closeInfo).toBeNull();
    // A newcomer with the password, through either node, gets in.
    for (const node of c.nodes) {
      const cy = track(await knock(node.wsUrl, room, "Cy", { password: "sesame" }));
      expect(cy.reply.type, JSON.stringify(cy.reply)).toBe("joined");
    }
  });
});
