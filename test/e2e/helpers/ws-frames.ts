/**
 * Records every WebSocket frame a page sends and receives (through Playwright's `websocket` events, so the app
 * is untouched). Install before the page opens its socket, i.e. before `goto`. The pre-join screen's count of
 * who is in the meeting (`room.peek`, on short-lived sockets of its own) is kept apart, in `peeks`: it is not
 * the meeting's socket, and what it says (a count) is all a page learns before joining.
 */
import type { Page, WebSocket } from "playwright-core";

// biome-ignore lint/suspicious/noExplicitAny: protocol messages are inspected loosely by tests
export type Frame = Record<string, any> & { type: string };

export interface FrameLog {
  /** Every parsed frame received by the page, all sockets, in order. */
  received: Frame[];
  /** When (Date.now() in the test process) each frame of `received` arrived, same order. */
  receivedAt: number[];
  /** Every parsed frame the page sent. */
  sent: Frame[];
  /** Frames that were not JSON objects. */
  unparsable: string[];
  /** The sockets the page opened for the meeting, in order (not the pre-join's peeks). */
  sockets: WebSocket[];
  /** What the pre-join's `room.peek` sockets received (`room.info` counts). */
  peeks: Frame[];
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
    receivedAt: [],
    sent: [],
    unparsable: [],
    sockets: [],
    peeks: [],
    mark: () => log.received.length,
    typesSince: (from) => log.received.slice(from).map((f) => f.type),
  };
  page.on("websocket", (ws) => {
    // A socket is told apart by the first frame the page sends on it (the server speaks only when asked).
    let kind: "meeting" | "peek" | null = null;
    ws.on("framesent", ({ payload }) => {
      if (kind === null) {
        const first: Frame[] = [];
        parse(payload, first, []);
        kind = first[0]?.type === "room.peek" ? "peek" : "meeting";
        if (kind === "meeting") log.sockets.push(ws);
      }
      if (kind === "meeting") parse(payload, log.sent, log.unparsable);
    });
    ws.on("framereceived", ({ payload }) => {
      if (kind === "peek") parse(payload, log.peeks, log.unparsable);
      else {
        parse(payload, log.received, log.unparsable);
        while (log.receivedAt.length < log.received.length) log.receivedAt.push(Date.now());
      }
    });
  });
  return log;
}
