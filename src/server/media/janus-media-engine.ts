/**
 * The media plane as the rest of the server sees it: a supervised Janus child process and one API session to
 * it. If Janus dies, every media room is gone with it; the engine reports the loss (`lost`), starts a fresh
 * Janus (trying again until it answers), and reports it back (`restored`) so the conference re-creates the
 * media of its meetings.
 */
import { EventEmitter } from "node:events";
import type { Config } from "../config.js";
import { errorFields } from "../log-fields.js";
import { logger } from "../logger.js";
import { countJanusHandles } from "./janus-admin.js";
import { JanusClient } from "./janus-client.js";
import { JanusMediaRoom } from "./janus-media-room.js";
import { type JanusEndpoint, JanusProcess } from "./janus-process.js";
import { type MediaEngine, MediaError, type MediaRoom, type MediaRoomSink } from "./media-room.js";

const log = logger("media-engine");
/**
 * A restart that failed, or a Janus lost less than CRASH_LOOP_MS after it came up, waits this long before the
 * next try, doubling up to the maximum. A Janus that had been running longer is restarted at once: every second
 * counts for the meetings waiting on it, while one that keeps dying must not be respawned in a tight loop.
 */
const RESTART_RETRY_MS = 1000;
const RESTART_RETRY_MAX_MS = 10_000;
const CRASH_LOOP_MS = 10_000;

/** The wait after one of `previousMs`: doubled, at least RESTART_RETRY_MS, at most RESTART_RETRY_MAX_MS. */
const backedOff = (previousMs: number) =>
  Math.min(RESTART_RETRY_MAX_MS, Math.max(RESTART_RETRY_MS, previousMs * 2));

export interface MediaEngineEvents {
  /** Janus was lost: every room created before now has no media any more. */
  lost: [];
  /** A new Janus answers: media rooms can be created again. */
  restored: [];
}

export class JanusMediaEngine extends EventEmitter<MediaEngineEvents> implements MediaEngine {
  readonly #process: JanusProcess;
  readonly #maxPublishers: number;
  #client: JanusClient | undefined;
  #endpoint: JanusEndpoint | undefined;
  #closed = false;
  /** When the current Janus came up, and the delay its (re)start had waited (0 for an immediate one). */
  #upSince = { at: 0, delayMs: 0 };

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
    const up = this.#upSince;
    const delayMs = Date.now() - up.at < CRASH_LOOP_MS ? backedOff(up.delayMs) : 0;
    void this.#process.stop().then(() => this.#restartAfter(delayMs));
  }

  #restartAfter(delayMs: number): void {
    setTimeout(() => {
      if (this.#closed) return;
      this.start().then(
        () => {
          if (this.#closed) return;
          this.#upSince = { at: Date.now(), delayMs };
          log.info("media server restarted");
          this.emit("restored");
        },
        (err: unknown) => {
          log.error("media server restart failed", errorFields(err));
          void this.#process.stop().then(() => this.#restartAfter(backedOff(delayMs)));
        },
      );
    }, delayMs);
  }
}
