/**
 * The connection-quality mark on tiles: good, fair or poor, from what getStats says of the stream (loss,
 * round trip, jitter, freezes) and what the adaptation had to do (a video held below what its tile calls for,
 * or paused), plus the media server's `connection.slow`; and the numbers shown behind it. Pure.
 */
import type { StreamInfo } from "../../../protocol/messages.js";
import { tileKey } from "../layout/layout-model.js";
import type { VideoDecision } from "./allocation.js";
import type { PublishReading, StreamRates } from "./link-stats.js";

export type ConnectionQuality = "good" | "fair" | "poor";

export interface QualityFacts {
  /** Packet loss over the last seconds, 0..1 (null: unknown). */
  loss: number | null;
  /** Round trip to the media server, seconds (null: unknown). */
  rtt: number | null;
  /** Interarrival jitter, seconds (null: unknown). */
  jitter: number | null;
  /** Freezes seen over the last seconds. */
  freezes: number;
  /** The video was paused to protect the sound. */
  paused: boolean;
  /** The video is received (or sent) below what it should be, for want of bandwidth. */
  reduced: boolean;
  /** The media server said the link is slow, lately. */
  slow: boolean;
}

export function classify(f: QualityFacts): ConnectionQuality {
  const loss = f.loss ?? 0;
  const rtt = f.rtt ?? 0;
  const jitter = f.jitter ?? 0;
  if (f.paused || f.slow || loss >= 0.1 || rtt >= 0.5) return "poor";
  if (f.reduced || f.freezes > 0 || loss >= 0.03 || rtt >= 0.25 || jitter >= 0.1) return "fair";
  return "good";
}

/** The details shown on hover or focus, as numbers ready to format. */
export interface QualityDetails {
  /** Bit/s. */
  bitrate: number | null;
  loss: number | null;
  rtt: number | null;
  width: number | null;
  height: number | null;
}

export function formatBitrate(bps: number): string {
  return bps >= 1_000_000 ? `${(bps / 1_000_000).toFixed(1)} Mbit/s` : `${Math.round(bps / 1000)} kbit/s`;
}

/** A tile's connection-quality mark. */
export interface TileMark {
  quality: ConnectionQuality;
  details: QualityDetails;
}

export interface MarkInput {
  /** The subscribe connection's streams, and their rates over the last interval (by mid). */
  streams: readonly StreamInfo[];
  rates: ReadonlyMap<string, StreamRates>;
  /** The subscribe connection's round trip, seconds. */
  rtt: number | null;
  /** What the adaptation decided per remote video mid. */
  decisions: ReadonlyMap<string, VideoDecision>;
  /** `connection.slow` "down" lately. */
  slowDown: boolean;
  /** Our own side: the publish connection's reading. */
  local: {
    id: string;
    reading: PublishReading;
    /** Bit/s sent over the last interval. */
    bitrate: number | null;
    /** Our camera sends fewer layers than the quality allows, for want of uplink. */
    reduced: boolean;
    slow: boolean;
  } | null;
}

/** The marks by tile key: each remote video's (with its sound), and ours (camera and screen) from the uplink. */
export function tileMarks(m: MarkInput): Map<string, TileMark> {
  const marks = new Map<string, TileMark>();
  for (const s of m.streams) {
    if (s.kind !== "video") continue;
    const video = m.rates.get(s.mid);
    const soundOf = s.source === "screen" ? "screen_audio" : "microphone";
    const sound = m.streams.find((x) => x.participantId === s.participantId && x.source === soundOf);
    const audio = sound ? m.rates.get(sound.mid) : undefined;
    const decision = m.decisions.get(s.mid);
    const loss = worst(video?.loss ?? null, audio?.loss ?? null);
    const received = decision?.send !== false;
    marks.set(tileKey(s.participantId, s.source === "screen" ? "screen" : "camera"), {
      quality: classify({
        loss,
        rtt: m.rtt,
        jitter: video?.jitter ?? audio?.jitter ?? null,
        freezes: video?.freezes ?? 0,
        paused: decision?.send === false && decision.why === "bandwidth",
        reduced: decision?.send === true && decision.layer < decision.wanted,
        slow: m.slowDown,
      }),
      details: {
        bitrate: video || audio ? (video?.bitrate ?? 0) + (audio?.bitrate ?? 0) : null,
        loss,
        rtt: m.rtt,
        width: received && video?.frameWidth ? video.frameWidth : null,
        height: received && video?.frameHeight ? video.frameHeight : null,
      },
    });
  }
  if (m.local) {
    const { id, reading, bitrate, reduced, slow } = m.local;
    const mine: TileMark = {
      quality: classify({
        loss: reading.loss,
        rtt: reading.rtt,
        jitter: null,
        freezes: 0,
        paused: false,
        reduced,
        slow,
      }),
      details: {
        bitrate,
        loss: reading.loss,
        rtt: reading.rtt,
        width: reading.frameWidth || null,
        height: reading.frameHeight || null,
      },
    };
    // Our uplink, on our camera tile and on our own screen's.
    marks.set(tileKey(id, "camera"), mine);
    marks.set(tileKey(id, "screen"), mine);
  }
  return marks;
}

function worst(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.max(a, b);
}
