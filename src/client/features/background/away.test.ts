import { describe, expect, it } from "vitest";
import { AWAY_NOTICE_MS, awayReport } from "./away.js";

describe("coming back from the background", () => {
  it("says nothing after a short absence, and how long otherwise", () => {
    expect(awayReport(AWAY_NOTICE_MS - 1, true, true)).toEqual({ seconds: null, reopenCamera: false });
    expect(awayReport(12_400, true, true)).toEqual({ seconds: 12, reopenCamera: false });
  });

  it("opens the camera again only if it was on and the phone ended it", () => {
    expect(awayReport(30_000, true, false).reopenCamera).toBe(true);
    expect(awayReport(1_000, true, false).reopenCamera).toBe(true);
    expect(awayReport(30_000, false, false).reopenCamera).toBe(false);
  });
});
