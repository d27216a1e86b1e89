import { describe, expect, it } from "vitest";
import { columnsFor, gridShape } from "./grid.js";

describe("grid shape", () => {
  it("uses ceil(sqrt(n)) columns", () => {
    expect([1, 2, 3, 4, 5, 9, 10, 16, 17].map(columnsFor)).toEqual([1, 2, 2, 2, 3, 3, 4, 4, 5]);
  });
  it("has just enough rows", () => {
    expect(gridShape(1)).toEqual({ cols: "1", rows: "1" });
    expect(gridShape(3)).toEqual({ cols: "2", rows: "2" });
    expect(gridShape(7)).toEqual({ cols: "3", rows: "3" });
    expect(gridShape(64)).toEqual({ cols: "8", rows: "8" });
  });
  it("scrolls past 64 tiles", () => {
    expect(gridShape(65)).toEqual({ cols: "8", rows: "many" });
    expect(gridShape(100)).toEqual({ cols: "8", rows: "many" });
  });
});
