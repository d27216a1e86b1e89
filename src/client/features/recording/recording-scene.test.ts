import { describe, expect, it } from "vitest";
import { fileName } from "./recording-file.js";
import { fitPicture, gridCells, placeTiles, type Scene, STRIP_MAX } from "./recording-scene.js";

const tiles = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ key: `t${i}`, name: `P${i}`, screen: false }));

describe("recording layout", () => {
  it("lays a grid out as square as the count allows, the short last row centred, inside the picture", () => {
    expect(gridCells(1, 1280, 720)).toEqual([{ x: 0, y: 0, w: 1280, h: 720 }]);
    const five = gridCells(5, 1280, 720);
    expect(five.map((c) => [c.x, c.y])).toEqual([
      [1, 0],
      [427, 0],
      [853, 0],
      [214, 360],
      [640, 360],
    ]);
    for (const c of gridCells(17, 1280, 720)) {
      expect(c.x + c.w).toBeLessThanOrEqual(1280);
      expect(c.y + c.h).toBeLessThanOrEqual(720);
    }
    expect(gridCells(0, 1280, 720)).toEqual([]);
  });

  it("records the speaker view as the stage above a strip; those past the strip are not drawn", () => {
    const scene: Scene = { mode: "speaker", tiles: tiles(9), stage: "t4", audio: [] };
    const cells = placeTiles(scene, 1280, 720);
    expect(cells.get("t4")).toEqual({ x: 0, y: 0, w: 1280, h: 576 });
    expect(cells.size).toBe(1 + STRIP_MAX);
    expect(cells.get("t0")?.y).toBe(576);
    expect(cells.has("t8")).toBe(false);
    // Nobody on stage (or the tile view): the grid.
    expect(placeTiles({ ...scene, stage: null }, 1280, 720).size).toBe(9);
    expect(placeTiles({ ...scene, mode: "tile" }, 1280, 720).get("t4")?.w).toBe(426);
  });

  it("shows a screen whole and fills a cell with a camera, cropping its edges", () => {
    const cell = { x: 0, y: 0, w: 640, h: 360 };
    const screen = fitPicture(1000, 1000, cell, true);
    expect(screen.dst).toEqual({ x: 140, y: 0, w: 360, h: 360 });
    const camera = fitPicture(1000, 1000, cell, false);
    expect(camera.dst).toEqual(cell);
    expect(camera.src).toEqual({ x: 0, y: 218.75, w: 1000, h: 562.5 });
  });

  it("names the file after the meeting and the time, with characters every file system takes", () => {
    const at = new Date(2026, 11, 7, 9, 5).getTime();
    expect(fileName("équipe/lundi:*", at)).toBe("palabre-équipe-lundi-2026-12-07-0905.webm");
    expect(fileName("", at)).toBe("palabre-meeting-2026-12-07-0905.webm");
  });
});
