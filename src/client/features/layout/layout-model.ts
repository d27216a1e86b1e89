/**
 * What the meeting shows, as pure functions (tested without a DOM): which tiles exist, which layout is in
 * force, which tile is on the speaker view's stage, and which tiles a page of the tile view holds.
 */

/** A tile shows a participant's camera (or initials) or a screen they share. */
export type TileSource = "camera" | "screen";
export type LayoutMode = "tile" | "speaker";

export interface TileRef {
  /** Unique among tiles: a participant may have a camera tile and a screen tile. */
  key: string;
  participantId: string;
  source: TileSource;
  local: boolean;
}

export const tileKey = (participantId: string, source: TileSource): string => `${source}:${participantId}`;

const ref = (participantId: string, source: TileSource, local: boolean): TileRef => ({
  key: tileKey(participantId, source),
  participantId,
  source,
  local,
});

/**
 * Every tile, in display order: our camera first (it stays on every page), then the screens others share
 * (in the order the shares started), then our own screen, then the others' cameras in the order they came.
 */
export function tilesOf(
  local: { id: string; sharing: boolean },
  remotes: readonly { id: string; screen: boolean }[],
  shareOrder: readonly string[],
): TileRef[] {
  const sharing = new Set(remotes.filter((r) => r.screen).map((r) => r.id));
  const screens = [
    ...shareOrder.filter((id) => sharing.has(id)),
    ...[...sharing].filter((id) => !shareOrder.includes(id)),
  ];
  return [
    ref(local.id, "camera", true),
    ...screens.map((id) => ref(id, "screen", false)),
    ...(local.sharing ? [ref(local.id, "screen", true)] : []),
    ...remotes.map((r) => ref(r.id, "camera", false)),
  ];
}

/**
 * The layout in force: the one the person chose, if they did; otherwise the speaker view while someone else
 * shares a screen (the share is what everyone looks at), the tile view when nobody does.
 */
export function chooseLayout(choice: LayoutMode | null, othersSharing: boolean): LayoutMode {
  return choice ?? (othersSharing ? "speaker" : "tile");
}

/**
 * The speaker view's large tile: the pinned one; else the latest screen someone else shares; else the active
 * speaker; else the first other participant; else ourselves. Our own screen only when it is all there is
 * besides our camera: the others watch it, we need not.
 */
export function pickStage(
  tiles: readonly TileRef[],
  { pinned, activeSpeaker }: { pinned: string | null; activeSpeaker: string | null },
): TileRef | null {
  const byKey = new Map(tiles.map((t) => [t.key, t]));
  const remoteScreens = tiles.filter((t) => t.source === "screen" && !t.local);
  return (
    (pinned !== null ? byKey.get(pinned) : undefined) ??
    remoteScreens.at(-1) ??
    (activeSpeaker !== null ? byKey.get(tileKey(activeSpeaker, "camera")) : undefined) ??
    tiles.find((t) => !t.local) ??
    tiles.find((t) => t.local && t.source === "screen") ??
    tiles[0] ??
    null
  );
}

/** The smallest tile the tile view makes (px): a face is still recognisable, the lowest layer still fills it. */
export const MIN_TILE = { width: 160, height: 100 };
/** The toolbar and the pager under the grid (px). */
const CHROME_HEIGHT = 96;
/** Past this, tiles are stamps whatever the screen: page instead. */
export const MAX_PAGE = 49;

/**
 * Tiles per page of the tile view: as many as the window holds at MIN_TILE in the grid's near-square shape
 * (grid.ts; on a portrait window the CSS turns it, so either way round counts), at least one. A big room
 * then shows every face that fits, and only those tiles receive video.
 */
export function pageSizeFor(width: number, height: number): number {
  const h = Math.max(0, height - CHROME_HEIGHT);
  const fits = (cols: number, rows: number) =>
    (width / cols >= MIN_TILE.width && h / rows >= MIN_TILE.height) ||
    (width / rows >= MIN_TILE.width && h / cols >= MIN_TILE.height);
  for (let n = MAX_PAGE; n > 1; n--) {
    const cols = Math.ceil(Math.sqrt(n));
    if (fits(cols, Math.ceil(n / cols))) return n;
  }
  return 1;
}

export interface Page {
  /** The page shown, from 0, clamped to the pages that exist. */
  page: number;
  pages: number;
  tiles: TileRef[];
}

/**
 * One page of the tile view. Our own camera tile is on every page (so we always see ourselves); the other
 * tiles fill the rest of each page in order — but when they need more than one page, the cameras that are on
 * (`cameraOn`, participant ids) come before those that are off, screens still first: the first page shows the
 * faces there are rather than initials, and (off-page tiles receive no video) receives those videos. While
 * everything fits on one page, the order stays the order people came, so tiles do not move when a camera
 * turns on or off.
 */
export function paginate(
  tiles: readonly TileRef[],
  page: number,
  pageSize: number,
  cameraOn: ReadonlySet<string> = new Set(),
): Page {
  const mine = tiles.filter((t) => t.local && t.source === "camera");
  let rest = tiles.filter((t) => !(t.local && t.source === "camera"));
  const perPage = Math.max(1, pageSize - mine.length);
  const pages = Math.max(1, Math.ceil(rest.length / perPage));
  if (pages > 1) {
    const on = (t: TileRef) => t.source === "camera" && cameraOn.has(t.participantId);
    rest = [
      ...rest.filter((t) => t.source === "screen"),
      ...rest.filter(on),
      ...rest.filter((t) => t.source === "camera" && !on(t)),
    ];
  }
  const shown = Math.min(Math.max(0, Math.floor(page)), pages - 1);
  return { page: shown, pages, tiles: [...mine, ...rest.slice(shown * perPage, (shown + 1) * perPage)] };
}
