/**
 * Whether the person wants their background noise taken out (RNNoise, noise-suppressor.ts), remembered in this
 * browser only (localStorage; nothing is told to the server). Off until chosen: it costs the device some
 * work, and the browser's own lighter noise suppression is on anyway. The effect's code, worklet and model are
 * fetched the first time it is turned on, not by everyone who opens a meeting.
 */
import { signal } from "@preact/signals";
import { browserStore } from "../../engine/local-media.js";
import type { TrackEffect } from "../../engine/track-effect.js";

const KEY = "palabre.noiseSuppression";

function read(): boolean {
  try {
    return browserStore()?.getItem(KEY) === "on";
  } catch {
    return false;
  }
}

export const denoiseWanted = signal(read());
/** Why it is off although it was wanted: it would not start here, or the device could not keep up. */
export const denoiseProblem = signal<"noise.failed" | "noise.tooSlow" | null>(null);

export function rememberDenoise(on: boolean): void {
  if (on) denoiseProblem.value = null;
  denoiseWanted.value = on;
  try {
    browserStore()?.setItem(KEY, on ? "on" : "off");
  } catch {
    // Storage refused: the choice holds for this page.
  }
}

/** Whether this browser can run it at all (an AudioWorklet, WebAssembly). */
export function canDenoise(): boolean {
  return typeof AudioWorkletNode !== "undefined" && typeof WebAssembly !== "undefined";
}

/** Off for good in this browser, and why (whoever holds the devices follows `denoiseWanted`). */
export function giveUpDenoise(why: "noise.failed" | "noise.tooSlow"): void {
  denoiseProblem.value = why;
  rememberDenoise(false);
}

/** A new noise suppressor (its code fetched on first use). */
export async function denoiseEffect(): Promise<TrackEffect> {
  const { NoiseSuppressor } = await import("./noise-suppressor.js");
  return new NoiseSuppressor(giveUpDenoise);
}
