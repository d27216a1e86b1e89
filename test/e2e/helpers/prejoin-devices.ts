/**
 * E2E helpers for the pre-join device choice: its selectors, telling Chromium's fake cameras apart by their
 * pictures, what a page's publish connection sends, observing the test sound, the Join button's place in the
 * viewport, and a dark camera for the lighting tip.
 *
 * Fake cameras, probed on Chromium 156 with `--use-fake-device-for-media-stream=device-count=3` (64×36
 * samples of 1280×720 frames, 8 samples 400 ms apart): fake_device_0 draws a big bright green "pacman" in the
 * middle (3–13 % of the pixels have green > 200) and its four corner squares are green (red ≤ 16);
 * fake_device_2 has no pacman (≤ 0.7 %) and its corner squares are yellow to brown (red 85–152). Both are
 * 16:9 on a dark green field, so the corners' red and the bright share tell them apart in the pixels a
 * receiver decodes, whatever the simulcast layer. (fake_device_1 is a depth format WebRTC does not encode,
 * see settings.test.ts.) The fake microphones all play the same beep: only their labels differ.
 *
 * Page-side code is plain JavaScript strings (see rtc.ts for why).
 */
import fs from "node:fs";
import type { Page } from "playwright-core";

export const pj = {
  microphone: "select[data-testid=prejoin-select-microphone]",
  camera: "select[data-testid=prejoin-select-camera]",
  speaker: "select[data-testid=prejoin-select-speaker]",
  testSpeaker: "button[data-testid=prejoin-test-speaker]",
  testSound: "audio[data-testid=prejoin-test-sound]",
  devices: "[data-testid=prejoin-devices]",
  micMeter: "[data-testid=mic-meter]",
  lightingWarning: "[data-testid=lighting-warning]",
  headsetHint: "[data-testid=headset-hint]",
} as const;

export interface SelectState {
  value: string;
  options: { value: string; label: string }[];
}

/** The select's value and options (labels as shown). */
export async function selectState(page: Page, selector: string): Promise<SelectState> {
  return page.locator(selector).evaluate((el: HTMLSelectElement) => ({
    value: el.value,
    options: Array.from(el.options).map((o) => ({ value: o.value, label: (o.textContent ?? "").trim() })),
  }));
}

export type CameraLook = "fake_device_0" | "fake_device_2" | "unknown";

export interface PictureSample {
  cornerRed: number;
  brightPct: number;
  width: number;
  height: number;
}

/** Samples the picture of the <video> at `selector` `count` times, `everyMs` apart (64×36, see the top). */
export async function samplePicture(
  page: Page,
  selector: string,
  count = 6,
  everyMs = 300,
): Promise<PictureSample[]> {
  return page.evaluate(`(async () => {
    const out = [];
    const c = document.createElement("canvas");
    c.width = 64; c.height = 36;
    const ctx = c.getContext("2d", { willReadFrequently: true });
    for (let k = 0; k < ${count}; k++) {
      if (k > 0) await new Promise((r) => setTimeout(r, ${everyMs}));
      const v = document.querySelector(${JSON.stringify(selector)});
      if (!v || v.videoWidth === 0) continue;
      ctx.drawImage(v, 0, 0, 64, 36);
      const px = ctx.getImageData(0, 0, 64, 36).data;
      let bright = 0;
      for (let i = 0; i < px.length; i += 4) if (px[i + 1] > 200) bright++;
      // The inner 2×2 pixels of each corner square (80 px of 1280, i.e. 4×4 here): clear of compression's bleed.
      let red = 0;
      for (const [x0, y0] of [[1, 1], [61, 1], [1, 33], [61, 33]])
        for (let y = y0; y < y0 + 2; y++) for (let x = x0; x < x0 + 2; x++) red += px[(y * 64 + x) * 4];
      out.push({ cornerRed: Math.round(red / 16), brightPct: +(100 * bright / (64 * 36)).toFixed(1),
        width: v.videoWidth, height: v.videoHeight });
    }
    return out;
  })()`) as Promise<PictureSample[]>;
}

/** Which fake camera the samples come from: the median corner red and the largest bright share decide. */
export function cameraLook(samples: PictureSample[]): CameraLook {
  if (samples.length < 3) return "unknown";
  const reds = samples.map((s) => s.cornerRed).sort((a, b) => a - b);
  const red = reds[Math.floor(reds.length / 2)] ?? 0;
  const bright = Math.max(...samples.map((s) => s.brightPct));
  if (red >= 50 && bright < 2) return "fake_device_2";
  if (red <= 35 && bright >= 2) return "fake_device_0";
  return "unknown";
}

export interface SentTrack {
  kind: string;
  label: string;
  deviceId: string;
  readyState: string;
  enabled: boolean;
}

/** The tracks the page's publish connection(s) send: what the meeting gets from this browser. */
export async function sentTracks(page: Page): Promise<SentTrack[]> {
  return page.evaluate(`(() => (window.__pcs || [])
    .filter((pc) => pc.signalingState !== "closed" &&
      pc.getTransceivers().some((t) => t.direction === "sendonly" || t.direction === "sendrecv"))
    .flatMap((pc) => pc.getSenders())
    .filter((s) => s.track)
    .map((s) => ({ kind: s.track.kind, label: s.track.label, deviceId: s.track.getSettings().deviceId || "",
      readyState: s.track.readyState, enabled: s.track.enabled })))()`) as Promise<SentTrack[]>;
}

/** The preview's camera track as the page holds it. */
export async function previewTrack(page: Page): Promise<{ label: string; deviceId: string; live: boolean }> {
  return page.locator("video[data-testid=preview]").evaluate((v: HTMLVideoElement) => {
    const track = (v.srcObject as MediaStream | null)?.getVideoTracks()[0];
    return {
      label: track?.label ?? "",
      deviceId: track?.getSettings().deviceId ?? "",
      live: track?.readyState === "live",
    };
  });
}

export interface ChimeObservation {
  sinkId: string;
  paused: boolean;
  currentTimeBefore: number;
  currentTimeAfter: number;
  /** Largest absolute sample seen by an analyser on the element's stream over ~600 ms. */
  peak: number;
  /** The loudest frequency then (Hz). */
  dominantHz: number;
}

/**
 * Arms an observer on the test sound's <audio>: when it starts playing, an analyser of the page reads the
 * stream it plays for ~600 ms, and its currentTime is read before and after. Await `chimeObserved` after the
 * click.
 */
export async function armChimeObserver(page: Page): Promise<void> {
  await page.evaluate(`(() => {
    const el = document.querySelector(${JSON.stringify(pj.testSound)});
    window.__chime = new Promise((resolve) => {
      el.addEventListener("playing", async () => {
        const ctx = new AudioContext();
        await ctx.resume();
        const an = ctx.createAnalyser();
        an.fftSize = 4096;
        ctx.createMediaStreamSource(el.srcObject).connect(an);
        const wave = new Float32Array(an.fftSize);
        const spectrum = new Float32Array(an.frequencyBinCount);
        const before = el.currentTime;
        let peak = 0, best = -Infinity, dominantHz = 0;
        const start = performance.now();
        while (performance.now() - start < 600) {
          await new Promise((r) => setTimeout(r, 40));
          an.getFloatTimeDomainData(wave);
          for (const v of wave) peak = Math.max(peak, Math.abs(v));
          an.getFloatFrequencyData(spectrum);
          for (let i = 1; i < spectrum.length; i++)
            if (spectrum[i] > best) { best = spectrum[i]; dominantHz = (i * ctx.sampleRate) / an.fftSize; }
        }
        resolve({ sinkId: el.sinkId, paused: el.paused, currentTimeBefore: before,
          currentTimeAfter: el.currentTime, peak, dominantHz: Math.round(dominantHz) });
        ctx.close();
      }, { once: true });
    });
  })()`);
}

export async function chimeObserved(page: Page, timeoutMs = 15_000): Promise<ChimeObservation> {
  return page.evaluate(
    `Promise.race([window.__chime, new Promise((_, reject) => setTimeout(() => reject(new Error("the test sound never played")), ${timeoutMs}))])`,
  ) as Promise<ChimeObservation>;
}

export interface ButtonPlace {
  top: number;
  bottom: number;
  left: number;
  right: number;
  viewportWidth: number;
  viewportHeight: number;
  scrollY: number;
  /** The element at the button's centre is the button (nothing covers it). */
  hit: boolean;
  /** The page is no wider than the viewport (no sideways scrolling). */
  pageWidth: number;
}

/** Where `selector` is in the viewport right now. */
export async function placeOf(page: Page, selector: string): Promise<ButtonPlace> {
  return page.evaluate(`(() => {
    const el = document.querySelector(${JSON.stringify(selector)});
    const r = el.getBoundingClientRect();
    const at = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return { top: r.top, bottom: r.bottom, left: r.left, right: r.right, viewportWidth: innerWidth,
      viewportHeight: innerHeight, scrollY: scrollY, hit: !!at && (at === el || el.contains(at)),
      pageWidth: document.documentElement.scrollWidth };
  })()`) as Promise<ButtonPlace>;
}

export function fullyInViewport(p: ButtonPlace): boolean {
  return p.top >= 0 && p.left >= 0 && p.bottom <= p.viewportHeight && p.right <= p.viewportWidth && p.hit;
}

/**
 * Writes a Y4M video of a dark room (luma 22 of 255 everywhere, grey) for Chromium's
 * `--use-file-for-fake-video-capture` (which loops it): the camera the pre-join lighting check finds "dark"
 * (mean luma under 50; see src/client/features/prejoin/lighting.ts). Returns `file`.
 */
export function writeDarkY4m(file: string, width = 320, height = 180, frames = 10): string {
  const parts = [Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\n`)];
  for (let f = 0; f < frames; f++) {
    parts.push(
      Buffer.from("FRAME\n"),
      Buffer.alloc(width * height, 22),
      Buffer.alloc((width * height) / 2, 128),
    );
  }
  fs.writeFileSync(file, Buffer.concat(parts));
  return file;
}
