import { describe, expect, it } from "vitest";
import { nextCamera } from "./next-camera.js";

describe("nextCamera", () => {
  it("has nowhere to go with one camera, or none", () => {
    expect(nextCamera([{ deviceId: "a" }], "a")).toBeNull();
    expect(nextCamera([], "")).toBeNull();
  });

  it("cycles through cameras that report no facing mode, in the browser's order", () => {
    const cams = [{ deviceId: "a" }, { deviceId: "b" }, { deviceId: "c" }];
    expect(nextCamera(cams, "a")).toBe("b");
    expect(nextCamera(cams, "b")).toBe("c");
    expect(nextCamera(cams, "c")).toBe("a");
  });

  it("takes the first listed when the camera in use is not in the list", () => {
    expect(nextCamera([{ deviceId: "a" }, { deviceId: "b" }], "")).toBe("a");
  });

  it("goes from the front camera to a back one, past the other back ones, and back to the front", () => {
    const phone = [
      { deviceId: "back-wide", facing: "environment" },
      { deviceId: "back-ultra", facing: "environment" },
      { deviceId: "front", facing: "user" },
    ];
    expect(nextCamera(phone, "front", "user")).toBe("back-wide");
    expect(nextCamera(phone, "back-ultra", "environment")).toBe("front");
    // The open track's facing mode missing: the list's says which way the current camera faces.
    expect(nextCamera(phone, "back-wide")).toBe("front");
  });

  it("cycles when no other camera says which way it faces", () => {
    const cams = [{ deviceId: "front", facing: "user" }, { deviceId: "usb" }, { deviceId: "dock" }];
    expect(nextCamera(cams, "front", "user")).toBe("usb");
  });
});
