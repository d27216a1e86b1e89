/**
 * Raw protocol participants for the lobby / moderation / security tests: join with any `join` field, keep the
 * participant id and resume token, and check what a set of sockets received (or did not) after a mark.
 * Imports nothing from vitest.
 */
import { safeJson, sleep } from "./wait.js";
import { type AnyMessage, RawClient } from "./ws-client.js";

export interface JoinFields {
  password?: string;
  audio?: boolean;
  video?: boolean;
  resume?: string;
  /** The browser's key for this meeting (what a removal bars). */
  key?: string;
  /** A breakout room of the meeting, entered with a `grant` (from `breakout.move`) or a `resume` token. */
  breakout?: string;
  grant?: string;
}

/** A raw socket and what its `join` got: `joined`, `lobby.waiting` or `error`. */
export interface Peer {
  label: string;
  client: RawClient;
  /** The reply to `join` (carries the join's request id). */
  reply: AnyMessage;
  /** The participant id once joined (from `joined.you.id`); undefined while waiting or refused. */
  id: string | undefined;
  /** `joined.resume`, when joined. */
  resume: string | undefined;
}

/** A fresh room name per call, unique across runs. */
let counter = 0;
export function uniqueRoom(label: string): string {
  return `${label}-${Date.now().toString(36)}-${(++counter).toString(36)}`.slice(0, 64);
}

/** Opens a socket and sends `join`; resolves with its reply, whatever it is. */
export async function knock(
  wsUrl: string,
  room: string,
  name: string,
  fields: JoinFields = {},
  timeoutMs = 10_000,
): Promise<Peer> {
  const client = await RawClient.connect(wsUrl);
  return joinOn(client, room, name, fields, timeoutMs);
}

/** Sends `join` on an existing (not yet joined) socket; resolves with its reply. */
export async function joinOn(
  client: RawClient,
  room: string,
  name: string,
  fields: JoinFields = {},
  timeoutMs = 10_000,
): Promise<Peer> {
  const reply = await client.request({ type: "join", v: 1, room, name, ...fields }, timeoutMs);
  return {
    label: name,
    client,
    reply,
    id: reply.type === "joined" ? (reply.you?.id as string) : undefined,
    resume: reply.type === "joined" ? (reply.resume as string) : undefined,
  };
}

/** Like `knock`, but throws unless the reply is `joined`. */
export async function enter(
  wsUrl: string,
  room: string,
  name: string,
  fields: JoinFields = {},
): Promise<Peer> {
  const peer = await knock(wsUrl, room, name, fields);
  if (peer.reply.type !== "joined") {
    peer.client.close();
    throw new Error(`${name} could not join ${room}: ${safeJson(peer.reply)}`);
  }
  return peer;
}

/** Like `knock`, but throws unless the reply is `lobby.waiting`. */
export async function waitInLobby(
  wsUrl: string,
  room: string,
  name: string,
  fields: JoinFields = {},
): Promise<Peer> {
  const peer = await knock(wsUrl, room, name, fields);
  if (peer.reply.type !== "lobby.waiting") {
    peer.client.close();
    throw new Error(`${name} should wait in ${room}'s lobby, got ${safeJson(peer.reply)}`);
  }
  return peer;
}

/** The participant id of a joined peer, or a throw naming it. */
export function idOf(peer: Peer): string {
  if (!peer.id) throw new Error(`${peer.label} has no participant id (reply ${safeJson(peer.reply)})`);
  return peer.id;
}

/** Position in each client's `received` list, to look at what came after. */
export type Mark = Map<RawClient, number>;

export function mark(peers: Peer[]): Mark {
  return new Map(peers.map((p) => [p.client, p.client.received.length]));
}

/** What `peer` received since `m` (pongs left out). */
export function since(m: Mark, peer: Peer): AnyMessage[] {
  const from = m.get(peer.client) ?? 0;
  return peer.client.received.slice(from).filter((msg) => msg.type !== "pong");
}

/**
 * Waits `quietMs` (the time in which a reaction would have arrived), then returns, per peer, what it received
 * since `m`. Used to assert that something did NOT happen; the wait is the observation window.
 */
export async function receivedWithin(
  m: Mark,
  peers: Peer[],
  quietMs: number,
): Promise<Record<string, AnyMessage[]>> {
  await sleep(quietMs);
  const out: Record<string, AnyMessage[]> = {};
  for (const p of peers) out[p.label] = since(m, p);
  return out;
}

/** Waits for a close of the socket, or rejects after `timeoutMs`. */
export async function closeOf(peer: Peer, timeoutMs = 5000): Promise<{ code: number; reason: string }> {
  const timeout = sleep(timeoutMs).then(() => null);
  const info = await Promise.race([peer.client.closed, timeout]);
  if (!info) {
    throw new Error(
      `${peer.label}'s socket was not closed within ${timeoutMs} ms; last messages ${safeJson(
        peer.client.received.slice(-5),
      )}`,
    );
  }
  return info;
}

export const isType =
  (type: string, extra: (m: AnyMessage) => boolean = () => true) =>
  (m: AnyMessage): boolean =>
    m.type === type && extra(m);

/** Closes every peer's socket (terminate: no `leave`). */
export function dropAll(peers: Iterable<Peer>): void {
  for (const p of peers) p.client.terminate();
}

/** The next message matching `pred` that `peer` received after `m` (already arrived or still to come). */
export function nextSince(
  m: Mark,
  peer: Peer,
  pred: (msg: AnyMessage) => boolean,
  timeoutMs = 5000,
  what = "a matching message",
): Promise<AnyMessage> {
  const from = m.get(peer.client) ?? 0;
  const all = peer.client.received;
  return peer.client.next(
    (msg) => all.indexOf(msg) >= from && pred(msg),
    timeoutMs,
    `${peer.label}: ${what}`,
  );
}

/** `from` sends a public chat message; resolves once `to` received it. */
export async function chatReaches(from: Peer, to: Peer, text: string): Promise<void> {
  await from.client.request({ type: "chat.send", text, clientId: `c-${++counter}` });
  await to.client.next(
    (m) => m.type === "chat.message" && m.message?.text === text,
    5000,
    `${to.label}: "${text}" from ${from.label}`,
  );
}
