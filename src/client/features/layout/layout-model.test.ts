import { describe, expect, it } from "vitest";
import {
  chooseLayout,
  MIN_TILE,
  pageSizeFor,
  paginate,
  pickStage,
  type TileRef,
  tileKey,
  tilesOf,
} from "./layout-model.js";

const remote = (id: string, screen = false) => ({ id, screen });
const keys = (tiles: readonly TileRef[]) => tiles.map((t) => t.key);

describe("tilesOf", () => {
  it("our camera first, then others' screens in share order, our screen, then the others' cameras", () => {
    const tiles = tilesOf(
      { id: "me", sharing: true },
      [remote("ann"), remote("bob", true), remote("cat", true)],
      ["cat", "bob"],
    );
    expect(keys(tiles)).toEqual([
      "camera:me",
      "screen:cat",
      "screen:bob",
      "screen:me",
      "camera:ann",
      "camera:bob",
      "camera:cat",
    ]);
    expect(tiles.filter((t) => t.local).map((t) => t.source)).toEqual(["camera", "screen"]);
  });

  it("a share not yet in the order still gets its tile; a stopped one loses it", () => {
    const tiles = tilesOf({ id: "me", sharing: false }, [remote("ann", true), remote("bob")], ["bob"]);
    expect(keys(tiles)).toEqual(["camera:me", "screen:ann", "camera:ann", "camera:bob"]);
  });
});

describe("chooseLayout", () => {
  it("tile view by default, speaker view while someone else shares", () => {
    expect(chooseLayout(null, false)).toBe("tile");
    expect(chooseLayout(null, true)).toBe("speaker");
  });
  it("the person's explicit choice wins, share or not", () => {
    expect(chooseLayout("tile", true)).toBe("tile");
    expect(chooseLayout("speaker", false)).toBe("speaker");
  });
});

describe("pickStage", () => {
  const tiles = tilesOf(
    { id: "me", sharing: true },
    [remote("ann", true), remote("bob"), remote("cat", true)],
    ["ann", "cat"],
  );

  it("the pinned tile first", () => {
    expect(pickStage(tiles, { pinned: tileKey("bob", "camera"), activeSpeaker: "ann" })?.key).toBe(
      "camera:bob",
    );
    expect(pickStage(tiles, { pinned: "camera:me", activeSpeaker: null })?.key).toBe("camera:me");
  });

  it("a pin on a tile that is gone is ignored", () => {
    expect(pickStage(tiles, { pinned: "camera:zed", activeSpeaker: null })?.key).toBe("screen:cat");
  });

  it("else the latest screen someone else shares, before the active speaker", () => {
    expect(pickStage(tiles, { pinned: null, activeSpeaker: "bob" })?.key).toBe("screen:cat");
  });

  it("else the active speaker, else the first other participant", () => {
    const plain = tilesOf({ id: "me", sharing: false }, [remote("ann"), remote("bob")], []);
    expect(pickStage(plain, { pinned: null, activeSpeaker: "bob" })?.key).toBe("camera:bob");
    expect(pickStage(plain, { pinned: null, activeSpeaker: null })?.key).toBe("camera:ann");
    expect(pickStage(plain, { pinned: null, activeSpeaker: "gone" })?.key).toBe("camera:ann");
  });

  it("alone: our own screen if we share, else our camera", () => {
    expect(
      pickStage(tilesOf({ id: "me", sharing: true }, [], []), { pinned: null, activeSpeaker: null })?.key,
    ).toBe("screen:me");
    expect(
      pickStage(tilesOf({ id: "me", sharing: false }, [], []), { pinned: null, activeSpeaker: null })?.key,
    ).toBe("camera:me");
    expect(pickStage([], { pinned: null, activeSpeaker: null })).toBeNull();
  });
});

describe("paginate", () => {
  const people = (n: number) =>
    tilesOf(
      { id: "me", sharing: false },
      Array.from({ length: n }, (_, i) => remote(`p${i + 1}`)),
      [],
    );

  it("one page while everything fits", () => {
    const page = paginate(people(8), 0, 9);
    expect(page).toMatchObject({ page: 0, pages: 1 });
    expect(page.tiles).toHaveLength(9);
  });

  it("beyond the page size, our tile on every page and the others spread over the pages", () => {
    const tiles = people(9); // 10 tiles
    const first = paginate(tiles, 0, 9);
    expect(first.pages).toBe(2);
    expect(keys(first.tiles)).toEqual([
      "camera:me",
      ...Array.from({ length: 8 }, (_, i) => `camera:p${i + 1}`),
    ]);
    const second = paginate(tiles, 1, 9);
    expect(keys(second.tiles)).toEqual(["camera:me", "camera:p9"]);
  });

  it("clamps a page that no longer exists (people left) and a negative one", () => {
    expect(paginate(people(20), 5, 9)).toMatchObject({ page: 2, pages: 3 });
    expect(paginate(people(3), 2, 9)).toMatchObject({ page: 0, pages: 1 });
    expect(paginate(people(20), -1, 9).page).toBe(0);
  });

  it("over several pages, the cameras that are on come first (screens before them), each in the order they came", () => {
    const tiles = tilesOf(
      { id: "me", sharing: false },
      [...Array.from({ length: 12 }, (_, i) => remote(`p${i + 1}`)), remote("s", true)],
      ["s"],
    );
    const on = new Set(["p11", "p3", "p9"]);
    expect(keys(paginate(tiles, 0, 6, on).tiles)).toEqual([
      "camera:me",
      "screen:s",
      "camera:p3",
      "camera:p9",
      "camera:p11",
      "camera:p1",
    ]);
    const all = [0, 1, 2].flatMap((p) => keys(paginate(tiles, p, 6, on).tiles).slice(1));
    expect(all).toEqual([
      "screen:s",
      ...["p3", "p9", "p11", "p1", "p2", "p4", "p5", "p6", "p7", "p8", "p10", "p12", "s"].map(
        (id) => `camera:${id}`,
      ),
    ]);
  });

  it("on a single page, the order people came whatever their cameras (tiles do not jump)", () => {
    expect(keys(paginate(people(4), 0, 9, new Set(["p4"])).tiles)).toEqual([
      "camera:me",
      "camera:p1",
      "camera:p2",
      "camera:p3",
      "camera:p4",
    ]);
  });

  it("every tile is on exactly one page (ours on all)", () => {
    const tiles = people(40);
    const { pages } = paginate(tiles, 0, 16);
    const seen = Array.from({ length: pages }, (_, p) => paginate(tiles, p, 16).tiles).flat();
    expect(seen.filter((t) => t.key === "camera:me")).toHaveLength(pages);
    expect(new Set(keys(seen)).size).toBe(tiles.length);
    for (let p = 0; p < pages; p++) expect(paginate(tiles, p, 16).tiles.length).toBeLessThanOrEqual(16);
  });

  it("no tiles at all: one empty page", () => {
    expect(paginate([], 0, 9)).toEqual({ page: 0, pages: 1, tiles: [] });
  });
});

describe("pageSizeFor", () => {
  it("as many tiles as fit at the smallest tile size, up to 49", () => {
    expect(pageSizeFor(1920, 1080)).toBe(49);
    expect(pageSizeFor(1280, 800)).toBe(49);
    expect(pageSizeFor(1024, 700)).toBe(36);
    expect(pageSizeFor(800, 600)).toBe(25);
    // A phone held upright: the grid turns, two columns of three.
    expect(pageSizeFor(390, 844)).toBe(6);
    expect(pageSizeFor(100, 100)).toBe(1);
  });

  it("every page it gives fits: no tile under the smallest size", () => {
    for (const [w, h] of [
      [1920, 1080],
      [1366, 768],
      [1024, 700],
      [800, 600],
      [390, 844],
      [844, 390],
    ] as const) {
      const n = pageSizeFor(w, h);
      const cols = Math.ceil(Math.sqrt(n));
      const rows = Math.ceil(n / cols);
      const fitsAt = (c: number, r: number) => w / c >= MIN_TILE.width && (h - 96) / r >= MIN_TILE.height;
      expect(fitsAt(cols, rows) || fitsAt(rows, cols), `${w}×${h}: ${n} tiles`).toBe(true);
    }
  });
});
