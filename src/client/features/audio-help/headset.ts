/**
 * Does the sound come out of a headset? The seed's tip against echo is to use one (or to turn the speakers
 * down). Browsers say nothing but the device's label, so the guess is by name; unknown counts as speakers.
 */

const HEADSET = /head|casque|[ée]couteur|earphone|buds|airpods|hands-?free/i;

/** Whether a device label names a headset, headphones or earphones. */
export function isHeadsetLabel(label: string | null | undefined): boolean {
  return typeof label === "string" && HEADSET.test(label);
}

interface DeviceLike {
  kind: string;
  deviceId: string;
  label: string;
}

/**
 * The label of the output the sound goes to: the chosen one (`sinkId`), else the system default (Chrome lists
 * it as "default"), else the only one there is. Empty when the browser does not tell (Firefox, no permission).
 */
export function outputLabel(devices: readonly DeviceLike[], sinkId: string): string {
  const outputs = devices.filter((d) => d.kind === "audiooutput");
  const chosen = outputs.find((d) => d.deviceId === (sinkId || "default"));
  if (chosen) return chosen.label;
  return outputs.length === 1 && !sinkId ? (outputs[0]?.label ?? "") : "";
}

/**
 * Whether to suggest a headset: yes unless the output is known to be one. When the browser does not name the
 * output, a headset microphone (one device, both ways) says enough.
 */
export function headsetHintNeeded(output: string, microphone = ""): boolean {
  if (output) return !isHeadsetLabel(output);
  return !isHeadsetLabel(microphone);
}
