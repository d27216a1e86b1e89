/**
 * Tears Janus handles down one at a time per VideoRoom, each only once Janus has finished with what we sent it
 * before in that room, and holds the room's other requests back meanwhile.
 *
 * Debian's Janus (1.1.2) can crash (SIGSEGV, SIGABRT) when a VideoRoom handle is torn down while something else
 * happens to it or next to it. Line numbers below are in 1.1.2's src/plugins/janus_videoroom.c:
 *
 * - A detach while a request on the same handle is still being processed (meetecho/janus-gateway#3154, fixed
 *   in 1.1.4 by #3167). The plugin's message thread keeps no reference on the session (9058-9091) and holds no
 *   `sessions_mutex` through a subscriber `join` (released at 9570) or a publisher `joinandconfigure`
 *   (9158-9404); a detach meanwhile runs `destroy_session` (4297) on the handle's own thread, which finds a
 *   handle that is neither publisher nor subscriber yet, does nothing, and frees the session. The join then
 *   links a subscriber whose session is freed into the publishers' streams (9786-9996); the next hang-up of
 *   such a publisher dereferences it (8912, 8963). Any request in flight at detach time has the same hole: a
 *   `subscribe` that links new streams after the detach's hang-up unlinked the old ones leaves them in the
 *   publisher's lists once the subscriber is freed (2402-2411), and the publisher's hang-up then reads the
 *   freed subscriber at 8911-8912 (the SIGSEGV our stress benchmark catches without this guard).
 * - A request of one handle that names another's feed while that other is torn down: `subscribe` looks the
 *   publisher up (10655-10658) and reads it, its session and its streams without a reference (10659-10693)
 *   until 10732; it then links the new streams to publisher streams that the publisher's hang-up may have
 *   emptied already (10842-10854), which outlive their publisher, dangling (read again by `start`/`configure`
 *   to ask for key frames).
 * - Two hang-ups at once (#3242, fixed in 1.2.0 by #3247; #3627, still open upstream). Each handle hangs up
 *   on its own thread: a publisher's `hangup_media_internal` unlinks its subscribers' streams (8916) without
 *   their `streams_mutex`, while a subscriber's walks and unlinks the same lists (8995-9020). A participant
 *   leaving detaches both its handles; several leaving together, or a room closing, detach many at once. And
 *   a room's `destroy` walks its publishers (5312-5331) whose sessions a detach may be freeing.
 * - `unpublish` racing the publisher's detach dereferences a NULL publisher (8885-8887; fixed in 1.4.1, #3636).
 *   We never send `unpublish` or `leave`: a participant's handles are detached.
 *
 * So, per room: a detach is sent only when no request of the room is in flight (nor any on its own handle,
 * which refuses new ones once its detach is asked for), after the room's previous teardown is confirmed done
 * (the core's `detached` event, sent once the plugin's `destroy_session` returned); the room's requests wait
 * for its teardowns. Costs a round trip per handle when many leave at once, a few milliseconds each here.
 * What Janus starts by itself is out of our hands: a peer that closes its connection (a DTLS alert, ICE
 * failure) is hung up by Janus at once, next to whatever else runs.
 */
import { logger } from "../logger.js";

const log = logger("teardown-queue");

/**
 * Test-only knob: PALABRE_UNSAFE_CONCURRENT_TEARDOWN=1 turns the guard off (teardowns sent at once, as before),
 * so that the hang-up stress benchmark can show what it prevents. Never set it in production.
 */
const UNSAFE_ENV = "PALABRE_UNSAFE_CONCURRENT_TEARDOWN";

/** Whether the guard is off; the only place that reads the environment for it. */
export function unsafeConcurrentTeardown(env: NodeJS.ProcessEnv = process.env): boolean {
  return env[UNSAFE_ENV] === "1";
}

/**
 * Janus confirms a detach within milliseconds; past this, the queue goes on rather than wedge every later
 * teardown behind one confirmation that will never come (see SETTLE_MS for the one case seen).
 */
const CONFIRM_MS = 2_000;

/**
 * Janus 1.1.2 drops what its handle thread has queued when ICE selects its first candidate pair
 * (src/ice.c:2212-2213, `janus_ice_clear_queued_packets`, still so upstream): a detach queued in that instant
 * is lost, its VideoRoom session never destroyed (a ghost participant and a thread left for good). A detach
 * sent the moment a join's answer comes back lands right there, so it waits for the PeerConnection to be up
 * (or hung up), at most this long: over loopback ICE takes milliseconds; a peer that is gone selects no pair.
 */
const SETTLE_MS = 2_000;

/**
 * What Janus is still doing for one handle: requests it has not finished (an async plugin request counts until
 * its event), and a PeerConnection between Janus's session description and `webrtcup` (or `hangup`).
 */
export class HandleActivity {
  readonly #inflight = new Set<Promise<void>>();
  #pc: "none" | "connecting" | "up" = "none";
  #pcChanged: (() => void) | undefined;

  /** Counts a request as in flight until the returned function is called. */
  track(): () => void {
    let settled: () => void = () => {};
    const done = new Promise<void>((resolve) => {
      settled = resolve;
    });
    this.#inflight.add(done);
    void done.then(() => this.#inflight.delete(done));
    return settled;
  }

  /** Janus sent a session description (its answer, or its offer): ICE starts, unless the connection is up. */
  negotiating(): void {
    if (this.#pc === "none") this.#pc = "connecting";
  }

  pc(up: boolean): void {
    this.#pc = up ? "up" : "none";
    this.#pcChanged?.();
  }

  /** Resolves once nothing sent is in flight and the PeerConnection is not still connecting (never rejects). */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.#inflight]);
    if (this.#pc !== "connecting") return;
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      this.#pcChanged = resolve;
      timer = setTimeout(resolve, SETTLE_MS);
    });
    clearTimeout(timer);
  }
}

/**
 * Async plugin requests Janus acknowledged without our waiting for their event (a key frame `configure`):
 * the plugin thread works on them until the event with their transaction comes (or a timeout).
 */
export class AckedRequests {
  readonly #timeoutMs: number;
  readonly #waiting = new Map<string, { settled: () => void; timer: NodeJS.Timeout }>();

  constructor(timeoutMs: number) {
    this.#timeoutMs = timeoutMs;
  }

  add(transaction: string, settled: () => void): void {
    const timer = setTimeout(() => this.answered(transaction), this.#timeoutMs);
    this.#waiting.set(transaction, { settled, timer });
  }

  /** The event for `transaction` came (nothing happens for a transaction that is not waiting). */
  answered(transaction: string): void {
    const entry = this.#waiting.get(transaction);
    if (!entry) return;
    this.#waiting.delete(transaction);
    clearTimeout(entry.timer);
    entry.settled();
  }

  /** The connection closed: Janus works on nothing of ours any more. */
  settleAll(): void {
    for (const transaction of [...this.#waiting.keys()]) this.answered(transaction);
  }
}

export interface Teardown {
  /** What is torn down, for the log. */
  what: string;
  /** Resolves once Janus has finished with this handle's requests (never rejects); awaited before queueing. */
  idle(): Promise<void>;
  /** Sends the teardown (detach); resolves on Janus's reply (never rejects). */
  send(): Promise<void>;
  /** Resolves when Janus says the teardown is over (its `detached` event), or the connection is gone. */
  done: Promise<void>;
}

/** One VideoRoom's plugin requests in flight, and its teardowns (queued or running). */
interface Lane {
  requests: number;
  teardowns: number;
  /** The last teardown queued: the next one, and any request, waits for it. */
  tail: Promise<void>;
  /** Called when `requests` falls to 0. */
  drained: (() => void)[];
}

export class TeardownQueue {
  /** Whether teardowns wait for each other and for requests (the guard is on). */
  readonly serialized: boolean;
  /** By VideoRoom id (0: handles that never named a room). */
  readonly #lanes = new Map<number, Lane>();

  constructor(serialized = !unsafeConcurrentTeardown()) {
    this.serialized = serialized;
    if (!serialized) log.warn(`${UNSAFE_ENV}=1: Janus teardowns are not serialized (test-only setting)`);
  }

  /**
   * Lets a plugin request on a handle of `room` go once no teardown is queued in that room, and counts it (and
   * in `activity`) until the returned `settled` is called, when Janus is done with it.
   */
  async admit(room: number, activity: HandleActivity): Promise<() => void> {
    const done = activity.track();
    if (!this.serialized) return done;
    let lane = this.#lane(room);
    while (lane.teardowns > 0) {
      await lane.tail;
      lane = this.#lane(room); // the lane may have been dropped and made anew meanwhile
    }
    lane.requests++;
    let settled = false;
    return () => {
      if (settled) return;
      settled = true;
      done();
      lane.requests--;
      if (lane.requests === 0) for (const wake of lane.drained.splice(0)) wake();
      this.#forget(room, lane);
    };
  }

  /**
   * Sends `t` once its handle is idle (waited for outside the queue, holding nobody up), every teardown queued
   * before it in `room` is done, and no request in `room` is in flight; resolves when Janus is done.
   */
  async run(room: number, t: Teardown): Promise<void> {
    if (!this.serialized) return t.send();
    await t.idle();
    const lane = this.#lane(room);
    lane.teardowns++;
    const turn = lane.tail.then(async () => {
      if (lane.requests > 0) await new Promise<void>((resolve) => lane.drained.push(resolve));
      await t.send();
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          log.warn("janus did not confirm a teardown in time; going on", { what: t.what });
          resolve();
        }, CONFIRM_MS);
      });
      await Promise.race([t.done, late]);
      clearTimeout(timer);
    });
    lane.tail = turn.finally(() => {
      lane.teardowns--;
      this.#forget(room, lane);
    });
    return lane.tail;
  }

  #lane(room: number): Lane {
    let lane = this.#lanes.get(room);
    if (!lane) {
      lane = { requests: 0, teardowns: 0, tail: Promise.resolve(), drained: [] };
      this.#lanes.set(room, lane);
    }
    return lane;
  }

  #forget(room: number, lane: Lane): void {
    if (lane.requests === 0 && lane.teardowns === 0 && this.#lanes.get(room) === lane)
      this.#lanes.delete(room);
  }
}
