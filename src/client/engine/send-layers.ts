/** Which of a sender's encodings are active: what a muted device and the chosen video quality allow. */

/** A simulcast layer of the camera: 0 = 320×180, 1 = 640×360, 2 = 1280×720; -1 = no video at all. */
export type VideoLayer = -1 | 0 | 1 | 2;

/**
 * The `active` flag of each of `count` encodings (lowest first): those up to `maxLayer`, none while the
 * device is not sending (muted).
 */
export function activeEncodings(count: number, maxLayer: VideoLayer, sending: boolean): boolean[] {
  return Array.from({ length: count }, (_, i) => sending && i <= maxLayer);
}

/**
 * Sets each encoding's `active` flag to `wanted` (one per encoding, or one for all); nothing is asked of the
 * sender when they already are. No renegotiation: the m-line and its encodings stay.
 */
export async function setEncodingsActive(
  sender: RTCRtpSender,
  wanted: readonly boolean[] | boolean,
): Promise<void> {
  const params = sender.getParameters();
  const encodings = params.encodings ?? [];
  const want = (i: number) => (typeof wanted === "boolean" ? wanted : (wanted[i] ?? false));
  if (encodings.length === 0 || encodings.every((e, i) => (e.active ?? true) === want(i))) return;
  encodings.forEach((e, i) => {
    e.active = want(i);
  });
  await sender.setParameters(params);
}
