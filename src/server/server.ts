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
import { ProcessCpu } from "./media/process-cpu.js";
import { IceServerIssuer } from "./media/turn-credentials.js";
import { Cluster } from "./routing/cluster.js";
import { LocalRouter } from "./routing/local-router.js";
import { RemoteSessions } from "./session/remote-sessions.js";
import { Session } from "./session/session.js";

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

export async function startServer(config: Config): Promise<RunningServer> {
  const media = new JanusMediaEngine(config.janus, config.maxParticipantsPerRoom);
  await media.start();
  const router = new LocalRouter();
  const janusCpu = new ProcessCpu();
  const iceServers = new IceServerIssuer(config.ice.urls, config.ice.fixed, config.ice.turnSecret);
  const cluster: Cluster | undefined = config.cluster
    ? new Cluster({ ...config.cluster, janusAddress: config.janus.publicIp }, () => ({
        rooms: conference.roomCount,
        participants: conference.participantCount,
        janusCpu: janusCpu.sample(media.janusPid ?? null),
      }))
    : undefined;
  const conference: Conference = new Conference(
    media,
    router,
    {
      maxParticipants: config.maxParticipantsPerRoom,
      maxWaiting: config.limits.waitingPerRoom,
      maxWaitingPerAddress: config.limits.waitingPerAddress,
      moderatorReturnMs: config.moderatorReturnSeconds * 1000,
      iceServers: () => iceServers.issue(),
      chatHistory: config.chatHistory,
      lobbyByDefault: config.lobbyByDefault,
      handAutoLowerMs: config.handAutoLowerSeconds * 1000,
      maxScreenShares: config.maxScreenShares,
    },
    cluster?.store,
  );
  media.on("lost", () => conference.mediaLost());
  media.on("restored", () => conference.mediaRestored());
  const addresses = new AddressBook(config.limits);
  const sessions = { conference, router };
  let remote: RemoteSessions | undefined;
  if (cluster) {
    remote = new RemoteSessions(
      cluster.bus,
      cluster.placementDeadlineMs,
      // The node holding the socket counted it against its address's cap; here only its wrong passwords count.
      (address) => addresses.open(address, { capped: false }),
      (sink, client) => new Session(sessions, sink, client),
    );
    cluster.onRedisBack = () => cluster.store.saveAll(conference.rooms());
    try {
      await cluster.start(remote, () => conference.roomNames());
    } catch (err) {
      await cluster.close().catch(() => undefined);
      await media.close();
      throw new Error(`cannot join the cluster through REDIS_URL: ${(err as Error).message}`);
    }
  }
  const signaling = new SignalingEndpoint(sessions, {
    addresses,
    trustedProxies: new Set(config.trustedProxies),
    routing: cluster ? { placement: cluster, holdsHere: (room) => conference.has(room) } : undefined,
  });
  const http = createHttpServer({
    clientDir: config.clientDir,
    tls: config.tls,
    health: () => ({ ok: media.ready, media: media.ready ? "up" : "down" }),
    healthDetail: () => ({ rooms: conference.roomCount, participants: conference.participantCount }),
    metricsPublic: config.metricsPublic,
    metrics: () =>
      renderMetrics({
        rooms: () => conference.roomCount,
        participants: () => conference.participantCount,
        waiting: () => conference.dump().reduce((n, r) => n + r.waiting, 0),
        connections: () => signaling.connections,
        wsMessages: () => signaling.counts,
        cluster: cluster
          ? () => ({ redisUp: cluster.link.up, relays: cluster.relayCount, relayed: remote?.size ?? 0 })
          : undefined,
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
    await cluster?.close();
    await media.close();
    throw err;
  }
  const address = http.address();
  const port = typeof address === "object" && address ? address.port : config.port;
  const url = `${config.tls ? "https" : "http"}://${config.host.includes(":") ? `[${config.host}]` : config.host}:${port}`;
  return {
    url,
    async close() {
      if (cluster) {
        // Drain: no new meeting comes here, each meeting's state is written and let go, and its people
        // reconnect (1012) to the node that claims it next.
        await cluster.registry.drain().catch(() => undefined);
        await conference.handOver();
      }
      signaling.close();
      await conference.close();
      await cluster?.close();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      await media.close();
    },
  };
}
