import type { ServerMessage } from "../../protocol/messages.js";
import type { ParticipantSink, Router } from "./router.js";

/** Every participant's connection is in this process. */
export class LocalRouter implements Router {
  readonly #sinks = new Map<string, ParticipantSink>();

  attach(participantId: string, sink: ParticipantSink): void {
    this.#sinks.set(participantId, sink);
  }

  detach(participantId: string, sink: ParticipantSink): boolean {
    if (this.#sinks.get(participantId) !== sink) return false;
    this.#sinks.delete(participantId);
    return true;
  }

  deliver(participantId: string, message: ServerMessage): void {
    this.#sinks.get(participantId)?.send(message);
  }

  disconnect(participantId: string, code: number, reason: string): void {
    this.#sinks.get(participantId)?.close(code, reason);
  }

  get size(): number {
    return this.#sinks.size;
  }
}
