/**
 * `GET /metrics` in the Prometheus text format: counts and resource use, never names, rooms or addresses.
 * Served to loopback clients only unless METRICS_PUBLIC=1 (a scraper on the same host, or behind a proxy
 * that the operator controls).
 */

export interface MetricsSource {
  rooms(): number;
  participants(): number;
  waiting(): number;
  connections(): number;
  wsMessages(): { in: number; out: number };
  janus(): Promise<{ pid: number | undefined; sessions: number; handles: number } | null>;
  /** In a cluster: this node's view of it; undefined for one node alone. */
  cluster?: (() => { redisUp: boolean; relays: number; relayed: number }) | undefined;
}

export async function renderMetrics(source: MetricsSource): Promise<string> {
  const cpu = process.cpuUsage();
  const memory = process.memoryUsage();
  const ws = source.wsMessages();
  const janus = await source.janus().catch(() => null);
  const lines: [string, string, number][] = [
    ["palabre_rooms", "Rooms with someone in them (or who may come back to them).", source.rooms()],
    ["palabre_participants", "Participants in rooms (not counting the lobby).", source.participants()],
    ["palabre_waiting", "People waiting in lobbies.", source.waiting()],
    ["palabre_connections", "Open signaling WebSockets.", source.connections()],
    ["palabre_ws_messages_in_total", "Signaling messages received.", ws.in],
    ["palabre_ws_messages_out_total", "Signaling messages sent.", ws.out],
    [
      "process_cpu_seconds_total",
      "CPU time of the Node process (user + system).",
      (cpu.user + cpu.system) / 1e6,
    ],
    ["process_resident_memory_bytes", "Resident memory of the Node process.", memory.rss],
    // RSS alone cannot tell a leak (heap in use climbing) from a heap V8 grew and has not given back yet.
    [
      "nodejs_heap_used_bytes",
      "V8 heap in use (live objects and not yet collected garbage).",
      memory.heapUsed,
    ],
    ["nodejs_heap_total_bytes", "V8 heap reserved.", memory.heapTotal],
    [
      "nodejs_external_memory_bytes",
      "Memory of buffers and other objects outside the V8 heap.",
      memory.external,
    ],
  ];
  if (janus) {
    lines.push(
      ["palabre_janus_pid", "Process id of the Janus child.", janus.pid ?? 0],
      ["palabre_janus_sessions", "Janus API sessions.", janus.sessions],
      [
        "palabre_janus_handles",
        "Janus plugin handles (publishers, subscribers, room controls).",
        janus.handles,
      ],
    );
  }
  const cluster = source.cluster?.();
  if (cluster) {
    lines.push(
      ["palabre_cluster_redis_up", "1 while this node is connected to Redis.", cluster.redisUp ? 1 : 0],
      ["palabre_cluster_relays", "Sockets here whose meeting another node holds.", cluster.relays],
      [
        "palabre_cluster_relayed",
        "Connections of other nodes served here (meetings held here).",
        cluster.relayed,
      ],
    );
  }
  return lines.map(([name, help, value]) => `# HELP ${name} ${help}\n${name} ${value}\n`).join("");
}
