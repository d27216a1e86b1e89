/**
 * The few Janus admin API calls we use: how many sessions and handles Janus holds, for metrics (so a leak
 * shows up as a number that does not come back down), and its status (the settings it runs with, for tests).
 * One short-lived WebSocket per question.
 */
import { randomBytes } from "node:crypto";
import WebSocket from "ws";
import type { JanusEndpoint } from "./janus-process.js";

type AdminReply = {
  janus: string;
  transaction?: string;
  sessions?: number[];
  handles?: number[];
  status?: Record<string, unknown>;
};
type AdminCall = (body: Record<string, unknown>) => Promise<AdminReply>;

/** Opens an admin connection for the length of `use`. */
async function withAdmin<T>(endpoint: JanusEndpoint, use: (call: AdminCall) => Promise<T>): Promise<T> {
  const ws = new WebSocket(endpoint.adminUrl, "janus-admin-protocol");
  try {
    await new Promise<void>((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("error", reject);
    });
    const pending = new Map<string, (reply: AdminReply) => void>();
    ws.on("message", (data) => {
      const reply = JSON.parse(String(data)) as AdminReply;
      if (reply.transaction) pending.get(reply.transaction)?.(reply);
    });
    return await use(
      (body) =>
        new Promise<AdminReply>((resolve, reject) => {
          const transaction = randomBytes(6).toString("hex");
          const timer = setTimeout(() => reject(new Error("janus admin timed out")), 3000);
          pending.set(transaction, (r) => {
            clearTimeout(timer);
            resolve(r);
          });
          ws.send(JSON.stringify({ ...body, transaction, admin_secret: endpoint.adminSecret }));
        }),
    );
  } finally {
    ws.close();
  }
}

export function countJanusHandles(endpoint: JanusEndpoint): Promise<{ sessions: number; handles: number }> {
  return withAdmin(endpoint, async (call) => {
    const sessions = (await call({ janus: "list_sessions" })).sessions ?? [];
    let handles = 0;
    for (const session_id of sessions) {
      handles += ((await call({ janus: "list_handles", session_id })).handles ?? []).length;
    }
    return { sessions: sessions.length, handles };
  });
}

/** Janus's `get_status`: the settings it runs with (min_nack_queue, slowlink_threshold, …). */
export function janusStatus(endpoint: JanusEndpoint): Promise<Record<string, unknown>> {
  return withAdmin(endpoint, async (call) => (await call({ janus: "get_status" })).status ?? {});
}
