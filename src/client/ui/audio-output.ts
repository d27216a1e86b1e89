/**
 * Where the others' voices play: the speaker or headset chosen in the settings ("" = the system's default).
 * Every <audio> of the meeting follows it (HTMLMediaElement.setSinkId, where the browser has it).
 */
import { signal } from "@preact/signals";

export const audioOutputId = signal("");

/** Whether this browser lets a page choose the output device. */
export function canChooseOutput(): boolean {
  return typeof HTMLMediaElement !== "undefined" && "setSinkId" in HTMLMediaElement.prototype;
}

type SinkElement = HTMLMediaElement & { setSinkId?: (id: string) => Promise<void> };

/** Sends an element's sound to `id`; a device that went away falls back to the default. */
export function applyOutput(el: HTMLMediaElement, id: string): void {
  const sink = el as SinkElement;
  if (!sink.setSinkId || (sink as { sinkId?: string }).sinkId === id) return;
  sink.setSinkId(id).catch((err: unknown) => {
    console.warn("palabre: could not switch the audio output", err);
    if (id !== "") audioOutputId.value = "";
  });
}
