/**
 * Palabre's server: the media plane (Janus as a child), the conference logic, and the HTTP and WebSocket
 * gateway, wired together; `close()` stops them in reverse order.
 */
import { Conference } from "./conference/conference.js";
import type { Config } from "./config.js";
import { AddressBook } from "./gateway/address-book.js";
import { createHttpServer } from "./gateway/http.js";
import { renderMetrics } from "./gateway/metrics.js";
import { SignalingEndpoint } from "./gateway/ws.js";
import { JanusMediaEngine } from "./media/janus-media-engine.js";
import { LocalRouter } from "./routing/local-router.js";

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

export async function startServer(config: Config): Promise<RunningServer> {
  const media = new JanusMediaEngine(config.janus, config.maxParticipantsPerRoom);
  await media.start();
  const router = new LocalRouter();
  const conference = new Conference(media, router, {
    maxParticipants: config.maxParticipantsPerRoom,
    maxWaiting: config.limits.waitingPerRoom,
    maxWaitingPerAddress: config.limits.waitingPerAddress,
    moderatorReturnMs: config.moderatorReturnSeconds * 1000,
    iceServers: config.iceServers,
    chatHistory: config.chatHistory,
    lobbyByDefault: config.lobbyByDefault,
    handAutoLowerMs: config.handAutoLowerSeconds * 1000,
    maxScreenShares: config.maxScreenShares,
  });
  media.on("lost", () => conference.mediaLost());
  media.on("restored", () => conference.mediaRestored());
  const signaling = new SignalingEndpoint(
    { conference, router },
    { addresses: new AddressBook(config.limits), trustedProxies: new Set(config.trustedProxies) },
  );
  const http = createHttpServer({
    clientDir: config.clientDir,
    health: () => ({ ok: media.ready, media: media.ready ? "up" : "down", rooms: conference.roomCount }),
    metricsPublic: config.metricsPublic,
    metrics: () =>
      renderMetrics({
        rooms: () => conference.roomCount,
        participants: () => conference.dump().reduce((n, r) => n + r.participants, 0),
        waiting: () => conference.dump().reduce((n, r) => n + r.waiting, 0),
        connections: () => signaling.connections,
        wsMessages: () => signaling.counts,
        janus: async () => {
          const counts = await media.janusCounts();
          return counts ? { pid: media.janusPid, ...counts } : null;
        },
      }),
    upgrade: (req, socket, head) => signaling.upgrade(req, socket, head),
  });
  try {
    await new Promise<void>((resolve, reject) => {
      http.once("error", reject);
      http.listen(config.port, config.host, () => resolve());
    });
  } catch (err) {
    // The port is taken (or the address wrong): Janus is already running, and would outlive us.
    signaling.close();
    await conference.close();
    await media.close();
    throw err;
  }
  const address = http.address();
  const port = typeof address === "object" && address ? address.port : config.port;
  const url = `http://${config.host.includes(":") ? `[${config.host}]` : config.host}:${port}`;
  return {
    url,
    async close() {
      signaling.close();
      await conference.close();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      await media.close();
    },
  };
}
