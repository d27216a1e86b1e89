/**
 * Is the face in the camera well lit? A pure look at one small frame (RGBA pixels, e.g. 64×36 drawn from the
 * preview): the seed's tip is to face the window, never to sit with one's back to it, and to light a dark room.
 *
 * - "dark": the picture as a whole, or the face region in its middle, is very dark.
 * - "backlit": the background (top and sides) is bright while the middle, where the face usually is, is much
 *   darker: a window or a lamp behind the person, and the camera exposes for the light.
 */
export type Lighting = "ok" | "dark" | "backlit";

/** Mean luma (0–255) under which a whole picture is too dark to see a face in. */
const DARK_MEAN = 50;
/** Mean luma under which the face region alone is too dark, whatever the background. */
const DARK_FACE = 40;
/** A background at least this bright, and a face region at most this fraction of it and this far below it. */
const BRIGHT_BACKGROUND = 150;
const BACKLIT_RATIO = 0.6;
const BACKLIT_GAP = 80;

/** Rec. 601 luma of an sRGB pixel: how bright it looks. */
function luma(r: number, g: number, b: number): number {
  return 0.299 * r + 0.587 * g + 0.114 * b;
}

/**
 * `pixels` holds `width × height` RGBA pixels, row by row (as ImageData.data). The face region is the middle
 * (x from 35 % to 65 %, y from 15 % to 65 %); the background is the top 15 % and the outer 20 % on each side
 * (the bottom is usually the body or the desk, so it is left out).
 */
export function assessLighting(pixels: Uint8ClampedArray, width: number, height: number): Lighting {
  if (width <= 0 || height <= 0 || pixels.length < width * height * 4) return "ok";
  let all = 0;
  let face = 0;
  let faceCount = 0;
  let back = 0;
  let backCount = 0;
  for (let y = 0; y < height; y++) {
    const fy = (y + 0.5) / height;
    for (let x = 0; x < width; x++) {
      const fx = (x + 0.5) / width;
      const i = (y * width + x) * 4;
      const l = luma(pixels[i] ?? 0, pixels[i + 1] ?? 0, pixels[i + 2] ?? 0);
      all += l;
      if (fx >= 0.35 && fx < 0.65 && fy >= 0.15 && fy < 0.65) {
        face += l;
        faceCount++;
      } else if (fy < 0.15 || fx < 0.2 || fx >= 0.8) {
        back += l;
        backCount++;
      }
    }
  }
  const mean = all / (width * height);
  const faceMean = faceCount > 0 ? face / faceCount : mean;
  const backMean = backCount > 0 ? back / backCount : mean;
  if (
    backMean >= BRIGHT_BACKGROUND &&
    faceMean <= backMean * BACKLIT_RATIO &&
    backMean - faceMean >= BACKLIT_GAP
  )
    return "backlit";
  if (mean < DARK_MEAN || faceMean < DARK_FACE) return "dark";
  return "ok";
}

/**
 * Smooths successive assessments so the warning neither flickers nor lingers: a new verdict counts once it
 * came `needed` times in a row (about two seconds at one frame a second).
 */
export class LightingSmoother {
  private shown: Lighting = "ok";
  private candidate: Lighting = "ok";
  private streak = 0;

  constructor(private readonly needed = 2) {}

  push(verdict: Lighting): Lighting {
    if (verdict === this.candidate) this.streak++;
    else {
      this.candidate = verdict;
      this.streak = 1;
    }
    if (this.streak >= this.needed) this.shown = verdict;
    return this.shown;
  }
}
