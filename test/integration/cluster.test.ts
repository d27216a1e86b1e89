/**
 * Many machines (README "Many machines"): two real nodes, each with its Janus, coordinated through a real
 * Redis. Sockets on either node meet in one meeting held by one of them; the meeting's state is in Redis
 * while it lasts and gone when it ends; new meetings spread by load.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ClusterHandle, startCluster } from "../helpers/cluster.js";
import { unexpectedErrors } from "../helpers/log-expected.js";
import {
  chatReaches,
  closeOf,
  enter,
  idOf,
  isType,
  knock,
  type Peer,
  uniqueRoom,
} from "../helpers/room-clients.js";
import { tail } from "../helpers/server.js";
import { waitFor } from "../helpers/wait.js";
import { RawClient } from "../helpers/ws-client.js";

let cluster: ClusterHandle;
const peers: Peer[] = [];
const track = (p: Peer) => {
  peers.push(p);
  return p;
};

beforeAll(async () => {
  cluster = await startCluster({ name: "cl" });
});

afterAll(async () => {
  for (const p of peers) p.client.terminate();
  await cluster?.stop();
});

/** The node that does not hold `room`, and the one that does. */
async function sides(room: string) {
  const holder = await waitFor(() => cluster.holderOf(room), { what: `a holder for ${room}` });
  const other = cluster.nodes.find((n) => n !== holder);
  if (!other) throw new Error("no second node");
  return { holder, other };
}

/** The cluster's lines of a node's /metrics. */
async function clusterMetrics(origin: string) {
  const text = await (await fetch(`${origin}/metrics`)).text();
  const value = (name: string) => Number(new RegExp(`^${name} (\\d+)$`, "m").exec(text)?.[1] ?? Number.NaN);
  return {
    redisUp: value("palabre_cluster_redis_up"),
    relays: value("palabre_cluster_relays"),
    relayed: value("palabre_cluster_relayed"),
  };
}

describe("one meeting, sockets on two nodes", () => {
  it("Ada on the holding node and Bob relayed by the other see each other, chat, queue hands, and get moderated", async () => {
    const room = uniqueRoom("cross");
    const first = track(await enter(cluster.nodes[0]?.wsUrl as string, room, "Ada"));
    const { holder, other } = await sides(room);
    // Ada came through node 0, whichever holds the meeting; Bob comes through the node that does not.
    const ada = first;
    const bob = track(await enter(other.wsUrl, room, "Bob"));
    expect(bob.reply.participants.map((p: { name: string }) => p.name)).toEqual(["Ada"]);
    await ada.client.next(
      isType("participant.joined", (m) => m.participant.id === bob.id),
      5000,
      "Bob's arrival",
    );
    expect(ada.reply.you.role).toBe("moderator");

    // Chat both ways.
    await chatReaches(bob, ada, "from Bob");
    await chatReaches(ada, bob, "from Ada");

    // Hands: Bob's raised hand reaches the moderator's queue; the moderator gives the floor.
    await bob.client.request({ type: "hand.raise" });
    const hands = await ada.client.next(
      isType("hands", (m) => m.queue.length === 1),
      5000,
      "the queue",
    );
    expect(hands.queue[0].participantId).toBe(idOf(bob));
    await ada.client.request({ type: "floor.give", participantId: idOf(bob), askUnmute: false });
    await bob.client.next(isType("floor.given"), 5000, "the floor");

    // Moderation across nodes: a mute reaches Bob.
    expect(
      (await ada.client.request({ type: "moderate.mute", participantId: idOf(bob), kind: "audio" })).type,
    ).toBe("ok");
    await bob.client.next(
      isType("moderation.muted", (m) => m.kind === "audio"),
      5000,
      "the mute",
    );

    // Lobby and password, set by Ada, hold for people coming through either node.
    await ada.client.request({ type: "room.configure", lobby: true, password: "sesame" });
    for (const node of [holder, other]) {
      const stranger = track(await knock(node.wsUrl, room, "Eve"));
      expect(stranger.reply).toMatchObject({ type: "error", code: "password_required" });
    }
    const cy = track(await knock(other.wsUrl, room, "Cy", { password: "sesame" }));
    expect(cy.reply.type).toBe("lobby.waiting");
    const knocked = await ada.client.next(isType("lobby.knock"), 5000, "Cy's knock");
    await ada.client.request({ type: "lobby.admit", participantId: knocked.entry.id });
    const admitted = await cy.client.next(isType("joined"), 5000, "Cy admitted");
    expect(admitted.participants.map((p: { name: string }) => p.name).sort()).toEqual(["Ada", "Bob"]);
  });

  it("answers the pre-join count for a meeting held on the other node", async () => {
    const room = uniqueRoom("peek");
    track(await enter(cluster.nodes[0]?.wsUrl as string, room, "Ada"));
    track(await enter(cluster.nodes[1]?.wsUrl as string, room, "Bob"));
    // The holder writes its count a moment after a change: the other node's answer follows it.
    for (const node of cluster.nodes) {
      await waitFor(
        async () => {
          const probe = await RawClient.connect(node.wsUrl);
          const info = await probe.request({ type: "room.peek", room });
          probe.close();
          return info.type === "room.info" && info.participants === 2;
        },
        { what: "a count of 2 from every node" },
      );
    }
  });

  it("keeps a meeting's state in Redis while it lasts, and nothing of it once it ends", async () => {
    for (const p of peers.splice(0)) p.client.terminate(); // the earlier tests' sockets go first
    const room = uniqueRoom("ends");
    const ada = track(await enter(cluster.nodes[0]?.wsUrl as string, room, "Ada"));
    const bob = track(await enter(cluster.nodes[1]?.wsUrl as string, room, "Bob"));
    await ada.client.request({ type: "chat.send", text: "kept while it lasts", clientId: "k1" });
    const snapshot = await waitFor(
      async () => {
        const text = await cluster.redis.client.hget(`palabre:meeting:${room}`, "snapshot");
        return text?.includes("kept while it lasts") ? text : undefined;
      },
      { what: "the snapshot with the chat" },
    );
    expect(await cluster.redis.client.pttl(`palabre:meeting:${room}`)).toBeGreaterThan(0);
    // One of the two sockets is relayed: its node counts a relay, the holder a relayed connection.
    const during = await Promise.all(cluster.nodes.map((n) => clusterMetrics(n.origin)));
    expect(during.reduce((n, m) => n + m.relays, 0)).toBeGreaterThanOrEqual(1);
    expect(during.reduce((n, m) => n + m.relayed, 0)).toBeGreaterThanOrEqual(1);
    expect(snapshot).not.toContain("sesame");
    for (const p of [ada, bob]) await p.client.request({ type: "leave" });
    await waitFor(async () => (await cluster.redis.keys(`*${room}*`)).length === 0, {
      what: "no key of the ended meeting",
    });
    // Nothing of the relays stays behind on either node.
    await waitFor(
      async () => {
        const after = await Promise.all(cluster.nodes.map((n) => clusterMetrics(n.origin)));
        return (
          after.every((m) => m.redisUp === 1) && after.reduce((n, m) => n + m.relays + m.relayed, 0) === 0
        );
      },
      { what: "no relay left on either node" },
    );
  });

  it("spreads new meetings over both nodes", async () => {
    const rooms = Array.from({ length: 12 }, (_, i) => uniqueRoom(`spread${i}`));
    for (const [i, room] of rooms.entries()) {
      track(await enter(cluster.nodes[i % 2]?.wsUrl as string, room, "Host"));
    }
    const holders = await Promise.all(rooms.map((r) => cluster.holderOf(r)));
    const perNode = cluster.nodes.map((n) => holders.filter((h) => h === n).length);
    expect(perNode.reduce((a, b) => a + b, 0)).toBe(rooms.length);
    for (const n of perNode) expect(n, `meetings per node: ${perNode.join(", ")}`).toBeGreaterThanOrEqual(3);
  });
});

describe("a relayed socket that never gets in", () => {
  it("is closed after the join timeout (4001), as a socket of the node's own meetings is", async () => {
    const room = uniqueRoom("timeout");
    const ada = track(await enter(cluster.nodes[0]?.wsUrl as string, room, "Ada"));
    await ada.client.request({ type: "room.configure", password: "sesame" });
    const { other } = await sides(room);
    // Through the node that does not hold the meeting: relayed, refused, and then silent.
    const opened = Date.now();
    const eve = track(await knock(other.wsUrl, room, "Eve", { password: "wrong" }));
    expect(eve.reply).toMatchObject({ type: "error", code: "password_wrong" });
    const closed = await closeOf(eve, 35_000);
    expect(closed.code).toBe(4001);
    // Closed by the timeout (30 s after the socket opened), not by anything sooner.
    expect((eve.client.closedAt as number) - opened).toBeGreaterThanOrEqual(29_000);
  }, 45_000);
});

describe("state read from Redis is untrusted", () => {
  it("a meeting whose snapshot does not parse is refused with unavailable, not opened without its state", async () => {
    const room = uniqueRoom("forged");
    const key = `palabre:meeting:${room}`;
    // A holder that is not alive, and a snapshot that claims to make Mallory a moderator with no password.
    const forged = JSON.stringify({ v: 1, lobby: false, password: null, people: [{ role: "owner" }] });
    await cluster.redis.client.hset(key, "holder", "ghost-node", "snapshot", forged, "count", "3");
    for (const node of cluster.nodes) {
      const mallory = track(await knock(node.wsUrl, room, "Mallory"));
      expect(mallory.reply).toMatchObject({ type: "error", code: "unavailable" });
    }
    await cluster.redis.client.del(key);
    const ada = track(await enter(cluster.nodes[0]?.wsUrl as string, room, "Ada"));
    expect(ada.reply.you.role).toBe("moderator");
  });
});

describe("the nodes", () => {
  it("logged no internal error", () => {
    for (const node of cluster.nodes)
      expect(unexpectedErrors(node.lines, []), tail(node.lines, 40)).toEqual([]);
  });
});
