/**
 * The few Janus admin API calls we use, for metrics: how many sessions and handles Janus holds (so a leak
 * shows up as a number that does not come back down). One short-lived WebSocket per call.
 */
import { randomBytes } from "node:crypto";
import WebSocket from "ws";
import type { JanusEndpoint } from "./janus-process.js";

type AdminReply = { janus: string; transaction?: string; sessions?: number[]; handles?: number[] };

export async function countJanusHandles(
  endpoint: JanusEndpoint,
): Promise<{ sessions: number; handles: number }> {
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
    const call = (body: Record<string, unknown>) =>
      new Promise<AdminReply>((resolve, reject) => {
        const transaction = randomBytes(6).toString("hex");
        const timer = setTimeout(() => reject(new Error("janus admin timed out")), 3000);
        pending.set(transaction, (r) => {
          clearTimeout(timer);
          resolve(r);
        });
        ws.send(JSON.stringify({ ...body, transaction, admin_secret: endpoint.adminSecret }));
      });
    const sessions = (await call({ janus: "list_sessions" })).sessions ?? [];
    let handles = 0;
    for (const session_id of sessions) {
      handles += ((await call({ janus: "list_handles", session_id })).handles ?? []).length;
    }
    return { sessions: sessions.length, handles };
  } finally {
    ws.close();
  }
}
