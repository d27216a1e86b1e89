/**
 * The media plane as the rest of the server sees it: a supervised Janus child process and one API session to
 * it. If Janus dies, every media room is gone with it; the engine reports the loss (so the conference can end
 * or re-establish those calls) and starts a fresh Janus.
 */
import { EventEmitter } from "node:events";
import type { Config } from "../config.js";
import { logger } from "../logger.js";
import { countJanusHandles } from "./janus-admin.js";
import { JanusClient } from "./janus-client.js";
import { JanusMediaRoom } from "./janus-media-room.js";
import { type JanusEndpoint, JanusProcess } from "./janus-process.js";
import { type MediaEngine, MediaError, type MediaRoom, type MediaRoomSink } from "./media-room.js";

const log = logger("media-engine");
const RESTART_DELAY_MS = 500;

export interface MediaEngineEvents {
  /** Janus was lost: every room created before now has no media any more. */
  lost: [];
}

export class JanusMediaEngine extends EventEmitter<MediaEngineEvents> implements MediaEngine {
  readonly #process: JanusProcess;
  readonly #maxPublishers: number;
  #client: JanusClient | undefined;
  #endpoint: JanusEndpoint | undefined;
  #closed = false;

  constructor(config: Config["janus"], maxPublishers: number) {
    super();
    this.#process = new JanusProcess(config);
    this.#maxPublishers = maxPublishers;
    this.#process.on("exit", () => this.#onLost());
  }

  get janusPid(): number | undefined {
    return this.#process.pid;
  }

  get ready(): boolean {
    return this.#client !== undefined && !this.#client.closed;
  }

  /** How many sessions and handles Janus holds right now (admin API); null while it is down. */
  async janusCounts(): Promise<{ sessions: number; handles: number } | null> {
    if (!this.#endpoint || !this.ready) return null;
    return countJanusHandles(this.#endpoint);
  }

  async start(): Promise<void> {
    const endpoint = await this.#process.start();
    this.#endpoint = endpoint;
    const client = await JanusClient.connect(endpoint.url, endpoint.apiSecret);
    client.on("close", () => {
      if (this.#client === client) this.#onLost();
    });
    this.#client = client;
  }

  async createRoom(name: string, sink: MediaRoomSink): Promise<MediaRoom> {
    const client = this.#client;
    if (!client || client.closed) throw new MediaError("the media server is not available");
    return JanusMediaRoom.create(client, name, sink, this.#maxPublishers);
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#client?.close();
    this.#client = undefined;
    await this.#process.stop();
  }

  #onLost(): void {
    if (this.#closed || !this.#client) return;
    log.error("media server lost; restarting it");
    this.#client.close();
    this.#client = undefined;
    this.emit("lost");
    void this.#process.stop().then(() =>
      setTimeout(() => {
        if (this.#closed) return;
        this.start().catch((err) => log.error("media server restart failed", { err: String(err) }));
      }, RESTART_DELAY_MS),
    );
  }
}
