/**
 * One participant's publish connection: a VideoRoom publisher handle in Janus.
 */
import type { Candidate, Jsep } from "../../protocol/messages.js";
import { logger } from "../logger.js";
import type { JanusClient, JanusHandle } from "./janus-client.js";
import { MediaError } from "./media-room.js";
import { VIDEOROOM_PLUGIN } from "./videoroom.js";

const log = logger("media-publisher");

export class MediaPublisher {
  readonly feedId: number;
  readonly #client: JanusClient;
  readonly #roomId: number;
  readonly #onState: (up: boolean) => void;
  #handle: JanusHandle | undefined;
  #attaching: Promise<JanusHandle> | undefined;
  #joined = false;
  #up = false;
  #closed = false;

  constructor(client: JanusClient, roomId: number, feedId: number, onState: (up: boolean) => void) {
    this.#client = client;
    this.#roomId = roomId;
    this.feedId = feedId;
    this.#onState = onState;
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
    return { type: "answer", sdp: reply.jsep.sdp };
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

  #ensureHandle(): Promise<JanusHandle> {
    if (this.#closed) return Promise.reject(new MediaError("publisher closed"));
    this.#attaching ??= this.#client.attach(VIDEOROOM_PLUGIN).then((handle) => {
      this.#handle = handle;
      handle.on("webrtcup", () => this.#setUp(true));
      handle.on("hangup", () => this.#setUp(false));
      handle.on("detached", () => this.#setUp(false));
      if (this.#closed) void handle.detach();
      return handle;
    });
    return this.#attaching;
  }

  #setUp(up: boolean): void {
    if (this.#up === up) return;
    this.#up = up;
    this.#onState(up);
  }
}
