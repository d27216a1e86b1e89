/** A stand-in for the bus between nodes, for unit tests of the relays: it records, and can be cut. */
import type { Envelope } from "./cluster-schemas.js";
import type { NodeBus } from "./node-bus.js";

/** Every envelope published (with its addressee); deliveries fail while `state.reachable` is false. */
export function recordingBus() {
  const sent: [string, Envelope][] = [];
  const state = { reachable: true };
  const bus = {
    send: (to: string, e: Envelope) => sent.push([to, e]),
    deliver: async (to: string, e: Envelope) => {
      sent.push([to, e]);
      return state.reachable;
    },
  } as unknown as NodeBus;
  return { bus, sent, state };
}
