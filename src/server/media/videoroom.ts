/**
 * The parts of the Janus VideoRoom plugin API we use that are not tied to one publisher or subscriber:
 * creating and destroying rooms, and reading a subscriber's stream layout.
 */
import type { JanusHandle } from "./janus-client.js";

export const VIDEOROOM_PLUGIN = "janus.plugin.videoroom";

export interface RoomOptions {
  maxPublishers: number;
}

/** Creates a room that lives only in Janus's memory. */
export async function createVideoRoom(handle: JanusHandle, roomId: number, opts: RoomOptions): Promise<void> {
  await handle.request({
    request: "create",
    room: roomId,
    permanent: false,
    is_private: true,
    publishers: opts.maxPublishers,
    audiocodec: "opus",
    videocodec: "vp8",
    // Opus in-band FEC (Janus strips it by default): each packet also carries a coarse copy of the one
    // before, so a single lost packet is rebuilt instead of concealed. Audio first on a poor connection.
    opus_fec: true,
    // Janus forwards, never records: privacy, and nothing written to disk.
    record: false,
    notify_joining: false,
    audiolevel_event: true,
    audio_active_packets: 50,
    audio_level_average: 40,
  });
}

export async function destroyVideoRoom(handle: JanusHandle, roomId: number): Promise<void> {
  await handle.request({ request: "destroy", room: roomId, permanent: false });
}

/** One m-line of a subscriber connection, as Janus describes it in `attached`/`updated` events. */
export interface SubscriberStream {
  mid: string;
  type: string;
  feedId: number | undefined;
  /** The publisher's own mid for this stream. */
  feedMid: string | undefined;
  active: boolean;
}

export function readSubscriberStreams(data: Record<string, unknown>): SubscriberStream[] | undefined {
  const streams = data.streams;
  if (!Array.isArray(streams)) return undefined;
  return streams.map((raw) => {
    const s = raw as Record<string, unknown>;
    return {
      mid: String(s.mid),
      type: String(s.type),
      feedId: typeof s.feed_id === "number" ? s.feed_id : undefined,
      feedMid: typeof s.feed_mid === "string" ? s.feed_mid : undefined,
      active: s.active !== false,
    };
  });
}

/** A random id that fits both Janus's 64-bit ids and JavaScript's safe integers. */
export function randomJanusId(): number {
  return Math.floor(Math.random() * 2 ** 48) + 1;
}
