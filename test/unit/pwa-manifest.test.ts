/**
 * The web app manifest scripts/pwa.ts writes, and the icons it names: what browsers need to install the app,
 * in the app's own colours (src/client/styles/base.css), with PNGs of the sizes the manifest claims.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { manifest } from "../../scripts/pwa.js";
import { REPO_ROOT } from "../helpers/paths.js";

const ICONS = path.join(REPO_ROOT, "src/client/icons");

/** Width, height, bit depth and colour type from a PNG's IHDR chunk. */
function pngHeader(file: string): { width: number; height: number; depth: number; colour: number } {
  const b = fs.readFileSync(file);
  expect(b.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  expect(b.subarray(12, 16).toString("latin1")).toBe("IHDR");
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20), depth: b[24] ?? 0, colour: b[25] ?? 0 };
}

describe("the web app manifest", () => {
  const written = JSON.parse(
    manifest([
      { src: "/assets/icon-192-a.png", sizes: "192x192", purpose: "any" },
      { src: "/assets/icon-512-b.png", sizes: "512x512", purpose: "any" },
      { src: "/assets/icon-maskable-512-c.png", sizes: "512x512", purpose: "maskable" },
    ]),
  );

  it("has what installing needs: id, names, start URL and scope at the root, a standalone window", () => {
    expect(written).toMatchObject({
      id: "/",
      name: "Palabre",
      short_name: "Palabre",
      start_url: "/",
      scope: "/",
      display: "standalone",
    });
    expect(written.description).toEqual(expect.any(String));
    for (const icon of written.icons) expect(icon.type).toBe("image/png");
  });

  it("uses the app's background colour (--bg of base.css) for its theme and splash screen", () => {
    const css = fs.readFileSync(path.join(REPO_ROOT, "src/client/styles/base.css"), "utf8");
    const bg = /--bg:\s*(#[0-9a-f]{6})/i.exec(css)?.[1];
    expect(bg).toBeDefined();
    expect(written.theme_color).toBe(bg);
    expect(written.background_color).toBe(bg);
    const html = fs.readFileSync(path.join(REPO_ROOT, "src/client/index.html"), "utf8");
    expect(html).toContain(`<meta name="theme-color" content="${bg}" />`);
  });

  it("names no other origin", () => {
    expect(JSON.stringify(written)).not.toMatch(/https?:\/\//);
  });
});

describe("the icons (scripts/make-icons.ts)", () => {
  it.each([
    ["icon-192.png", 192],
    ["icon-512.png", 512],
    ["icon-maskable-512.png", 512],
    ["apple-touch-icon.png", 180],
  ])("%s is an 8-bit RGBA PNG of %i px", (file, size) => {
    expect(pngHeader(path.join(ICONS, file))).toEqual({ width: size, height: size, depth: 8, colour: 6 });
  });
});
