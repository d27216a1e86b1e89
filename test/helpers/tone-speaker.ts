/**
 * A participant who really talks: a raw protocol client whose publish connection is libwebrtc (@roamhq/wrtc,
 * bots/media.ts BotPublisher) encoding the bots' tone live. libwebrtc measures the sound it sends and puts the
 * level in each packet (the ssrc-audio-level RTP extension) — what Janus's VideoRoom judges "talking" on; the
 * load bots' replayed packets carry no level, so Janus never hears them talk. Imports nothing from vitest.
 */
import { BotPublisher } from "../../bots/media.js";
import { safeJson } from "./wait.js";
import { type AnyMessage, RawClient } from "./ws-client.js";

export interface ToneSpeaker {
  client: RawClient;
  joined: AnyMessage;
  id: string;
  /** Publishes the tone (microphone on) and resolves once the connection to Janus is up. */
  talk(): Promise<void>;
  close(): void;
}

export async function joinAsToneSpeaker(wsUrl: string, room: string, name: string): Promise<ToneSpeaker> {
  const client = await RawClient.connect(wsUrl);
  const joined = await client.request({ type: "join", v: 1, room, name, audio: true, video: false }, 10_000);
  if (joined.type !== "joined") {
    client.close();
    throw new Error(`${name} could not join: ${safeJson(joined)}`);
  }
  let publisher: BotPublisher | undefined;
  return {
    client,
    joined,
    id: joined.you.id as string,
    async talk() {
      publisher = new BotPublisher({
        iceServers: [],
        audio: "on",
        video: false,
        onCandidate: (candidate) => client.send({ type: "trickle", pc: "publish", candidate }),
      });
      const sdp = await publisher.createOffer();
      const answer = await client.request({ type: "publish", jsep: { type: "offer", sdp } }, 15_000);
      if (answer.type !== "publish.answer") throw new Error(`publish refused: ${safeJson(answer)}`);
      await publisher.applyAnswer(answer.jsep.sdp);
      await publisher.connected(20_000);
    },
    close() {
      publisher?.close();
      client.terminate();
    },
  };
}
