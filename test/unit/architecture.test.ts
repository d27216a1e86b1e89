/**
 * The shape of the code, kept: folders that do not import each other in circles, imports that only go down
 * the layers (client: features → state → engine → signal; server: gateway → session → conference → routing,
 * media), and no source file over 400 lines. Read from the files' own imports, side-effect and type imports
 * included (a circle through types still ties two folders together).
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { circles, importGraph, SRC, sources, upwardImports } from "../helpers/import-graph.js";

const MAX_LINES = 400;

describe("the code's shape", () => {
  const files = sources(SRC);
  const graph = importGraph(files);

  it("has no circle between folders (client features, client and server folders)", () => {
    expect(graph.size).toBeGreaterThan(30);
    const found = circles(graph).map((c) =>
      c
        .map((u) => `${u} → ${[...(graph.get(u)?.keys() ?? [])].filter((v) => c.includes(v)).join(", ")}`)
        .join("; "),
    );
    expect(found).toEqual([]);
  });

  it("imports only downwards", () => {
    expect(upwardImports(graph)).toEqual([]);
  });

  it(`has no source file over ${MAX_LINES} lines`, () => {
    const long = files
      .filter((f) => !f.endsWith(".css"))
      .map((f) => [path.relative(SRC, f), fs.readFileSync(f, "utf8").split("\n").length - 1] as const)
      .filter(([, n]) => n > MAX_LINES);
    expect(long).toEqual([]);
  });

  it("finds a circle and an upward import when there is one (the checks can fail)", () => {
    const made = new Map([
      ["client/features/chat", new Map([["client/features/hands", ["chat.ts → ../hands/x.js"]]])],
      ["client/features/hands", new Map([["client/features/chat", ["hands.ts → ../chat/y.js"]]])],
      ["client/state", new Map([["client/features/chat", ["room.ts → ../features/chat/z.js"]]])],
    ]);
    expect(circles(made)).toEqual([["client/features/chat", "client/features/hands"]]);
    expect(upwardImports(made)).toEqual([
      "client/state → client/features/chat (only features (and the app) know features): room.ts → ../features/chat/z.js",
    ]);
  });
});
