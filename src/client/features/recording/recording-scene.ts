/**
 * What a local recording draws and hears, and where each picture goes: the pure part of the recorder
 * (meeting-recorder.ts draws it). The picture follows the page's own layout: the tile view records the grid,
 * the speaker view records the stage large with the others in a strip below it.
 */
import type { LayoutMode } from "../layout/layout-model.js";

export interface SceneTile {
  key: string;
  name: string;
  /** A camera or a screen; absent: the tile is drawn with the name alone. */
  video?: MediaStreamTrack | undefined;
  /** A screen is shown whole; a camera fills its cell. */
  screen: boolean;
}

export interface Scene {
  mode: LayoutMode;
  tiles: SceneTile[];
  /** The speaker view's large tile (a key of `tiles`). */
  stage: string | null;
  /** Every sound of the meeting: our microphone, the others', the shared screens'. */
  audio: MediaStreamTrack[];
}

export interface Cell {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Tiles the speaker view's strip shows at most, beside the stage. */
export const STRIP_MAX = 6;

/** `n` cells of a grid filling `width`×`height`, row by row, as square as the count allows. */
export function gridCells(n: number, width: number, height: number): Cell[] {
  if (n <= 0) return [];
  const cols = Math.ceil(Math.sqrt(n));
  const rows = Math.ceil(n / cols);
  const w = Math.floor(width / cols);
  const h = Math.floor(height / rows);
  return Array.from({ length: n }, (_, i) => {
    const row = Math.floor(i / cols);
    // The last row, if short, is centred.
    const inRow = row === rows - 1 ? n - row * cols : cols;
    const offset = Math.floor((width - inRow * w) / 2);
    return { x: offset + (i % cols) * w, y: row * h, w, h };
  });
}

/**
 * Where each tile goes: in the tile view, a grid of all; in the speaker view, the stage above and up to
 * STRIP_MAX others in a strip below (those past it are heard, not seen). Keys without a cell are not drawn.
 */
export function placeTiles(scene: Scene, width: number, height: number): Map<string, Cell> {
  const cells = new Map<string, Cell>();
  const stage = scene.mode === "speaker" ? scene.tiles.find((t) => t.key === scene.stage) : undefined;
  if (!stage) {
    const grid = gridCells(scene.tiles.length, width, height);
    scene.tiles.forEach((t, i) => {
      cells.set(t.key, grid[i] as Cell);
    });
    return cells;
  }
  const others = scene.tiles.filter((t) => t !== stage).slice(0, STRIP_MAX);
  const stripH = others.length > 0 ? Math.floor(height / 5) : 0;
  cells.set(stage.key, { x: 0, y: 0, w: width, h: height - stripH });
  const w = Math.floor(width / STRIP_MAX);
  const offset = Math.floor((width - others.length * w) / 2);
  others.forEach((t, i) => {
    cells.set(t.key, { x: offset + i * w, y: height - stripH, w, h: stripH });
  });
  return cells;
}

/**
 * The part of a `srcW`×`srcH` picture drawn into `cell`: `contain` shows it whole (letterboxed), otherwise
 * it fills the cell and its edges are cropped, as the tiles on screen do.
 */
export function fitPicture(
  srcW: number,
  srcH: number,
  cell: Cell,
  contain: boolean,
): { src: Cell; dst: Cell } {
  const whole = { x: 0, y: 0, w: srcW, h: srcH };
  if (srcW <= 0 || srcH <= 0) return { src: whole, dst: cell };
  const scale = contain ? Math.min(cell.w / srcW, cell.h / srcH) : Math.max(cell.w / srcW, cell.h / srcH);
  if (contain) {
    const w = srcW * scale;
    const h = srcH * scale;
    return { src: whole, dst: { x: cell.x + (cell.w - w) / 2, y: cell.y + (cell.h - h) / 2, w, h } };
  }
  const w = cell.w / scale;
  const h = cell.h / scale;
  return { src: { x: (srcW - w) / 2, y: (srcH - h) / 2, w, h }, dst: cell };
}
