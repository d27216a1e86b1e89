import { describe, expect, it } from "vitest";
import { parsePath, validRoomName } from "./room-name.js";

describe("parsePath", () => {
  it("reads the meeting name from the path, decoded", () => {
    expect(parsePath("/weekly-sync")).toEqual({ room: "weekly-sync", invalid: false });
    expect(parsePath("/R%C3%A9union.2")).toEqual({ room: "Réunion.2", invalid: false });
    expect(parsePath("/team/")).toEqual({ room: "team", invalid: false });
  });
  it("gives the home page at / and flags names the protocol refuses", () => {
    expect(parsePath("/")).toEqual({ room: null, invalid: false });
    expect(parsePath("/a%20b")).toEqual({ room: null, invalid: true });
    expect(parsePath("/a/b")).toEqual({ room: null, invalid: true });
    expect(parsePath("/%E0%A4%A")).toEqual({ room: null, invalid: true });
    expect(parsePath(`/${"x".repeat(65)}`)).toEqual({ room: null, invalid: true });
  });
  it("validRoomName accepts letters of any script, digits, - _ .", () => {
    expect(validRoomName("équipe_42.b-c")).toBe("équipe_42.b-c");
    expect(validRoomName("<script>")).toBeNull();
  });
});
