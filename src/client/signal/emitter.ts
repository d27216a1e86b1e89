/**
 * A tiny typed event emitter. The signal client and the engine need only on/off/emit,
 * so a dependency (or the DOM's EventTarget with its CustomEvent boxing) would not earn its keep.
 */
export class Emitter<Events extends Record<string, unknown>> {
  private readonly handlers = new Map<keyof Events, Set<(payload: never) => void>>();

  /** Registers a handler; the returned function unregisters it. */
  on<K extends keyof Events>(event: K, handler: (payload: Events[K]) => void): () => void {
    let set = this.handlers.get(event);
    if (!set) {
      set = new Set();
      this.handlers.set(event, set);
    }
    set.add(handler as (payload: never) => void);
    return () => set.delete(handler as (payload: never) => void);
  }

  emit<K extends keyof Events>(event: K, payload: Events[K]): void {
    const set = this.handlers.get(event);
    if (!set) return;
    // Copy: a handler may unregister itself (or others) while we iterate.
    for (const handler of [...set]) {
      try {
        (handler as (payload: Events[K]) => void)(payload);
      } catch (err) {
        // One faulty listener must not starve the others of the event.
        console.error(`palabre: handler for '${String(event)}' threw`, err);
      }
    }
  }

  clear(): void {
    this.handlers.clear();
  }
}
