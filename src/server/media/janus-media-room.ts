/**
 * A conference room's media in Janus: one VideoRoom, and per participant one publisher handle and one
 * multistream subscriber handle. Translates between participant ids (the conference's) and feed ids (Janus's).
 */
import type {
  Candidate,
  Device,
  Jsep,
  Pc,
  Source,
  StreamChoice,
  StreamInfo,
} from "../../protocol/messages.js";
import { logger } from "../logger.js";
import { type JanusClient, JanusError, type JanusHandle } from "./janus-client.js";
import { MediaPublisher } from "./media-publisher.js";
import {
  type DeviceState,
  MediaError,
  type MediaRoom,
  type MediaRoomDump,
  type MediaRoomSink,
} from "./media-room.js";
import { type FeedStreams, MediaSubscriber } from "./media-subscriber.js";
import { createVideoRoom, destroyVideoRoom, randomJanusId, type SubscriberStream } from "./videoroom.js";

const log = logger("media-room");

interface Member {
  publisher: MediaPublisher;
  subscriber: MediaSubscriber;
}

export class JanusMediaRoom implements MediaRoom {
  readonly name: string;
  readonly roomId: number;
  readonly #client: JanusClient;
  /** The handle that created the room; it manages the room and publishes nothing. */
  readonly #control: JanusHandle;
  readonly #sink: MediaRoomSink;
  readonly #members = new Map<string, Member>();
  readonly #feedOwners = new Map<number, string>();
  /** Per participant, the devices turned on at least once in this meeting (their streams are subscribed). */
  readonly #everOn = new Map<string, Set<"audio" | "video">>();
  /** Participants' handles being detached: the room is destroyed only once they are gone. */
  readonly #removals = new Set<Promise<void>>();
  #closed = false;

  private constructor(
    name: string,
    roomId: number,
    client: JanusClient,
    control: JanusHandle,
    sink: MediaRoomSink,
  ) {
    this.name = name;
    this.roomId = roomId;
    this.#client = client;
    this.#control = control;
    this.#sink = sink;
  }

  static async create(client: JanusClient, name: string, sink: MediaRoomSink, maxPublishers: number) {
    const control = await asMediaError(client.attach("janus.plugin.videoroom"));
    const roomId = randomJanusId();
    try {
      await asMediaError(createVideoRoom(control, roomId, { maxPublishers }));
    } catch (err) {
      await control.detach().catch(() => undefined);
      throw err;
    }
    return new JanusMediaRoom(name, roomId, client, control, sink);
  }

  async publish(
    participantId: string,
    offer: Jsep,
    sources?: { mid: string; source: Source }[],
  ): Promise<Jsep> {
    return asMediaError(this.#member(participantId).publisher.publish(offer, sources));
  }

  async configureSubscription(participantId: string, choices: StreamChoice[]): Promise<void> {
    const subscriber = this.#member(participantId).subscriber;
    // Key frames are asked for once the rest applies: a resumed stream switches layers only on a key frame
    // that arrives while it forwards.
    await asMediaError(subscriber.configure(choices));
    for (const c of choices) {
      // Only for m-lines of the participant's own subscription: the source is looked up there.
      const source = c.keyframe ? subscriber.keyframeSource(c.mid) : undefined;
      if (!source) continue;
      const owner = this.#feedOwners.get(source.feedId);
      const publisher = owner === undefined ? undefined : this.#members.get(owner)?.publisher;
      publisher
        ?.requestKeyFrame(source.feedMid)
        .catch((err) => log.debug("key frame request failed", { err: String(err) }));
    }
  }

  async answer(participantId: string, answer: Jsep): Promise<void> {
    await asMediaError(this.#member(participantId).subscriber.answer(answer));
  }

  trickle(participantId: string, pc: Pc, candidate: Candidate | null): void {
    const member = this.#member(participantId);
    if (pc === "publish") member.publisher.trickle(candidate);
    else member.subscriber.trickle(candidate);
  }

  async setBlocked(participantId: string, device: Device, blocked: boolean): Promise<void> {
    await asMediaError(this.#member(participantId).publisher.setBlocked(device, blocked));
  }

  async removeParticipant(participantId: string): Promise<void> {
    this.#everOn.delete(participantId);
    const member = this.#members.get(participantId);
    if (!member) return;
    this.#members.delete(participantId);
    this.#feedOwners.delete(member.publisher.feedId);
    for (const other of this.#members.values()) other.subscriber.feedGone(member.publisher.feedId);
    // Both detaches go through the client's teardown queue, which sends them one after the other.
    const removal = Promise.allSettled([member.publisher.close(), member.subscriber.close()]).then(() => {});
    this.#removals.add(removal);
    await removal;
    this.#removals.delete(removal);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const ids = [...this.#members.keys()];
    // Those who left just before (the last one out closes the room) may still be detaching: Janus walks the
    // room's publishers when it destroys it, so it must not do so while one of them is being torn down.
    await Promise.allSettled([...ids.map((id) => this.removeParticipant(id)), ...this.#removals]);
    try {
      if (!this.#client.closed) await destroyVideoRoom(this.#control, this.roomId);
    } catch (err) {
      log.debug("room destroy failed", { err: String(err) });
    }
    await this.#control.detach();
  }

  dump(): MediaRoomDump {
    return {
      name: this.name,
      participants: [...this.#members].map(([id, m]) => ({
        id,
        publishing: m.publisher.up,
        subscribedFeeds: m.subscriber.subscribedFeeds,
      })),
    };
  }

  /** Members are created on first use, so a participant who never publishes costs Janus nothing. */
  #member(participantId: string): Member {
    if (this.#closed) throw new MediaError("media room closed");
    let member = this.#members.get(participantId);
    if (member) return member;
    const feedId = randomJanusId();
    const publisher = new MediaPublisher(this.#client, this.roomId, feedId, {
      state: (up) => this.#onPublisherState(feedId, up),
      talking: (talking) => this.#sink.talking(participantId, talking),
      slow: (kind, lost) => this.#sink.slowLink(participantId, "up", kind, lost),
      added: () => this.#syncOthers(participantId),
    });
    const subscriber = new MediaSubscriber(this.#client, this.roomId, {
      wantedStreams: () => this.#wantedStreams(participantId),
      rank: (feeds) => this.#rank(feeds),
      offer: (jsep, streams) => this.#sink.subscriberOffer(participantId, jsep, this.#toStreamInfo(streams)),
      slow: (kind, lost) => this.#sink.slowLink(participantId, "down", kind, lost),
    });
    member = { publisher, subscriber };
    this.#members.set(participantId, member);
    this.#feedOwners.set(feedId, participantId);
    // Someone may already be publishing: the newcomer's subscription starts now, before it publishes.
    subscriber.sync();
    return member;
  }

  /** Ensures a member exists for a participant who joined (so it receives others even if it never publishes). */
  addParticipant(participantId: string, devices: DeviceState): void {
    this.#noteDevices(participantId, devices);
    this.#member(participantId);
  }

  setDevices(participantId: string, devices: DeviceState): void {
    if (this.#noteDevices(participantId, devices)) this.#syncOthers(participantId);
  }

  /** Records devices turned on; true if one is on for the first time. */
  #noteDevices(participantId: string, devices: DeviceState): boolean {
    const on = this.#everOn.get(participantId) ?? new Set();
    this.#everOn.set(participantId, on);
    const before = on.size;
    if (devices.audio) on.add("audio");
    if (devices.video) on.add("video");
    return on.size > before;
  }

  /** Everyone but `participantId` looks again at what they should receive. */
  #syncOthers(participantId: string): void {
    for (const [id, m] of this.#members) if (id !== participantId) m.subscriber.sync();
  }

  #wantedStreams(participantId: string): FeedStreams[] {
    const out: FeedStreams[] = [];
    for (const [id, m] of this.#members) {
      if (id === participantId || !m.publisher.up) continue;
      const on = this.#everOn.get(id);
      const neverOn = (["audio", "video"] as const).filter((d) => !on?.has(d));
      out.push({ feed: m.publisher.feedId, mids: m.publisher.midsExcept(neverOn) });
    }
    return out;
  }

  /** Feeds with pictures first, then by who started talking last. */
  #rank(feeds: number[]): number[] {
    const publisherOf = (feed: number) => {
      const owner = this.#feedOwners.get(feed);
      return owner === undefined ? undefined : this.#members.get(owner)?.publisher;
    };
    const score = (feed: number) => {
      const p = publisherOf(feed);
      return { video: p?.sendsVideo ? 1 : 0, talked: p?.talkedAt ?? Number.NEGATIVE_INFINITY };
    };
    return [...feeds].sort((a, b) => {
      const x = score(a);
      const y = score(b);
      return y.video - x.video || (y.talked > x.talked ? 1 : y.talked < x.talked ? -1 : 0);
    });
  }

  #onPublisherState(feedId: number, up: boolean): void {
    const owner = this.#feedOwners.get(feedId);
    if (!owner) return;
    if (up) {
      for (const [id, m] of this.#members) if (id !== owner) m.subscriber.sync();
    } else {
      for (const m of this.#members.values()) m.subscriber.feedGone(feedId);
    }
    this.#sink.publisherState(owner, up);
  }

  #toStreamInfo(streams: SubscriberStream[]): StreamInfo[] {
    const out: StreamInfo[] = [];
    for (const s of streams) {
      if (!s.active || s.feedId === undefined || (s.type !== "audio" && s.type !== "video")) continue;
      const participantId = this.#feedOwners.get(s.feedId);
      if (!participantId) continue;
      const declared =
        s.feedMid !== undefined ? this.#members.get(participantId)?.publisher.sourceOf(s.feedMid) : undefined;
      const source = declared ?? (s.type === "audio" ? "microphone" : "camera");
      out.push({ mid: s.mid, participantId, kind: s.type, source });
    }
    return out;
  }
}

/** Janus's errors do not leave `media/`: they become the media plane's own, with Janus's code. */
async function asMediaError<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (err instanceof JanusError) throw new MediaError(err.message, "failed", err.code);
    throw err;
  }
}
