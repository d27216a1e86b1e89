/**
 * Messages between nodes, over Redis pub/sub: each node listens on its own channel and publishes to the
 * channel of the node it addresses. Redis delivers one publisher's messages to a channel in order; a message
 * published while the addressee was cut off is lost, and PUBLISH says so (it reached no subscription): the
 * relays number their messages and send again what did not arrive (ordered-sender.ts).
 */
import { EventEmitter } from "node:events";
import { errorFields } from "../log-fields.js";
import { logger } from "../logger.js";
import { type Envelope, EnvelopeSchema, parseStored } from "./cluster-schemas.js";
import type { RedisLink } from "./redis-link.js";

const log = logger("bus");

const CHANNEL_PREFIX = "palabre:bus:";
/** A relayed frame is at most a client frame, escaped once more: 2 × 512 KiB plus the envelope. */
const MAX_ENVELOPE_CHARS = 1100 * 1024;

export class NodeBus extends EventEmitter<{ envelope: [Envelope] }> {
  readonly #link: RedisLink;
  readonly #channel: string;

  constructor(link: RedisLink, self: string) {
    super();
    this.#link = link;
    this.#channel = CHANNEL_PREFIX + self;
  }

  async start(): Promise<void> {
    this.#link.subscriber.on("message", (channel: string, text: string) => {
      if (channel !== this.#channel) return;
      let envelope: Envelope;
      try {
        envelope = parseStored(EnvelopeSchema, text, "relayed message", MAX_ENVELOPE_CHARS);
      } catch (err) {
        log.warn("dropping a relayed message that does not parse", errorFields(err));
        return;
      }
      this.emit("envelope", envelope);
    });
    await this.#link.subscribe(this.#channel);
  }

  /** Publishes to node `to`; a failure (Redis away) is logged and the message lost, as on a dead socket. */
  send(to: string, envelope: Envelope): void {
    void this.deliver(to, envelope);
  }

  /** Publishes to node `to`: whether it reached that node's subscription (never rejects). */
  async deliver(to: string, envelope: Envelope): Promise<boolean> {
    try {
      return (await this.#link.commands.publish(CHANNEL_PREFIX + to, JSON.stringify(envelope))) > 0;
    } catch (err) {
      log.debug("relay publish failed", { kind: envelope.t, ...errorFields(err) });
      return false;
    }
  }
}
