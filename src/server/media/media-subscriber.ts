/**
 * One participant's subscribe connection: a multistream VideoRoom subscriber handle in Janus.
 *
 * Janus is the offerer. We tell it which streams to add (it removes departed publishers by itself, with an
 * offer of its own); every offer it makes, solicited or not, goes to the client, whose answer comes back
 * through `answer`. Janus never has two offers in flight for one subscriber, it postpones and merges them,
 * so neither do we.
 */
import type { Candidate, Jsep, MediaKind, StreamChoice } from "../../protocol/messages.js";
import { errorFields } from "../log-fields.js";
import { logger } from "../logger.js";
import { type JanusClient, JanusError, type JanusHandle, type PluginMessage } from "./janus-client.js";
import { MediaError } from "./media-room.js";
import { readSubscriberStreams, type SubscriberStream, VIDEOROOM_PLUGIN } from "./videoroom.js";

const log = logger("media-subscriber");

/** Janus's error code for a feed that left (or is not up yet) between our decision and its arrival. */
const NO_SUCH_FEED = 428;
const MAX_RETRIES = 5;
const RETRY_MS = 300;
/**
 * A newcomer to a big room first subscribes to this many feeds, the most relevant (rank), and to the rest once
 * it has answered: an offer's cost grows with its m-lines (Janus and the browser both take about a second per
 * hundred), and the first pictures should not wait for a hundred muted microphones.
 */
export const FIRST_FEEDS = 16;
/** A subscriber's key frame requests for one m-line are passed on at most this often. */
const KEYFRAME_EVERY_MS = 1_000;
/** The rest wait for the first connection's media to flow (its first pictures come first), at most this long. */
const REST_AFTER_MS = 2_000;

/** Some of a feed's m-lines (publisher mids). */
export interface FeedStreams {
  feed: number;
  mids: string[];
}

export interface SubscriberCallbacks {
  /**
   * What this subscriber should receive right now: every published feed but its own, each with the m-lines
   * worth receiving (not a microphone or camera that was never turned on).
   */
  wantedStreams(): FeedStreams[];
  /** The same feeds, most relevant first (pictures, then who spoke last). */
  rank(feeds: number[]): number[];
  offer(jsep: Jsep, streams: SubscriberStream[]): void;
  /** The subscriber keeps asking for lost packets: its downlink is poor. */
  slow(kind: MediaKind, lost: number): void;
}

export class MediaSubscriber {
  readonly #client: JanusClient;
  readonly #roomId: number;
  readonly #callbacks: SubscriberCallbacks;
  #handle: JanusHandle | undefined;
  #joined = false;
  /** Per feed, the m-lines we asked Janus for, since the feed came up. */
  readonly #subscribed = new Map<number, Set<string>>();
  #streams: SubscriberStream[] = [];
  /** When a key frame was last asked for, per mid of this connection. */
  readonly #keyframeAskedAt = new Map<string, number>();
  /** Offers forwarded to the client, and answers it sent back: equal when nothing is pending. */
  #offers = 0;
  #answers = 0;
  /** Every Janus request for this handle runs in turn on this chain. */
  #chain: Promise<void> = Promise.resolve();
  #closed = false;
  #retries = 0;
  /** The client answered the first offer: the feeds left out of it may follow. */
  #answered = false;
  /** The first subscription left feeds out (a big room): they follow once its media flows. */
  #deferred = false;
  #up = false;
  #onUp: (() => void) | undefined;

  constructor(client: JanusClient, roomId: number, callbacks: SubscriberCallbacks) {
    this.#client = client;
    this.#roomId = roomId;
    this.#callbacks = callbacks;
  }

  get subscribedFeeds(): number {
    return this.#subscribed.size;
  }

  /**
   * Brings the subscription in line with `wantedStreams()`: adds what is wanted and not yet asked for (a new
   * feed, a screen share's m-lines, a microphone turned on for the first time; Janus adds none of these to a
   * subscription by itself). Cheap to call often.
   */
  sync(): void {
    this.#enqueue(() => this.#sync());
  }

  /** A feed left the room: Janus drops its streams on its own; we only forget it. */
  feedGone(feedId: number): void {
    this.#subscribed.delete(feedId);
  }

  async answer(jsep: Jsep): Promise<void> {
    if (this.#answers >= this.#offers || !this.#handle)
      throw new MediaError("no subscriber offer is pending", "out_of_order");
    this.#answers += 1;
    // The client answers offers in the order it got them. If Janus made a newer offer meanwhile (a publisher
    // left while ours was pending), this answer is to a superseded one: Janus expects only the latest.
    if (this.#answers < this.#offers) return;
    const handle = this.#handle;
    await this.#enqueueAndWait(async () => {
      const reply = await handle.request({ request: "start" }, { jsep, async: true });
      this.#onPluginMessage(reply);
      if (!this.#answered) {
        this.#answered = true;
        if (this.#deferred) this.#afterUp(() => this.sync());
        else this.sync();
      }
    });
  }

  /**
   * Chooses, per m-line, whether Janus relays it and which simulcast/temporal layer. No renegotiation:
   * Janus just changes what it forwards.
   */
  async configure(choices: StreamChoice[]): Promise<void> {
    const handle = this.#handle;
    if (!handle || !this.#joined) throw new MediaError("nothing is subscribed yet");
    const streams = choices
      .filter((c) => c.send !== undefined || c.layer !== undefined || c.temporal !== undefined)
      .map((c) => ({
        mid: c.mid,
        ...(c.send !== undefined ? { send: c.send } : {}),
        ...(c.layer !== undefined ? { substream: c.layer } : {}),
        ...(c.temporal !== undefined ? { temporal: c.temporal } : {}),
      }));
    if (streams.length === 0) return;
    await this.#enqueueAndWait(async () => {
      await handle.request({ request: "configure", streams }, { async: true });
    });
  }

  /**
   * The publisher's feed and mid behind one of our m-lines, for a key frame request; undefined if the m-line
   * carries nothing, or if one was asked for it less than KEYFRAME_EVERY_MS ago (each one makes the
   * publisher's camera send a costly key frame, to everyone).
   */
  keyframeSource(mid: string, now = performance.now()): { feedId: number; feedMid: string } | undefined {
    const stream = this.#streams.find((s) => s.mid === mid && s.active && s.type === "video");
    if (stream?.feedId === undefined || stream.feedMid === undefined) return undefined;
    if (now - (this.#keyframeAskedAt.get(mid) ?? Number.NEGATIVE_INFINITY) < KEYFRAME_EVERY_MS)
      return undefined;
    this.#keyframeAskedAt.set(mid, now);
    return { feedId: stream.feedId, feedMid: stream.feedMid };
  }

  trickle(candidate: Candidate | null): void {
    const handle = this.#handle;
    if (!handle) return; // no connection yet: a stray candidate from an old client state
    handle.trickle(candidate).catch((err) => log.debug("trickle dropped", errorFields(err)));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#handle?.detach();
  }

  async #sync(): Promise<void> {
    if (this.#closed) return;
    let missing = this.#missing();
    if (missing.length === 0) return;
    // Between the first offer and its answer, what came up since waits for the answer (one offer at a time).
    if (this.#joined && !this.#answered) return;
    if (!this.#joined && missing.length > FIRST_FEEDS) {
      const first = new Set(this.#callbacks.rank(missing.map((m) => m.feed)).slice(0, FIRST_FEEDS));
      missing = missing.filter((m) => first.has(m.feed));
      this.#deferred = true;
    }
    if (!this.#handle) {
      this.#handle = await this.#client.attach(VIDEOROOM_PLUGIN);
      this.#handle.on("event", (msg) => this.#onPluginMessage(msg));
      this.#handle.on("webrtcup", () => {
        this.#up = true;
        this.#onUp?.();
      });
      // Janus's `uplink: true` means the peer reports many packets missing from what Janus sends it.
      this.#handle.on("slowlink", (info) => {
        if (info.uplink && (info.media === "audio" || info.media === "video")) {
          this.#callbacks.slow(info.media, info.lost ?? 0);
        }
      });
      if (this.#closed) {
        await this.#handle.detach();
        return;
      }
    }
    const streams = missing.flatMap(({ feed, mids }) => mids.map((mid) => ({ feed, mid })));
    const body = this.#joined
      ? { request: "subscribe", streams }
      : { request: "join", ptype: "subscriber", room: this.#roomId, streams, use_msid: false };
    try {
      const reply = await this.#handle.request(body, { async: true });
      this.#joined = true;
      this.#retries = 0;
      for (const { feed, mids } of missing) {
        const known = this.#subscribed.get(feed) ?? new Set<string>();
        for (const mid of mids) known.add(mid);
        this.#subscribed.set(feed, known);
      }
      this.#onPluginMessage(reply);
    } catch (err) {
      if (err instanceof JanusError && err.code === NO_SUCH_FEED && this.#retries < MAX_RETRIES) {
        // A feed left (or dropped its connection) between our decision and Janus's: retry shortly with
        // what is still wanted by then.
        this.#retries += 1;
        log.debug("feed vanished during subscribe; retrying");
        setTimeout(() => this.sync(), RETRY_MS).unref();
        return;
      }
      throw err;
    }
  }

  /** The wanted m-lines not asked for yet, per feed (feeds with none left out). */
  #missing(): FeedStreams[] {
    const out: FeedStreams[] = [];
    for (const { feed, mids } of this.#callbacks.wantedStreams()) {
      const known = this.#subscribed.get(feed);
      const left = known ? mids.filter((mid) => !known.has(mid)) : mids;
      if (left.length > 0) out.push({ feed, mids: left });
    }
    return out;
  }

  /** Runs `then` once Janus says the connection is up, or after REST_AFTER_MS whatever happens. */
  #afterUp(then: () => void): void {
    if (this.#up) {
      then();
      return;
    }
    const timer = setTimeout(() => {
      this.#onUp = undefined;
      then();
    }, REST_AFTER_MS);
    timer.unref();
    this.#onUp = () => {
      clearTimeout(timer);
      this.#onUp = undefined;
      then();
    };
  }

  #onPluginMessage(msg: PluginMessage): void {
    const streams = readSubscriberStreams(msg.data);
    if (streams) this.#streams = streams;
    if (msg.jsep?.type === "offer") {
      this.#offers += 1;
      this.#callbacks.offer({ type: "offer", sdp: msg.jsep.sdp }, this.#streams);
    }
  }

  #enqueue(task: () => Promise<void>): void {
    this.#chain = this.#chain
      .then(task)
      .catch((err) => log.warn("subscriber request refused", errorFields(err)));
  }

  #enqueueAndWait(task: () => Promise<void>): Promise<void> {
    const run = this.#chain.then(task);
    // Janus's reason can quote what the client sent (a mid, its SDP): the log gets the code only.
    this.#chain = run.catch((err) => log.warn("subscriber request refused", errorFields(err)));
    return run;
  }
}
