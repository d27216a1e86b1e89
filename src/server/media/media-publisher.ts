/**
 * One participant's publish connection: a VideoRoom publisher handle in Janus.
 */
import type { Candidate, Device, Jsep, MediaKind, Source } from "../../protocol/messages.js";
import { errorFields } from "../log-fields.js";
import { logger } from "../logger.js";
import type { JanusClient, JanusHandle, PluginMessage } from "./janus-client.js";
import { MediaError } from "./media-room.js";
import { checkPublishShape, mediaSections, sourcesOf } from "./sdp.js";
import { VIDEOROOM_PLUGIN } from "./videoroom.js";

const log = logger("media-publisher");

export interface PublisherCallbacks {
  state(up: boolean): void;
  talking(talking: boolean): void;
  /** Janus is losing this publisher's packets (its uplink is poor). */
  slow(kind: MediaKind, lost: number): void;
  /** A renegotiation added m-lines (a screen share): subscribers of this feed must subscribe to them too. */
  added(mids: string[]): void;
}

/** The published sources a device stands for, to leave out of subscriptions a device never turned on. */
const DEVICE_SOURCES: Record<Device, Source[]> = {
  audio: ["microphone"],
  video: ["camera"],
  screen: ["screen", "screen_audio"],
};

/**
 * Whether a moderator's block on `device` covers an m-line. Audio goes by the m-line's kind: a mute cuts every
 * sound the participant publishes, whatever label the client gave it (a microphone declared as a screen's
 * sound is still heard otherwise). A camera declared as a screen shows as a screen share, which the screen
 * block stops.
 */
export function blockCovers(device: Device, kind: "audio" | "video", source: Source | undefined): boolean {
  if (device === "audio") return kind === "audio";
  if (device === "video") return kind === "video" && source !== "screen";
  return source === "screen" || source === "screen_audio";
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
  /** What each published m-line carries, from the latest offer. */
  #sources = new Map<string, Source>();
  /** Each published m-line's kind, from the latest offer. */
  #kinds = new Map<string, "audio" | "video">();
  /** The m-lines a moderator's block has muted in Janus. */
  readonly #muted = new Set<string>();
  /** Devices a moderator blocked; re-applied to every new publish offer. */
  readonly #blocked = new Set<Device>();
  /** When Janus last said this feed started talking (ms, monotonic); -Infinity: never. */
  #talkedAt = Number.NEGATIVE_INFINITY;

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

  /** Whether the feed carries pictures (a camera or a screen m-line). */
  get sendsVideo(): boolean {
    for (const source of this.#sources.values()) if (source === "camera" || source === "screen") return true;
    return false;
  }

  /** When the feed last started talking (ms, monotonic; -Infinity: never). */
  get talkedAt(): number {
    return this.#talkedAt;
  }

  /** The published m-lines (mids, from the latest offer), but those of the `hidden` devices. */
  midsExcept(hidden: Iterable<Device>): string[] {
    const skip = new Set([...hidden].flatMap((d) => DEVICE_SOURCES[d]));
    return [...this.#sources].filter(([, source]) => !skip.has(source)).map(([mid]) => mid);
  }

  /** What the publisher's m-line `mid` carries. */
  sourceOf(mid: string): Source | undefined {
    return this.#sources.get(mid);
  }

  async publish(offer: Jsep, declared?: { mid: string; source: Source }[]): Promise<Jsep> {
    const sources = sourcesOf(offer.sdp, declared);
    checkPublishShape(offer.sdp, sources);
    const handle = await this.#ensureHandle();
    const body = this.#joined
      ? { request: "configure", audio: true, video: true }
      : { request: "joinandconfigure", ptype: "publisher", room: this.#roomId, id: this.feedId };
    // Janus reads simulcast rids highest first unless told otherwise; the protocol lists them lowest first.
    const reply = await handle.request(body, { jsep: { ...offer, rid_order: "lmh" }, async: true });
    if (reply.jsep?.type !== "answer") throw new MediaError("the SFU sent no answer");
    const wasJoined = this.#joined;
    const before = this.#sources;
    this.#joined = true;
    this.#sources = sources;
    this.#kinds = new Map(mediaSections(offer.sdp).map((s) => [s.mid, s.kind]));
    // A new offer may carry new m-lines, and Janus applies a mute to the m-lines it names: say it again.
    this.#muted.clear();
    await this.#applyBlocks();
    const added = [...this.#sources.keys()].filter((mid) => !before.has(mid));
    if (wasJoined && added.length > 0) this.#callbacks.added(added);
    return { type: "answer", sdp: reply.jsep.sdp };
  }

  /** Asks the publisher's browser for a key frame on m-line `mid` (Janus sends at most one PLI a second). */
  async requestKeyFrame(mid: string): Promise<void> {
    const handle = this.#handle;
    if (!handle || !this.#joined || !this.#sources.has(mid)) return;
    await handle.request({ request: "configure", streams: [{ mid, keyframe: true }] });
  }

  async setBlocked(device: Device, blocked: boolean): Promise<void> {
    if (blocked === this.#blocked.has(device)) return;
    if (blocked) this.#blocked.add(device);
    else this.#blocked.delete(device);
    if (this.#joined) await this.#applyBlocks();
  }

  trickle(candidate: Candidate | null): void {
    // Candidates may come before `publish` has attached the handle: chain them behind the attach.
    this.#ensureHandle()
      .then((h) => h.trickle(candidate))
      .catch((err) => log.debug("trickle dropped", errorFields(err)));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#setUp(false);
    const handle = this.#handle ?? (await this.#attaching?.catch(() => undefined));
    await handle?.detach();
  }

  /** Mutes in Janus every m-line some block covers, and unmutes those none covers any more. */
  async #applyBlocks(): Promise<void> {
    const handle = this.#handle;
    if (!handle) return;
    for (const [mid, kind] of this.#kinds) {
      const source = this.#sources.get(mid);
      const mute = [...this.#blocked].some((device) => blockCovers(device, kind, source));
      if (mute === this.#muted.has(mid)) continue;
      if (mute) this.#muted.add(mid);
      else this.#muted.delete(mid);
      await handle.request({ request: "moderate", room: this.#roomId, id: this.feedId, mid, mute });
    }
  }

  #ensureHandle(): Promise<JanusHandle> {
    if (this.#closed) return Promise.reject(new MediaError("publisher closed"));
    this.#attaching ??= this.#client.attach(VIDEOROOM_PLUGIN).then((handle) => {
      this.#handle = handle;
      handle.on("webrtcup", () => this.#setUp(true));
      handle.on("hangup", () => this.#setUp(false));
      handle.on("detached", () => this.#setUp(false));
      handle.on("event", (msg) => this.#onEvent(msg));
      // Janus's `uplink: false` means it is missing packets from the peer: this publisher's uplink is poor.
      handle.on("slowlink", (info) => {
        if (!info.uplink && (info.media === "audio" || info.media === "video")) {
          this.#callbacks.slow(info.media, info.lost ?? 0);
        }
      });
      if (this.#closed) void handle.detach();
      return handle;
    });
    return this.#attaching;
  }

  #onEvent(msg: PluginMessage): void {
    const kind = msg.data.videoroom;
    // Janus tells every publisher about everyone's talking; we only relay our own feed's.
    if ((kind === "talking" || kind === "stopped-talking") && msg.data.id === this.feedId) {
      if (kind === "talking") this.#talkedAt = performance.now();
      this.#callbacks.talking(kind === "talking");
    }
  }

  #setUp(up: boolean): void {
    if (this.#up === up) return;
    this.#up = up;
    this.#callbacks.state(up);
  }
}
