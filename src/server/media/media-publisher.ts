/**
 * One participant's publish connection: a VideoRoom publisher handle in Janus.
 */
import type { Candidate, Jsep, MediaKind } from "../../protocol/messages.js";
import { logger } from "../logger.js";
import type { JanusClient, JanusHandle, PluginMessage } from "./janus-client.js";
import { MediaError } from "./media-room.js";
import { midsByKind } from "./sdp.js";
import { VIDEOROOM_PLUGIN } from "./videoroom.js";

const log = logger("media-publisher");

export interface PublisherCallbacks {
  state(up: boolean): void;
  talking(talking: boolean): void;
}

export class MediaPublisher {
  readonly feedId: number;
  readonly #client: JanusClient;
  readonly #roomId: number;
  readonly #callbacks: PublisherCallbacks;
  #handle: JanusHandle | undefined;
  #attaching: Promise<JanusHandle> | undefined;
  #joined = false;
  #up = false;
  #closed = false;
  /** The mids of the published audio and video, from the latest offer. */
  #mids: { audio?: string; video?: string } = {};
  /** Streams a moderator blocked; re-applied to every new publish connection. */
  readonly #blocked = new Set<MediaKind>();

  constructor(client: JanusClient, roomId: number, feedId: number, callbacks: PublisherCallbacks) {
    this.#client = client;
    this.#roomId = roomId;
    this.feedId = feedId;
    this.#callbacks = callbacks;
  }

  /** Whether Janus has the publisher's media flowing (subscribers may attach to it). */
  get up(): boolean {
    return this.#up;
  }

  async publish(offer: Jsep): Promise<Jsep> {
    const handle = await this.#ensureHandle();
    const body = this.#joined
      ? { request: "configure", audio: true, video: true }
      : { request: "joinandconfigure", ptype: "publisher", room: this.#roomId, id: this.feedId };
    const reply = await handle.request(body, { jsep: offer, async: true });
    if (reply.jsep?.type !== "answer") throw new MediaError("the SFU sent no answer");
    this.#joined = true;
    this.#mids = midsByKind(offer.sdp);
    for (const kind of this.#blocked) await this.#moderate(kind, true);
    return { type: "answer", sdp: reply.jsep.sdp };
  }

  async setBlocked(kind: MediaKind, blocked: boolean): Promise<void> {
    if (blocked === this.#blocked.has(kind)) return;
    if (blocked) this.#blocked.add(kind);
    else this.#blocked.delete(kind);
    if (this.#joined) await this.#moderate(kind, blocked);
  }

  trickle(candidate: Candidate | null): void {
    // Candidates may come before `publish` has attached the handle: chain them behind the attach.
    this.#ensureHandle()
      .then((h) => h.trickle(candidate))
      .catch((err) => log.debug("trickle dropped", { err: String(err) }));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#setUp(false);
    const handle = this.#handle ?? (await this.#attaching?.catch(() => undefined));
    await handle?.detach();
  }

  async #moderate(kind: MediaKind, mute: boolean): Promise<void> {
    const mid = this.#mids[kind];
    if (mid === undefined || !this.#handle) return;
    // `moderate` is a room-management request: it can go through any handle of the session.
    await this.#handle.request({ request: "moderate", room: this.#roomId, id: this.feedId, mid, mute });
  }

  #ensureHandle(): Promise<JanusHandle> {
    if (this.#closed) return Promise.reject(new MediaError("publisher closed"));
    this.#attaching ??= this.#client.attach(VIDEOROOM_PLUGIN).then((handle) => {
      this.#handle = handle;
      handle.on("webrtcup", () => this.#setUp(true));
      handle.on("hangup", () => this.#setUp(false));
      handle.on("detached", () => this.#setUp(false));
      handle.on("event", (msg) => this.#onEvent(msg));
      if (this.#closed) void handle.detach();
      return handle;
    });
    return this.#attaching;
  }

  #onEvent(msg: PluginMessage): void {
    const kind = msg.data.videoroom;
    // Janus tells every publisher about everyone's talking; we only relay our own feed's.
    if ((kind === "talking" || kind === "stopped-talking") && msg.data.id === this.feedId) {
      this.#callbacks.talking(kind === "talking");
    }
  }

  #setUp(up: boolean): void {
    if (this.#up === up) return;
    this.#up = up;
    this.#callbacks.state(up);
  }
}
