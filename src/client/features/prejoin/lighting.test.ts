import { describe, expect, it } from "vitest";
import { assessLighting, LightingSmoother } from "./lighting.js";

const W = 64;
const H = 36;

/** A synthetic frame: `shade(x, y)` gives each pixel's grey level (0–255), with a little sensor noise. */
function frame(shade: (fx: number, fy: number) => number, tint: [number, number, number] = [1, 1, 1]) {
  const px = new Uint8ClampedArray(W * H * 4);
  let seed = 7;
  const noise = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return (seed % 11) - 5;
  };
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const v = shade((x + 0.5) / W, (y + 0.5) / H);
      const i = (y * W + x) * 4;
      px[i] = v * tint[0] + noise();
      px[i + 1] = v * tint[1] + noise();
      px[i + 2] = v * tint[2] + noise();
      px[i + 3] = 255;
    }
  return px;
}

/** A face-sized ellipse in the middle of the picture. */
const inFace = (fx: number, fy: number) => ((fx - 0.5) / 0.18) ** 2 + ((fy - 0.45) / 0.3) ** 2 <= 1;

describe("assessLighting", () => {
  it("finds a dark room dark", () => {
    expect(
      assessLighting(
        frame(() => 25),
        W,
        H,
      ),
    ).toBe("dark");
    // A dim face a little brighter than a dark room is still too dark.
    expect(
      assessLighting(
        frame((fx, fy) => (inFace(fx, fy) ? 38 : 20)),
        W,
        H,
      ),
    ).toBe("dark");
  });

  it("finds a face in front of a bright window backlit", () => {
    const backlit = frame((fx, fy) => (inFace(fx, fy) ? 60 : fy > 0.75 ? 80 : 235));
    expect(assessLighting(backlit, W, H)).toBe("backlit");
    // Even when the whole picture is not dark on average.
    const window = frame((fx, fy) => (inFace(fx, fy) || fy > 0.7 ? 85 : 220));
    expect(assessLighting(window, W, H)).toBe("backlit");
  });

  it("finds a well-lit face fine", () => {
    expect(
      assessLighting(
        frame((fx, fy) => (inFace(fx, fy) ? 150 : 120)),
        W,
        H,
      ),
    ).toBe("ok");
    // A bright wall behind a face that is lit too: not backlit.
    expect(
      assessLighting(
        frame((fx, fy) => (inFace(fx, fy) ? 140 : 210)),
        W,
        H,
      ),
    ).toBe("ok");
    // Dark clothes under a lit face, a white wall behind: the face is what counts.
    expect(
      assessLighting(
        frame((fx, fy) => (inFace(fx, fy) ? 150 : fy > 0.65 ? 40 : 215)),
        W,
        H,
      ),
    ).toBe("ok");
    // A dim but usable room, warm light.
    expect(
      assessLighting(
        frame((fx, fy) => (inFace(fx, fy) ? 95 : 70), [1.1, 1, 0.8]),
        W,
        H,
      ),
    ).toBe("ok");
  });

  it("says nothing of an empty or truncated frame", () => {
    expect(assessLighting(new Uint8ClampedArray(0), 0, 0)).toBe("ok");
    expect(assessLighting(new Uint8ClampedArray(16), W, H)).toBe("ok");
  });
});

describe("LightingSmoother", () => {
  it("changes its verdict only after two in a row", () => {
    const s = new LightingSmoother();
    expect(s.push("dark")).toBe("ok");
    expect(s.push("ok")).toBe("ok");
    expect(s.push("dark")).toBe("ok");
    expect(s.push("dark")).toBe("dark");
    expect(s.push("ok")).toBe("dark");
    expect(s.push("backlit")).toBe("dark");
    expect(s.push("backlit")).toBe("backlit");
    expect(s.push("ok")).toBe("backlit");
    expect(s.push("ok")).toBe("ok");
  });
});
