/**
 * What a bot says of itself (`Bot.report()`): its state, how long joining took, its connections' counters,
 * and what it received from each publisher. Swarms add these up; shards carry them between processes.
 */
import type { InCounters, OutCounters } from "./media.js";

export type BotState = "new" | "connecting" | "joined" | "left" | "closed" | "failed";

export interface BotReport {
  name: string;
  id: string | undefined;
  state: BotState;
  /** connect → `joined`, ms. */
  joinMs: number | undefined;
  /** `joined` → publish connection connected, ms. */
  publishConnectedMs: number | undefined;
  publishState: string;
  subscribeState: string;
  /** subscribe.offer received / answered. */
  offers: number;
  answers: number;
  out: OutCounters;
  in: InCounters;
  /** Packets received per publishing participant (audio + video), from the subscribe connection. */
  inByParticipant: Map<string, { audio: number; video: number; frames: number }>;
  wsIn: number;
  wsOut: number;
  failures: string[];
}

/** The subscribe connection's counters by m-line, added up by the participant each m-line carries. */
export function byParticipant(
  inn: InCounters,
  streams: ReadonlyMap<string, { participantId: string }>,
): BotReport["inByParticipant"] {
  const totals: BotReport["inByParticipant"] = new Map();
  for (const [mid, c] of inn.byMid) {
    const stream = streams.get(mid);
    if (!stream) continue;
    const entry = totals.get(stream.participantId) ?? { audio: 0, video: 0, frames: 0 };
    if (c.kind === "audio") entry.audio += c.packets;
    else entry.video += c.packets;
    entry.frames += c.frames;
    totals.set(stream.participantId, entry);
  }
  return totals;
}
