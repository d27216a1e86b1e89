/** Driving the app through its UI, by the selectors contract. */
import type { Page, Response } from "playwright-core";
import { waitFor } from "../../helpers/wait.js";
import { readTiles, type StatsPage, type TileInfo } from "./rtc.js";

export const sel = {
  roomName: "input#room-name",
  go: "[data-testid=go]",
  displayName: "input#display-name",
  preview: "video[data-testid=preview]",
  prejoinMic: "[data-testid=prejoin-mic]",
  prejoinCamera: "[data-testid=prejoin-camera]",
  join: "button[data-testid=join]",
  language: "select[data-testid=language]",
  conference: "[data-testid=conference]",
  tile: "[data-testid=tile]",
  remoteTile: "[data-testid=tile][data-local=false]",
  localTile: "[data-testid=tile][data-local=true]",
  tileName: "[data-testid=tile-name]",
  micMuted: "[data-testid=mic-muted]",
  toggleMic: "button[data-testid=toggle-mic]",
  toggleCamera: "[data-testid=toggle-camera]",
  hangup: "button[data-testid=hangup]",
  leftScreen: "[data-testid=left-screen]",
} as const;

export const tileOf = (participantId: string) => `[data-testid=tile][data-participant-id="${participantId}"]`;

/** Opens /<room> and waits for the prejoin screen with its name field. */
export async function openPrejoin(page: Page, origin: string, room: string): Promise<Response | null> {
  const response = await page.goto(`${origin}/${encodeURIComponent(room)}`, { waitUntil: "load" });
  await page.locator(sel.displayName).waitFor({ state: "visible", timeout: 20_000 });
  return response;
}

/** Types the name, waits for the Join button to be enabled. */
export async function fillName(page: Page, name: string): Promise<void> {
  await page.locator(sel.displayName).fill(name);
  await waitFor(() => page.locator(sel.join).isEnabled(), {
    timeoutMs: 20_000,
    what: "an enabled Join button",
  });
}

/**
 * Joins `room` as `name` through the UI (prejoin → click Join) and waits for the conference view and the local
 * tile. Returns the local participant id.
 */
export async function joinViaUi(page: Page, origin: string, room: string, name: string): Promise<string> {
  await openPrejoin(page, origin, room);
  return joinFromPrejoin(page, name);
}

/** On the prejoin screen: types `name`, clicks Join, waits for the meeting; returns the local participant id. */
export async function joinFromPrejoin(page: Page, name: string): Promise<string> {
  await fillName(page, name);
  await page.locator(sel.join).click();
  await page.locator(sel.conference).waitFor({ state: "visible", timeout: 20_000 });
  await page.locator(sel.localTile).waitFor({ state: "attached", timeout: 20_000 });
  const id = await page.locator(sel.localTile).getAttribute("data-participant-id");
  if (!id) throw new Error("local tile has no data-participant-id");
  return id;
}

function summarise(tiles: TileInfo[] | undefined): string {
  if (!tiles) return "(no tiles read)";
  return JSON.stringify(
    tiles.map((t) => ({
      id: t.participantId,
      local: t.local,
      videoTrack: t.videoTrackId !== null,
      audioTrack: t.audioTrackId !== null,
      frames: t.video?.framesDecoded ?? null,
      audioPackets: t.audio?.packetsReceived ?? null,
    })),
  );
}

/** Waits until the page shows exactly the remote participants `ids` (order-free) and returns their tiles. */
export async function waitForRemoteSet(
  page: StatsPage,
  ids: string[],
  timeoutMs = 20_000,
): Promise<TileInfo[]> {
  const want = [...ids].sort().join(",");
  let last: TileInfo[] | undefined;
  try {
    return await waitFor(
      async () => {
        last = await readTiles(page);
        const remote = last.filter((t) => !t.local);
        const have = remote
          .map((t) => t.participantId ?? "?")
          .sort()
          .join(",");
        return have === want ? remote : undefined;
      },
      { timeoutMs, intervalMs: 200, what: `remote tiles [${want}]` },
    );
  } catch (error) {
    throw new Error(`${(error as Error).message}; tiles last seen: ${summarise(last)}`);
  }
}

/**
 * Arms `page` to note (Date.now(), in the page, seen by a MutationObserver as the DOM changes) the first moment
 * `selector` matches, or, given `ids`, the moment the `data-participant-id`s of what it matches are exactly
 * `ids`. The returned function waits up to `timeoutMs` for it and gives that time, or null. Unlike a wait from
 * the test (Playwright's retries back off to hundreds of ms apart; waitForRemoteSet reads every tile's stats
 * at each look), it adds no polling to the time measured.
 */
export async function stampWhen(
  page: Page,
  selector: string,
  ids?: string[],
): Promise<(timeoutMs: number) => Promise<number | null>> {
  const key = `__stamp_${Math.random().toString(36).slice(2)}`;
  const want = ids ? [...ids].sort().join(",") : null;
  await page.evaluate(
    ([k, sel, w]) => {
      const win = window as unknown as Record<string, number | null>;
      const holds = () => {
        const found = Array.from(document.querySelectorAll(sel));
        if (w === null) return found.length > 0;
        return (
          found
            .map((t) => t.getAttribute("data-participant-id") ?? "?")
            .sort()
            .join(",") === w
        );
      };
      win[k] = holds() ? Date.now() : null;
      if (win[k] !== null) return;
      const observer = new MutationObserver(() => {
        if (!holds()) return;
        win[k] = Date.now();
        observer.disconnect();
      });
      observer.observe(document.body, { subtree: true, childList: true, attributes: true });
    },
    [key, selector, want] as const,
  );
  return async (timeoutMs) => {
    await page
      .waitForFunction((k) => (window as unknown as Record<string, unknown>)[k] != null, key, {
        timeout: timeoutMs,
      })
      .catch(() => {});
    return (await page.evaluate((k) => (window as unknown as Record<string, number | null>)[k], key)) ?? null;
  };
}

/** stampWhen for the moment `page`'s remote tiles are exactly `ids`. */
export const stampWhenRemoteSet = (page: Page, ids: string[]) => stampWhen(page, sel.remoteTile, ids);

/**
 * Waits until every remote tile of `ids` has decoded video frames, and those of `audioFrom` (by default all
 * of them; a muted participant sends no audio) have received audio packets.
 */
export async function waitForMediaFrom(
  page: StatsPage,
  ids: string[],
  timeoutMs = 30_000,
  audioFrom: string[] = ids,
): Promise<TileInfo[]> {
  let last: TileInfo[] | undefined;
  try {
    return await waitFor(
      async () => {
        last = await readTiles(page);
        const remote = last.filter((t) => !t.local && ids.includes(t.participantId ?? ""));
        const ok =
          remote.length === ids.length &&
          remote.every(
            (t) =>
              (t.video?.framesDecoded ?? 0) > 0 &&
              (!audioFrom.includes(t.participantId ?? "") || (t.audio?.packetsReceived ?? 0) > 0),
          );
        return ok ? remote : undefined;
      },
      { timeoutMs, intervalMs: 250, what: `decoded video and received audio from [${ids.join(",")}]` },
    );
  } catch (error) {
    throw new Error(`${(error as Error).message}; tiles last seen: ${summarise(last)}`);
  }
}
