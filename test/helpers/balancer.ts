/**
 * A TCP load balancer for the cluster tests, as an operator's (HAProxy in TCP mode, nginx stream) would be:
 * each connection goes to one of the nodes, and a node that refuses connections (stopped, killed) is skipped
 * for the next one. HTTP requests go round-robin; WebSocket upgrades (`GET /ws`) too, unless the test names
 * the node of the next ones (`steerNextSockets`), so that it knows which node holds which socket. Imports
 * nothing from vitest.
 */
import net from "node:net";

export interface BalancerHandle {
  port: number;
  /** http://127.0.0.1:<port> */
  origin: string;
  /** The next WebSocket connections go to these backends (indexes), in order; then round-robin again. */
  steerNextSockets(...backends: number[]): void;
  /** WebSocket connections sent to each backend so far. */
  socketsPerBackend(): number[];
  /** A node replaced (restarted on another port): its connections go there from now on. */
  replaceBackend(index: number, port: number): void;
  /** Down: every connection through it is cut and new ones are refused (a network partition); up again. */
  setDown(down: boolean): void;
  close(): Promise<void>;
}

export async function startBalancer(ports: number[], host = "127.0.0.1"): Promise<BalancerHandle> {
  const backendPorts = [...ports];
  let nextHttp = 0;
  let nextWs = 0;
  const steered: number[] = [];
  const sockets = backendPorts.map(() => 0);
  const open = new Set<net.Socket>();

  const connectTo = (order: number[], first: Buffer, client: net.Socket, onChosen: (i: number) => void) => {
    const [index, ...rest] = order;
    if (index === undefined) {
      client.destroy();
      return;
    }
    const upstream = net.connect({ host, port: backendPorts[index] as number });
    open.add(upstream);
    let connected = false;
    upstream.once("connect", () => {
      connected = true;
      onChosen(index);
      upstream.write(first);
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
    });
    upstream.once("error", () => {
      open.delete(upstream);
      // Refused before any byte went through: the next node gets the connection.
      if (!connected) connectTo(rest, first, client, onChosen);
      else client.destroy();
    });
    upstream.once("close", () => {
      open.delete(upstream);
      if (connected) client.destroy();
    });
    client.once("close", () => upstream.destroy());
  };

  let down = false;
  const server = net.createServer((client) => {
    if (down) {
      client.destroy();
      return;
    }
    open.add(client);
    client.once("close", () => open.delete(client));
    client.on("error", () => client.destroy());
    client.once("data", (first: Buffer) => {
      client.pause();
      const isWs = first.subarray(0, 8).toString("latin1") === "GET /ws ";
      let start: number;
      if (isWs) start = steered.shift() ?? nextWs++ % backendPorts.length;
      else start = nextHttp++ % backendPorts.length;
      const order = backendPorts.map((_, k) => (start + k) % backendPorts.length);
      connectTo(order, first, client, (i) => {
        if (isWs) sockets[i] = (sockets[i] ?? 0) + 1;
      });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    port,
    origin: `http://${host}:${port}`,
    steerNextSockets(...backends) {
      steered.push(...backends);
    },
    socketsPerBackend: () => [...sockets],
    replaceBackend(index, port) {
      backendPorts[index] = port;
    },
    setDown(value) {
      down = value;
      if (down) for (const s of open) s.destroy();
    },
    async close() {
      for (const s of open) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
