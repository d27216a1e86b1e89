/**
 * How server messages reach the client's modules: each module gives one table of handlers, keyed by message
 * type and typed by it (a handler for a type that does not exist, or with the wrong message shape, does not
 * compile), and every message the server sends on its own goes through every table registered, in order.
 */
import type { ServerMessage, ServerMessageOf, ServerMessageType } from "../../protocol/messages.js";

export type ServerHandlers = { [K in ServerMessageType]?: (message: ServerMessageOf<K>) => void };

export class HandlerTables {
  readonly #tables = new Set<ServerHandlers>();

  /** Adds a table; the returned function removes it. */
  register(table: ServerHandlers): () => void {
    this.#tables.add(table);
    return () => this.#tables.delete(table);
  }

  dispatch(message: ServerMessage): void {
    // Copy: a handler may register or remove a table while we go through them.
    for (const table of [...this.#tables]) {
      const handler = table[message.type] as ((m: ServerMessage) => void) | undefined;
      if (!handler) continue;
      try {
        handler(message);
      } catch (err) {
        // One faulty module must not starve the others of the message.
        console.error(`palabre: handler for '${message.type}' threw`, err);
      }
    }
  }
}
