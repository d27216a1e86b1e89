/**
 * Whether this browser can record the meeting, apart from the recorder itself (meeting-recorder.ts), which is
 * fetched only when someone starts recording: the first visit does not download it.
 */

const TYPES = ["video/webm;codecs=vp8,opus", "video/webm;codecs=vp9,opus", "video/webm"];

/** The WebM type this browser records, or null if it cannot record the meeting at all. */
export function recordingType(): string | null {
  if (typeof MediaRecorder === "undefined" || typeof HTMLCanvasElement === "undefined") return null;
  if (typeof HTMLCanvasElement.prototype.captureStream !== "function") return null;
  return TYPES.find((type) => MediaRecorder.isTypeSupported(type)) ?? null;
}
