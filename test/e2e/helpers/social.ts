/**
 * E2E helpers for chat, raised hands and reactions, and for cutting a page's signaling socket: what the tests
 * read is the UI (by the selectors contract) and, where a test must prove something was never delivered, the
 * WebSocket frames the page received.
 */
import type { Page, WebSocket as PwWebSocket } from "playwright-core";
import { safeJson, waitFor } from "../../helpers/wait.js";

export const social = {
  toggleChat: "button[data-testid=toggle-chat]",
  chatUnread: "[data-testid=toggle-chat] [data-testid=chat-unread]",
  chatPanel: "[data-testid=chat-panel]",
  chatMessage: "[data-testid=chat-message]",
  chatFrom: "[data-testid=chat-from]",
  chatText: "[data-testid=chat-text]",
  chatInput: "textarea[data-testid=chat-input]",
  chatRecipient: "select[data-testid=chat-recipient]",
  chatSend: "button[data-testid=chat-send]",
  chatError: "[data-testid=chat-error]",
  toggleHand: "button[data-testid=toggle-hand]",
  tileHand: "[data-testid=tile-hand]",
  handsList: "[data-testid=hands-list]",
  handEntry: "[data-testid=hand-entry]",
  giveFloor: "[data-testid=give-floor]",
  lowerHand: "[data-testid=lower-hand]",
  lowerAllHands: "[data-testid=lower-all-hands]",
  floorNotice: "[data-testid=floor-notice]",
  toggleReactions: "button[data-testid=toggle-reactions]",
  reactionsMenu: "[data-testid=reactions-menu]",
  reaction: (emoji: string) => `button[data-testid=reaction][data-emoji="${emoji}"]`,
  reactionBurst: (emoji: string) => `[data-testid=reaction-burst][data-emoji="${emoji}"]`,
  toggleParticipants: "button[data-testid=toggle-participants]",
  participantsPane: "[data-testid=participants-pane]",
  participantRow: (id: string) => `[data-testid=participant-row][data-participant-id="${id}"]`,
  handPosition: "[data-testid=hand-position]",
} as const;

// ── The signaling socket ──────────────────────────────────────────────────────────────────────

/**
 * Init script: keeps every WebSocket the page creates in `window.__sockets`, so a test can cut the current
 * one (`close(4999)`: a close code the client does not know, i.e. a lost connection). While
 * `window.__holdSockets` is true, sockets created from then on queue what the page sends instead of sending
 * it, until `window.__releaseSockets()`: a slow network, to keep the client "reconnecting" for as long as a
 * test needs.
 */
export const SOCKET_TRACKER_SCRIPT = `(() => {
  if (window.__sockets) return;
  const Native = window.WebSocket;
  window.__sockets = [];
  window.__holdSockets = false;
  class TrackedWebSocket extends Native {
    constructor(...args) {
      super(...args);
      this.__held = window.__holdSockets ? [] : null;
      window.__sockets.push(this);
    }
    send(data) {
      if (this.__held) this.__held.push(data);
      else super.send(data);
    }
  }
  window.__releaseSockets = () => {
    window.__holdSockets = false;
    for (const s of window.__sockets) {
      const held = s.__held;
      s.__held = null;
      if (held && s.readyState === 1) for (const d of held) Native.prototype.send.call(s, d);
    }
  };
  window.WebSocket = TrackedWebSocket;
})();`;

export async function installSocketTracker(page: Page): Promise<void> {
  await page.addInitScript(SOCKET_TRACKER_SCRIPT);
}

interface SocketSummary {
  count: number;
  lastState: number | null;
  lastHeld: number | null;
}

export async function socketSummary(page: Page): Promise<SocketSummary> {
  return page.evaluate(() => {
    const w = window as unknown as { __sockets?: (WebSocket & { __held: unknown[] | null })[] };
    const list = w.__sockets ?? [];
    const last = list.at(-1);
    return {
      count: list.length,
      lastState: last ? last.readyState : null,
      lastHeld: last?.__held ? last.__held.length : null,
    };
  });
}

/**
 * Cuts the page's current signaling socket with close code 4999 (the client must take it for a lost
 * connection and come back with `resume`). With `hold`, the sockets it opens next send nothing until
 * `releaseSockets`. Returns how many sockets the page had opened before.
 */
export async function dropSignaling(page: Page, { hold = false } = {}): Promise<number> {
  return page.evaluate((holdNext) => {
    const w = window as unknown as { __sockets?: WebSocket[]; __holdSockets: boolean };
    const list = w.__sockets ?? [];
    const last = list.at(-1);
    if (!last || last.readyState !== WebSocket.OPEN) {
      throw new Error(`no open signaling socket to drop (${list.length} tracked)`);
    }
    w.__holdSockets = holdNext;
    last.close(4999, "test: connection lost");
    return list.length;
  }, hold);
}

export async function releaseSockets(page: Page): Promise<void> {
  await page.evaluate(() => (window as unknown as { __releaseSockets: () => void }).__releaseSockets());
}

// ── Frames a page received ─────────────────────────────────────────────────────────────────────

export interface FrameLog {
  /** Every text frame received by any WebSocket of the page, parsed when it was JSON, in order. */
  // biome-ignore lint/suspicious/noExplicitAny: server messages are inspected loosely by tests
  frames: { socket: number; raw: string; msg: Record<string, any> | null }[];
  sockets: number;
  /** Messages of one type, in order. */
  // biome-ignore lint/suspicious/noExplicitAny: server messages are inspected loosely by tests
  ofType(type: string): Record<string, any>[];
  /** Whether any frame's raw text contains `text`. */
  sawText(text: string): boolean;
}

/** Records every frame any WebSocket of `page` receives (attach before the page connects). */
export function recordFrames(page: Page): FrameLog {
  const log: FrameLog = {
    frames: [],
    sockets: 0,
    ofType: (type) => log.frames.filter((f) => f.msg?.type === type).map((f) => f.msg ?? {}),
    sawText: (text) => log.frames.some((f) => f.raw.includes(text)),
  };
  page.on("websocket", (ws: PwWebSocket) => {
    const socket = log.sockets++;
    ws.on("framereceived", ({ payload }) => {
      const raw = typeof payload === "string" ? payload : payload.toString("utf8");
      let msg = null;
      try {
        msg = JSON.parse(raw);
      } catch {
        /* kept raw */
      }
      log.frames.push({ socket, raw, msg });
    });
  });
  return log;
}

// ── Chat ──────────────────────────────────────────────────────────────────────────────────────

export interface ShownMessage {
  from: string;
  text: string;
  private: boolean;
}

export async function isChatOpen(page: Page): Promise<boolean> {
  return (await page.locator(social.chatPanel).count()) > 0;
}

export async function openChat(page: Page): Promise<void> {
  if (!(await isChatOpen(page))) await page.locator(social.toggleChat).click();
  await page.locator(social.chatPanel).waitFor({ state: "visible", timeout: 20_000 });
}

export async function closeChat(page: Page): Promise<void> {
  if (await isChatOpen(page)) await page.locator(social.toggleChat).click();
  await page.locator(social.chatPanel).waitFor({ state: "detached", timeout: 20_000 });
}

/** The messages the open chat panel shows, in order (pending ones, not yet confirmed, are not included). */
export async function shownMessages(page: Page): Promise<ShownMessage[]> {
  return page.locator(`${social.chatPanel} ${social.chatMessage}`).evaluateAll((items) =>
    items.map((li) => ({
      from: li.querySelector("[data-testid=chat-from]")?.textContent ?? "",
      text: li.querySelector("[data-testid=chat-text]")?.textContent ?? "",
      private: li.getAttribute("data-private") === "true",
    })),
  );
}

/** Types `text` and clicks Send (to `recipientId`, or everyone); the panel must be open. */
export async function sendChat(page: Page, text: string, recipientId = ""): Promise<void> {
  await page.locator(social.chatRecipient).selectOption(recipientId);
  await page.locator(social.chatInput).fill(text);
  await page.locator(social.chatSend).click();
}

/** Waits until the panel shows messages whose texts, filtered by `keep`, equal `texts` (in order). */
export async function waitForShownTexts(
  page: Page,
  texts: string[],
  keep: (m: ShownMessage) => boolean,
  what: string,
  timeoutMs = 30_000,
): Promise<ShownMessage[]> {
  let last: ShownMessage[] = [];
  try {
    return await waitFor(
      async () => {
        last = (await shownMessages(page)).filter(keep);
        return safeJson(last.map((m) => m.text)) === safeJson(texts) ? last : undefined;
      },
      { timeoutMs, intervalMs: 200, what },
    );
  } catch {
    throw new Error(
      `${what}: expected ${safeJson(texts)}, the panel shows ${safeJson(last.map((m) => m.text))}`,
    );
  }
}

/** The unread badge's number, or 0 when it is not shown. */
export async function unreadCount(page: Page): Promise<number> {
  const badge = page.locator(social.chatUnread);
  if ((await badge.count()) === 0) return 0;
  const text = (await badge.first().textContent())?.trim() ?? "";
  const n = Number(text);
  if (!Number.isInteger(n)) throw new Error(`unread badge shows "${text}", not a count`);
  return n;
}

// ── Hands ─────────────────────────────────────────────────────────────────────────────────────

/** Participant ids in the moderator's hands list, in order ([] when the list is not shown). */
export async function handsListOrder(page: Page): Promise<string[]> {
  return page
    .locator(`${social.handsList} ${social.handEntry}`)
    .evaluateAll((items) => items.map((el) => el.getAttribute("data-participant-id") ?? "?"));
}

/** participant id → the number shown by its tile's raised-hand mark (tiles without one are left out). */
export async function tileHandPositions(page: Page): Promise<Record<string, number>> {
  return page.locator("[data-testid=tile]").evaluateAll((tiles) => {
    const out: Record<string, number> = {};
    for (const tile of tiles) {
      const mark = tile.querySelector("[data-testid=tile-hand]");
      if (!mark) continue;
      const digits = /\d+/.exec(mark.textContent ?? "");
      out[tile.getAttribute("data-participant-id") ?? "?"] = digits ? Number(digits[0]) : -1;
    }
    return out;
  });
}

/** The tiles' hand marks as an ordered list of ids (by position). */
export function orderFromPositions(positions: Record<string, number>): string[] {
  return Object.entries(positions)
    .sort(([, a], [, b]) => a - b)
    .map(([id]) => id);
}

/**
 * Waits until the page's tiles show exactly the hands `ids`, at positions 1, 2, … in that order (and, when
 * `moderator`, the hands list shows the same order).
 */
export async function waitForHandOrder(
  page: Page,
  ids: string[],
  { moderator = false, what = "hand order", timeoutMs = 30_000 } = {},
): Promise<void> {
  const want: Record<string, number> = Object.fromEntries(ids.map((id, i) => [id, i + 1]));
  let lastTiles: Record<string, number> = {};
  let lastList: string[] = [];
  try {
    await waitFor(
      async () => {
        lastTiles = await tileHandPositions(page);
        if (safeJson(sortKeys(lastTiles)) !== safeJson(sortKeys(want))) return false;
        if (!moderator) return true;
        lastList = await handsListOrder(page);
        return safeJson(lastList) === safeJson(ids);
      },
      { timeoutMs, intervalMs: 200, what },
    );
  } catch {
    throw new Error(
      `${what}: expected ${safeJson(ids)}; tiles show ${safeJson(lastTiles)}${
        moderator ? `, the hands list ${safeJson(lastList)}` : ""
      }`,
    );
  }
}

function sortKeys(o: Record<string, number>): [string, number][] {
  return Object.entries(o).sort(([a], [b]) => a.localeCompare(b));
}
