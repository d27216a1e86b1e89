/**
 * Records every WebSocket frame a page sends and receives (through Playwright's `websocket` events, so the app
 * is untouched). Install before the page opens its socket, i.e. before `goto`.
 */
import type { Page, WebSocket } from "playwright-core";

// biome-ignore lint/suspicious/noExplicitAny: protocol messages are inspected loosely by tests
export type Frame = Record<string, any> & { type: string };

export interface FrameLog {
  /** Every parsed frame received by the page, all sockets, in order. */
  received: Frame[];
  /** Every parsed frame the page sent. */
  sent: Frame[];
  /** Frames that were not JSON objects. */
  unparsable: string[];
  /** The sockets the page opened, in order. */
  sockets: WebSocket[];
  /** Current length of `received` (to look at what came after). */
  mark(): number;
  /** Types received since `from` (an earlier `mark()`). */
  typesSince(from: number): string[];
}

function parse(payload: string | Buffer, into: Frame[], bad: string[]): void {
  const text = typeof payload === "string" ? payload : payload.toString("utf8");
  try {
    const value = JSON.parse(text);
    if (value && typeof value === "object" && typeof value.type === "string") into.push(value as Frame);
    else bad.push(text);
  } catch {
    bad.push(text);
  }
}

export function recordFrames(page: Page): FrameLog {
  const log: FrameLog = {
    received: [],
    sent: [],
    unparsable: [],
    sockets: [],
    mark: () => log.received.length,
    typesSince: (from) => log.received.slice(from).map((f) => f.type),
  };
  page.on("websocket", (ws) => {
    log.sockets.push(ws);
    ws.on("framereceived", ({ payload }) => parse(payload, log.received, log.unparsable));
    ws.on("framesent", ({ payload }) => parse(payload, log.sent, log.unparsable));
  });
  return log;
}
