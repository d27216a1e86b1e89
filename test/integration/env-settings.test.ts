/**
 * README "Configuration", through the environment of a real server: CHAT_HISTORY=0 (a latecomer gets none of the
 * chat sent before it joined), MAX_PARTICIPANTS (the n+1th gets room_full, and a place freed is taken again) and
 * ICE_SERVERS (the configured URLs reach every client in `joined.iceServers`).
 */
import { describe, expect, it } from "vitest";
import { enter, idOf, isType, knock, type Peer, uniqueRoom } from "../helpers/room-clients.js";
import { describeServerHealth, suiteServer } from "../helpers/suite-server.js";

const ICE_URLS = ["stun:127.0.0.1:3478", "stun:127.0.0.2:3479"];
const opened: Peer[] = [];
const server = suiteServer(
  {
    name: "env-settings",
    env: { CHAT_HISTORY: "0", MAX_PARTICIPANTS: "3", ICE_SERVERS: ICE_URLS.join(",") },
  },
  () => {
    for (const p of opened) p.client.terminate();
  },
);

async function join(room: string, name: string): Promise<Peer> {
  const peer = await enter(server.wsUrl, room, name);
  opened.push(peer);
  return peer;
}

const chatText = (text: string) => isType("chat.message", (m) => m.message?.text === text);

describe("CHAT_HISTORY=0", () => {
  it("gives a latecomer none of the chat sent before it joined, and the chat after", async () => {
    const room = uniqueRoom("no-history");
    const ann = await join(room, "Ann");
    const ben = await join(room, "Ben");
    expect(await ann.client.request({ type: "chat.send", text: "before Cy", clientId: "c1" })).toMatchObject({
      type: "ok",
    });
    // Ben, present, got it: there was chat to keep.
    await ben.client.next(chatText("before Cy"), 5000, "Ben receives 'before Cy'");
    const cy = await join(room, "Cy");
    expect(cy.reply.chat).toEqual([]);
    // Cy's socket does carry chat: the next message reaches it.
    expect(await ann.client.request({ type: "chat.send", text: "after Cy", clientId: "c2" })).toMatchObject({
      type: "ok",
    });
    await cy.client.next(chatText("after Cy"), 5000, "Cy receives 'after Cy'");
    expect(cy.client.received.filter(isType("chat.message")).map((m) => m.message.text)).toEqual([
      "after Cy",
    ]);
  });
});

describe("MAX_PARTICIPANTS=3", () => {
  it("refuses the fourth with room_full, and lets them in once someone left", async () => {
    const room = uniqueRoom("full");
    const [ann, , cy] = [await join(room, "Ann"), await join(room, "Ben"), await join(room, "Cy")];
    const dan = await knock(server.wsUrl, room, "Dan");
    opened.push(dan);
    expect(dan.reply).toMatchObject({ type: "error", code: "room_full" });

    expect(await cy.client.request({ type: "leave" })).toMatchObject({ type: "ok" });
    await ann.client.next(
      isType("participant.left", (m) => m.participantId === idOf(cy)),
      5000,
      "Cy's leave",
    );
    const again = await dan.client.request({ type: "join", v: 1, room, name: "Dan" }, 10_000);
    expect(again.type, JSON.stringify(again)).toBe("joined");
    // Ann hears of Dan now, and only now: the refused join had not made him a participant.
    const danJoined = isType("participant.joined", (m) => m.participant?.name === "Dan");
    await ann.client.next(danJoined, 5000, "Dan's arrival at Ann");
    expect(ann.client.received.filter(danJoined)).toHaveLength(1);
  });
});

describe("ICE_SERVERS", () => {
  it("reaches every participant in joined.iceServers", async () => {
    const room = uniqueRoom("ice");
    for (const name of ["Ann", "Ben"]) {
      const peer = await join(room, name);
      expect(peer.reply.iceServers).toEqual([{ urls: ICE_URLS }]);
    }
  });
});

describeServerHealth(server);
