/**
 * Draws the app's icons (the mark of src/client/favicon.svg: a white camera on our blue) into PNGs under
 * src/client/icons/, for the web app manifest and iOS's home screen. Run by hand when the mark changes
 * (`npx tsx scripts/make-icons.ts`); the PNGs are committed. Written here rather than fetched or drawn by a
 * library: nothing leaves the machine, and no dependency is added for four small pictures.
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { deflateSync } from "node:zlib";

/** The favicon's blue and white (src/client/favicon.svg). */
const BLUE: Rgba = [0x4c, 0x8d, 0xff, 255];
const WHITE: Rgba = [255, 255, 255, 255];
type Rgba = [number, number, number, number];

/** Shapes in the favicon's 32×32 grid; `inside` says whether a point is covered. */
type Shape = (x: number, y: number) => boolean;

function roundedRect(x0: number, y0: number, x1: number, y1: number, r: number): Shape {
  return (x, y) => {
    if (x < x0 || x > x1 || y < y0 || y > y1) return false;
    const cx = Math.min(Math.max(x, x0 + r), x1 - r);
    const cy = Math.min(Math.max(y, y0 + r), y1 - r);
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
  };
}

/** A convex polygon, its points in clockwise order (y down). */
function polygon(points: [number, number][]): Shape {
  return (x, y) =>
    points.every(([ax, ay], i) => {
      const [bx, by] = points[(i + 1) % points.length] as [number, number];
      return (bx - ax) * (y - ay) - (by - ay) * (x - ax) >= 0;
    });
}

const cameraBody = roundedRect(8, 8, 21, 24, 3);
const cameraLens = polygon([
  [21, 14],
  [26, 11],
  [26, 21],
  [21, 18],
]);

/**
 * `rounded`: the favicon's rounded square on transparency (purpose "any"). Otherwise the blue fills the
 * square to its edges, for masks (Android's maskable icons) and iOS, which cut their own shape: the mark
 * stays within 35% of the size from the centre, inside the maskable safe zone (40%).
 */
function draw(size: number, rounded: boolean): Buffer {
  const background = rounded ? roundedRect(0, 0, 32, 32, 8) : () => true;
  // 4×4 samples per pixel: smooth edges without an anti-aliasing rasteriser.
  const n = 4;
  const rows: Buffer[] = [];
  for (let py = 0; py < size; py++) {
    const row = Buffer.alloc(1 + size * 4); // filter byte 0 (None), then RGBA
    for (let px = 0; px < size; px++) {
      let bg = 0;
      let fg = 0;
      for (let sy = 0; sy < n; sy++)
        for (let sx = 0; sx < n; sx++) {
          const x = ((px + (sx + 0.5) / n) * 32) / size;
          const y = ((py + (sy + 0.5) / n) * 32) / size;
          if (!background(x, y)) continue;
          if (cameraBody(x, y) || cameraLens(x, y)) fg++;
          else bg++;
        }
      const covered = bg + fg;
      const o = 1 + px * 4;
      if (covered === 0) continue;
      for (let c = 0; c < 3; c++)
        row[o + c] = Math.round(((BLUE[c] as number) * bg + (WHITE[c] as number) * fg) / covered);
      row[o + 3] = Math.round((255 * covered) / (n * n));
    }
    rows.push(row);
  }
  return png(size, size, Buffer.concat(rows));
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(data: Buffer): number {
  let c = 0xffffffff;
  for (const byte of data) c = (CRC_TABLE[(c ^ byte) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** An 8-bit RGBA PNG of already filtered scanlines. */
function png(width: number, height: number, scanlines: Buffer): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.writeUInt8(8, 8); // bit depth
  header.writeUInt8(6, 9); // colour type: RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(scanlines, { level: 9 })),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

const out = (name: string) => fileURLToPath(new URL(`../src/client/icons/${name}`, import.meta.url));
const icons: [string, number, boolean][] = [
  ["icon-192.png", 192, true],
  ["icon-512.png", 512, true],
  ["icon-maskable-512.png", 512, false],
  ["apple-touch-icon.png", 180, false],
];
for (const [name, size, rounded] of icons) {
  const bytes = draw(size, rounded);
  writeFileSync(out(name), bytes);
  console.log(`${name}: ${size}×${size}, ${bytes.length} bytes`);
}
