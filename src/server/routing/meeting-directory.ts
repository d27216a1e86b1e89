/**
 * Which node holds each meeting, and the meeting's snapshot for the node that takes it over: one Redis hash
 * per meeting (`holder`, `snapshot`, `count`), in memory only, deleted when the meeting ends and expiring on
 * its own if no node refreshes it. Every write names the node writing: a node that lost a meeting (another
 * took it over while it was cut off) learns so from the write it is refused, and never overwrites the new
 * holder's state.
 */

import { NODE_KEY_PREFIX } from "./node-registry.js";
import type { RedisLink } from "./redis-link.js";

export const MEETING_KEY_PREFIX = "palabre:meeting:";
/** A meeting nobody refreshes (every node gone) is forgotten after this long; the holder refreshes it each beat. */
export const MEETING_TTL_MS = 120_000;

// KEYS[1] meeting, ARGV[1] candidate, ARGV[2] node key prefix, ARGV[3] ttl: the live holder, or the candidate
// made holder if there is none (never held, released by a draining node, or its node's announcement expired).
// '' when the candidate itself is gone or draining (the caller's view of the nodes was stale: it looks again).
const CLAIM = `
local h = redis.call('HGET', KEYS[1], 'holder')
if h and h ~= '' and redis.call('EXISTS', ARGV[2] .. h) == 1 then return h end
local c = redis.call('GET', ARGV[2] .. ARGV[1])
if not c then return '' end
local ok, announced = pcall(cjson.decode, c)
if not ok or announced.draining ~= false then return '' end
redis.call('HSET', KEYS[1], 'holder', ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return ARGV[1]`;

// KEYS[1] meeting, ARGV[1] self, ARGV[2] ttl, ARGV[3] snapshot, ARGV[4] count: 1 if written, 0 if another
// node holds the meeting. A missing hash (Redis restarted empty) is taken back by the node that holds it.
const SAVE = `
local h = redis.call('HGET', KEYS[1], 'holder')
if h and h ~= '' and h ~= ARGV[1] then return 0 end
if not h then redis.call('HSET', KEYS[1], 'holder', ARGV[1]) end
redis.call('HSET', KEYS[1], 'snapshot', ARGV[3], 'count', ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1`;

// KEYS[1] meeting, ARGV[1] self, ARGV[2] 'release' or 'remove': only the holder lets a meeting go.
const LET_GO = `
if redis.call('HGET', KEYS[1], 'holder') ~= ARGV[1] then return 0 end
if ARGV[2] == 'remove' then redis.call('DEL', KEYS[1]) else redis.call('HSET', KEYS[1], 'holder', '') end
return 1`;

export class MeetingDirectory {
  readonly #link: RedisLink;
  readonly #self: string;

  constructor(link: RedisLink, self: string) {
    this.#link = link;
    this.#self = self;
  }

  /**
   * The node holding `room` now: its live holder, or `candidate`, which becomes its holder; "" if the
   * meeting has no live holder and `candidate` is gone or draining.
   */
  async claim(room: string, candidate: string): Promise<string> {
    const holder = await this.#link.commands.eval(
      CLAIM,
      1,
      MEETING_KEY_PREFIX + room,
      candidate,
      NODE_KEY_PREFIX,
      MEETING_TTL_MS,
    );
    return String(holder);
  }

  /** The holder named in Redis ("" when released, null when the meeting is unknown), alive or not. */
  async holder(room: string): Promise<string | null> {
    return this.#link.commands.hget(MEETING_KEY_PREFIX + room, "holder");
  }

  /** Writes this node's snapshot of `room`; false if another node holds it now. */
  async save(room: string, snapshot: string, count: number): Promise<boolean> {
    const written = await this.#link.commands.eval(
      SAVE,
      1,
      MEETING_KEY_PREFIX + room,
      this.#self,
      MEETING_TTL_MS,
      snapshot,
      count,
    );
    return written === 1;
  }

  async snapshot(room: string): Promise<string | null> {
    return this.#link.commands.hget(MEETING_KEY_PREFIX + room, "snapshot");
  }

  /** How many are in `room` as its holder last wrote (0 if unknown): the pre-join screen's count. */
  async count(room: string): Promise<number> {
    const raw = await this.#link.commands.hget(MEETING_KEY_PREFIX + room, "count");
    const n = Number(raw);
    return Number.isSafeInteger(n) && n > 0 ? n : 0;
  }

  /** Hands `room` to whichever node claims it next (a draining node, once its snapshot is written). */
  async release(room: string): Promise<void> {
    await this.#link.commands.eval(LET_GO, 1, MEETING_KEY_PREFIX + room, this.#self, "release");
  }

  /** The meeting ended: nothing of it stays in Redis. */
  async remove(room: string): Promise<void> {
    await this.#link.commands.eval(LET_GO, 1, MEETING_KEY_PREFIX + room, this.#self, "remove");
  }

  /** Keeps the meetings this node holds from expiring. */
  async refresh(rooms: Iterable<string>): Promise<void> {
    const pipeline = this.#link.commands.pipeline();
    for (const room of rooms) pipeline.pexpire(MEETING_KEY_PREFIX + room, MEETING_TTL_MS);
    await pipeline.exec();
  }
}
