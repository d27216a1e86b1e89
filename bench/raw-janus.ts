/**
 * The same bots, the same media, without Palabre: a Janus of our own (the server's JanusProcess class) driven
 * straight through its WebSocket API (the server's JanusClient), so the capacity benchmark can set what Janus
 * costs for the media alone beside what Janus + our server cost. Bench code: it may import server internals.
 *
 * Each publishing bot has a VideoRoom publisher handle (joinandconfigure with its offer); every bot has a
 * multistream subscriber handle on the feeds that send something, as under Palabre, and adds the ones that come
 * up later. Bots that receive nothing answer it inactive: nothing is forwarded to them either way.
 */
import type { BotReport } from "../bots/bot.js";
import { newPublisher, newReceiver, preparePublisher } from "../bots/connections.js";
import { emptyIn, emptyOut, type Publisher, type Receiver } from "../bots/media.js";
import { type BotRole, type LoadParticipant, sleep } from "../bots/swarm.js";
import {
  JanusClient as Client,
  type JanusClient,
  type JanusHandle,
} from "../src/server/media/janus-client.js";
import { JanusProcess } from "../src/server/media/janus-process.js";
import {
  createVideoRoom,
  randomJanusId,
  readSubscriberStreams,
  VIDEOROOM_PLUGIN,
} from "../src/server/media/videoroom.js";

/** A publisher on the raw Janus; `sends`: a camera or a microphone that is on. */
export interface RawFeed {
  feedId: number;
  name: string;
  sends: boolean;
}

export class RawJanus {
  readonly process: JanusProcess;
  client: JanusClient | undefined;
  roomId = 0;
  /** Feeds that are up, in order. */
  readonly feeds: RawFeed[] = [];
  readonly #feedListeners = new Set<(feed: RawFeed) => void>();

  /** A feed is up: subscribers that came earlier add it, as a Palabre subscription would. */
  addFeed(feed: RawFeed): void {
    this.feeds.push(feed);
    for (const listener of this.#feedListeners) listener(feed);
  }

  onFeed(listener: (feed: RawFeed) => void): void {
    this.#feedListeners.add(listener);
  }

  constructor(rtpPorts: [number, number]) {
    this.process = new JanusProcess({
      bin: process.env.JANUS_BIN || "janus",
      rtpPorts,
      iceInterfaces: "pal0",
      publicIp: "",
      eventLoops: 0,
      slowlinkThreshold: 0,
      debugLevel: 3,
      coreDumps: false,
    });
  }

  get pid(): number | undefined {
    return this.process.pid;
  }

  async start(maxPublishers: number): Promise<void> {
    const endpoint = await this.process.start();
    this.client = await Client.connect(endpoint.url, endpoint.apiSecret);
    const control = await this.client.attach(VIDEOROOM_PLUGIN);
    this.roomId = randomJanusId();
    await createVideoRoom(control, this.roomId, { maxPublishers });
  }

  async stop(): Promise<void> {
    this.client?.close();
    await this.process.stop();
  }
}

export class RawBot implements LoadParticipant {
  id: string | undefined;
  readonly #janus: RawJanus;
  #publisher: Publisher | undefined;
  #subscriber: Receiver | undefined;
  #pubHandle: JanusHandle | undefined;
  #subHandle: JanusHandle | undefined;
  /** mid → feed id of the subscribe connection. */
  readonly #midFeed = new Map<string, string>();
  #joinMs: number | undefined;
  #publishMs: number | undefined;
  readonly #failures: string[] = [];
  #chain: Promise<void> = Promise.resolve();

  constructor(
    readonly role: BotRole,
    janus: RawJanus,
  ) {
    this.#janus = janus;
  }

  async prepare(): Promise<void> {
    await preparePublisher(this.role);
  }

  async start(): Promise<void> {
    const client = this.#janus.client;
    if (!client) throw new Error("raw Janus not started");
    const t0 = performance.now();
    const feedId = randomJanusId();
    this.id = String(feedId);
    if (this.role.audio !== "off" || this.role.video) {
      const handle = await client.attach(VIDEOROOM_PLUGIN);
      this.#pubHandle = handle;
      this.#joinMs = performance.now() - t0;
      const pub = await newPublisher({
        iceServers: [],
        audio: this.role.audio,
        video: this.role.video,
        onCandidate: (c) => void handle.trickle(c).catch(() => {}),
      });
      this.#publisher = pub;
      const sdp = await pub.createOffer();
      const reply = await handle.request(
        { request: "joinandconfigure", ptype: "publisher", room: this.#janus.roomId, id: feedId },
        { jsep: { type: "offer", sdp }, async: true },
      );
      if (reply.jsep?.type !== "answer") throw new Error("janus sent no answer");
      await pub.applyAnswer(reply.jsep.sdp);
      await pub.connected(20_000);
      this.#publishMs = performance.now() - t0;
      this.#janus.addFeed({
        feedId,
        name: this.role.name,
        sends: this.role.video || this.role.audio === "on",
      });
    } else {
      this.#joinMs = performance.now() - t0;
    }
    await this.#subscribe(client, feedId, this.role.subscribe);
  }

  /**
   * Every raw bot subscribes, as every Palabre participant does, to the feeds that send something (a camera
   * or a microphone that is on: Palabre leaves a microphone never turned on out of subscriptions), including
   * feeds that come up later (Janus renegotiates). One that receives answers every m-line inactive, as a
   * Palabre bot that receives nothing does, so that Janus holds the same connections in both runs.
   */
  async #subscribe(client: JanusClient, ownFeed: number, receive: boolean): Promise<void> {
    const handle = await client.attach(VIDEOROOM_PLUGIN);
    this.#subHandle = handle;
    // The same receiver as a Palabre bot's, so the two runs cost the same on the bots' side.
    const sub = newReceiver(receive ? "count" : "nothing", {
      iceServers: [],
      onCandidate: (c) => void handle.trickle(c).catch(() => {}),
    });
    this.#subscriber = sub;
    const answerOffer = async (msg: {
      data: Record<string, unknown>;
      jsep?: { type: string; sdp: string };
    }) => {
      for (const s of readSubscriberStreams(msg.data) ?? []) {
        if (s.feedId !== undefined) this.#midFeed.set(s.mid, String(s.feedId));
      }
      if (msg.jsep?.type !== "offer") return;
      const answer = await sub.answer(msg.jsep.sdp);
      await handle.request({ request: "start" }, { jsep: { type: "answer", sdp: answer }, async: true });
    };
    handle.on("event", (msg) => {
      this.#chain = this.#chain.then(() => answerOffer(msg)).catch((e) => this.#fail(String(e)));
    });
    const subscribed = new Set<number>([ownFeed]);
    let joined: Promise<void> | undefined;
    const add = (feeds: RawFeed[]) => {
      const fresh = feeds.filter((f) => f.sends && !subscribed.has(f.feedId)).map((f) => f.feedId);
      if (fresh.length === 0) return;
      for (const feedId of fresh) subscribed.add(feedId);
      const streams = fresh.map((feed) => ({ feed }));
      const body = joined
        ? { request: "subscribe", streams }
        : { request: "join", ptype: "subscriber", room: this.#janus.roomId, streams, use_msid: false };
      this.#chain = this.#chain
        .then(async () => {
          // Janus knows a feed once its media is up on its side, which can come a little after the
          // publisher's own connection is up: "No such feed" (428) then, for a moment.
          for (let attempt = 1; ; attempt++) {
            try {
              await answerOffer(await handle.request(body, { async: true }));
              return;
            } catch (err) {
              if (attempt >= 10 || !String(err).includes("428")) throw err;
              await sleep(200);
            }
          }
        })
        .catch((e) => this.#fail(String(e)));
      joined ??= this.#chain;
    };
    this.#janus.onFeed((f) => add([f]));
    add(this.#janus.feeds);
    if (joined) {
      await joined;
      await sub.connected(20_000);
    }
  }

  #fail(reason: string): void {
    if (this.#failures.length < 10) this.#failures.push(reason);
  }

  async report(): Promise<BotReport> {
    const out = (await this.#publisher?.counters().catch(() => emptyOut())) ?? emptyOut();
    const inn = (await this.#subscriber?.counters().catch(() => emptyIn())) ?? emptyIn();
    const inByParticipant = new Map<string, { audio: number; video: number; frames: number }>();
    for (const [mid, c] of inn.byMid) {
      const feed = this.#midFeed.get(mid);
      if (!feed) continue;
      const e = inByParticipant.get(feed) ?? { audio: 0, video: 0, frames: 0 };
      if (c.kind === "audio") e.audio += c.packets;
      else e.video += c.packets;
      e.frames += c.frames;
      inByParticipant.set(feed, e);
    }
    return {
      name: this.role.name,
      id: this.id,
      state: this.#joinMs !== undefined ? "joined" : "new",
      joinMs: this.#joinMs,
      publishConnectedMs: this.#publishMs,
      publishState: this.#publisher?.state ?? "none",
      subscribeState: this.#subscriber?.state ?? "none",
      offers: 0,
      answers: 0,
      out,
      in: inn,
      inByParticipant,
      wsIn: 0,
      wsOut: 0,
      failures: [...this.#failures],
    };
  }

  async leave(): Promise<void> {
    this.close();
    await Promise.allSettled([this.#pubHandle?.detach(), this.#subHandle?.detach()]);
  }

  close(): void {
    this.#publisher?.close();
    this.#subscriber?.close();
  }
}
