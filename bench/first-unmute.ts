/**
 * What the first unmute of someone who joined muted costs a full room. A microphone never turned on is in
 * nobody's subscription (PROTOCOL.md, subscribe.offer), so its first turn-on renegotiates the subscription of
 * everyone who receives media; later mutes and unmutes do not. Measured with one extra bot that joins muted and
 * then unmutes, while a Chromium page is in the room: the signaling messages of that one event, and the time
 * from the bot's media.state to the page decoding sound from it.
 */
import { PalabreBot } from "../bots/swarm.js";
import type { Participant } from "../test/e2e/helpers/browser.js";
import { sleep } from "../test/helpers/wait.js";
import { pageDecoded, quiet } from "./lib.js";

export interface FirstUnmute {
  /** Signaling messages (in + out, whole server) from the unmute until the server is quiet again. */
  messages: number;
  /** From the bot's media.state to the page's first decoded sound from it; null if not heard in time. */
  heardMs: number | null;
}

export async function measureFirstUnmute(
  origin: string,
  wsUrl: string,
  room: string,
  page: Participant,
  timeoutMs = 15_000,
): Promise<FirstUnmute> {
  const bot = new PalabreBot(wsUrl, room, {
    name: "cap-unmute",
    audio: "muted",
    video: false,
    subscribe: false,
  });
  try {
    await bot.start();
    const before = await quiet(origin, 1500, 20_000);
    const streams = (await pageDecoded(page.page)).audio;
    const t0 = performance.now();
    await bot.setAudio(true);
    // Heard: a stream the page did not have before, or one that was silent, now carries energy.
    let heardMs: number | null = null;
    while (performance.now() - t0 < timeoutMs) {
      const now = (await pageDecoded(page.page)).audio;
      if (Object.keys(now).some((k) => (now[k] ?? 0) > 0 && (streams[k] ?? 0) === 0)) {
        heardMs = Math.round(performance.now() - t0);
        break;
      }
      await sleep(50);
    }
    const after = await quiet(origin, 2000, 30_000);
    return { messages: after - before, heardMs };
  } finally {
    await bot.leave().catch(() => bot.close());
  }
}
