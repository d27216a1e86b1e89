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
