/**
 * Helpers for the media-recovery and reload tests: finding the server's Janus, watching what a page shows over
 * time (a banner may be on screen for only a second, too short to trust polling from the test process), and
 * timing the return of media on NEW tracks (the tracks of the peer connections from before a crash must not
 * count: their counters stay above zero after the media server died).
 *
 * Page-side code is a plain JavaScript string (see rtc.ts for why).
 */
import fs from "node:fs";
import type { Page } from "playwright-core";
import type { ServerHandle } from "../../helpers/server.js";
import { sleep } from "../../helpers/wait.js";

/** The pid of the server's Janus: the one descendant whose executable is janus (setpriv and sh exec into it). */
export function janusPid(server: ServerHandle): number {
  const found = server.descendants().filter((d) => {
    try {
      return fs.readFileSync(`/proc/${d.pid}/comm`, "utf8").trim() === "janus";
    } catch {
      return false;
    }
  });
  if (found.length !== 1)
    throw new Error(`expected one janus under the server, found ${JSON.stringify(found)}`);
  return (found[0] as { pid: number }).pid;
}

/** Named selectors a page watches for; every appearance and disappearance is timed (Date.now() in the page). */
export type Watched = Record<string, string>;

export interface WatchLog {
  /** name → when it first appeared. */
  seen: Record<string, number>;
  /** name → when it went away after appearing. */
  gone: Record<string, number>;
  /** name → its text when it first appeared. */
  text: Record<string, string>;
}

/**
 * Starts watching `selectors` in the page with a MutationObserver (installed now, in the current document: a
 * reload would remove it, which is what these tests want to notice). Returns once the first check ran.
 */
export async function watchPage(page: Page, selectors: Watched): Promise<void> {
  await page.evaluate(`((selectors) => {
    const log = { seen: {}, gone: {}, text: {} };
    window.__watch = log;
    const check = () => {
      const now = Date.now();
      for (const [name, selector] of Object.entries(selectors)) {
        const el = document.querySelector(selector);
        if (el && !(name in log.seen)) { log.seen[name] = now; log.text[name] = (el.textContent || "").trim(); }
        if (!el && (name in log.seen) && !(name in log.gone)) log.gone[name] = now;
      }
    };
    new MutationObserver(check).observe(document.documentElement, {
      subtree: true, childList: true, characterData: true, attributes: true,
    });
    check();
  })(${JSON.stringify(selectors)})`);
}

export async function readWatch(page: Page): Promise<WatchLog> {
  return page.evaluate(`(() => {
    const w = window.__watch;
    if (!w) throw new Error("watchPage was not called in this document");
    return JSON.parse(JSON.stringify(w));
  })()`) as Promise<WatchLog>;
}

/**
 * Marks every peer connection the page has now as old: from then on readFreshMedia counts only what arrives on
 * connections made later. (Track ids cannot tell old from new: they come from the media server's SDP, and a
 * restarted Janus names its tracks as the first one did.)
 */
export async function markConnectionsOld(page: Page): Promise<number> {
  return page.evaluate(`(() => {
    window.__oldPcs = new Set(window.__pcs || []);
    return window.__oldPcs.size;
  })()`) as Promise<number>;
}

export interface FreshMedia {
  /** Frames decoded from the video track the tile plays, if it is a receiver's of a new connection. */
  frames: number | null;
  /** Audio packets received in the track the tile plays, if it is a receiver's of a new connection. */
  packets: number | null;
}

/**
 * participant id → what its remote tile plays that comes from a connection made after markConnectionsOld
 * (null: the tile's track, if any, is not a receiver's track of such a connection).
 */
export async function readFreshMedia(page: Page): Promise<Record<string, FreshMedia>> {
  return page.evaluate(`(async () => {
    const old = window.__oldPcs || new Set();
    const fresh = (window.__pcs || []).filter((pc) => !old.has(pc) && pc.connectionState !== "closed");
    const statsOf = async (track) => {
      if (!track) return null;
      for (const pc of fresh) {
        const receiver = pc.getReceivers().find((r) => r.track === track);
        if (!receiver) continue;
        let best = null;
        (await receiver.getStats()).forEach((s) => {
          if (s.type === "inbound-rtp" && (!best || (s.packetsReceived || 0) > (best.packetsReceived || 0))) best = s;
        });
        return best || {};
      }
      return null;
    };
    const trackOf = (el, kind) => {
      const so = el && el.srcObject;
      return so && typeof so.getTracks === "function" ? so.getTracks().find((t) => t.kind === kind) || null : null;
    };
    const out = {};
    for (const tile of document.querySelectorAll("[data-testid=tile][data-local=false]")) {
      const v = await statsOf(trackOf(tile.querySelector("video"), "video"));
      const a = await statsOf(trackOf(tile.querySelector("audio"), "audio"));
      out[tile.getAttribute("data-participant-id")] = {
        frames: v ? v.framesDecoded || 0 : null,
        packets: a ? a.packetsReceived || 0 : null,
      };
    }
    return out;
  })()`) as Promise<Record<string, FreshMedia>>;
}

export interface MediaBack {
  /** ms from `since` until every remote in `from` had decoded frames growing and audio arriving on new tracks. */
  ms: number;
  /** The last reading, for the report. */
  detail: string;
}

/**
 * Polls the page until, for every participant of `from`, its tile plays video from a new connection whose
 * frames-decoded counter was seen growing (two reads, the second higher), and audio from a new connection
 * with packets received. Returns the time from `since` (Date.now()) to that read; throws after `timeoutMs`
 * with what it saw.
 */
export async function waitForNewMedia(
  page: Page,
  from: string[],
  since: number,
  timeoutMs: number,
): Promise<MediaBack> {
  const firstFrames = new Map<string, number>();
  const growing = new Set<string>();
  /** When (ms after `since`) each remote's first new frame and first new audio packet were seen. */
  const firstSeen: Record<string, { video?: number; audio?: number }> = {};
  let last = "";
  const report = () => `${last}; first seen (ms): ${JSON.stringify(firstSeen)}`;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const media = await readFreshMedia(page);
    const at = Date.now();
    last = JSON.stringify(media);
    let audioOk = true;
    for (const id of from) {
      const frames = media[id]?.frames ?? 0;
      const seen = firstSeen[id] ?? {};
      firstSeen[id] = seen;
      if (frames > 0) seen.video ??= at - since;
      if ((media[id]?.packets ?? 0) > 0) seen.audio ??= at - since;
      const first = firstFrames.get(id);
      if (frames > 0 && first === undefined) firstFrames.set(id, frames);
      else if (first !== undefined && frames > first) growing.add(id);
      if ((media[id]?.packets ?? 0) === 0) audioOk = false;
    }
    if (audioOk && from.every((id) => growing.has(id))) return { ms: at - since, detail: report() };
    await sleep(100);
  }
  throw new Error(`no new media from [${from.join(",")}] within ${timeoutMs} ms; last seen: ${report()}`);
}
