/**
 * Where the others' voices play: the speaker or headset chosen before joining or in the settings ("" = the
 * system's default), remembered in this browser like the microphone and camera (engine/local-media). Every
 * <audio> of the meeting follows it (HTMLMediaElement.setSinkId, where the browser has it).
 */
import { signal } from "@preact/signals";
import { rememberDevice, rememberedDevice } from "../engine/local-media.js";

export const audioOutputId = signal(rememberedDevice("audiooutput"));

/** Whether this browser lets a page choose the output device. */
export function canChooseOutput(): boolean {
  return typeof HTMLMediaElement !== "undefined" && "setSinkId" in HTMLMediaElement.prototype;
}

/** The person's choice: used from now on, and remembered for the next visit. */
export function chooseOutput(id: string): void {
  audioOutputId.value = id;
  rememberDevice("audiooutput", id);
}

type SinkElement = HTMLMediaElement & { setSinkId?: (id: string) => Promise<void>; sinkId?: string };

/**
 * Sends an element's sound to `id`, resolved once it plays there (at once where outputs cannot be chosen).
 * A device that went away falls back to the default for this page, but stays remembered: it is likely to be
 * plugged in again (a headset) by the next meeting.
 */
export async function routeOutput(el: HTMLMediaElement, id: string): Promise<void> {
  const sink = el as SinkElement;
  if (!sink.setSinkId || sink.sinkId === id) return;
  try {
    await sink.setSinkId(id);
  } catch (err) {
    console.warn("palabre: could not switch the audio output", err);
    if (id !== "") audioOutputId.value = "";
  }
}

/** routeOutput for callers that need not wait (the meeting's <audio> elements). */
export function applyOutput(el: HTMLMediaElement, id: string): void {
  void routeOutput(el, id);
}
