/**
 * Whether one's own picture is shown mirrored. A user-facing camera is, as a bathroom mirror is: people
 * expect to move left and see themselves move left. A camera facing away (a phone's back camera) films the
 * world, and a mirrored world reads wrong (text backwards). Laptops' cameras report no facing mode: they
 * face the user, so they stay mirrored. Only our own view: the others always get the picture as filmed.
 */

/** The decision, from the facing mode the browser reports for the camera (undefined: none reported). */
export function mirrored(facingMode: string | undefined): boolean {
  return facingMode !== "environment";
}

/** The class for a self view of `track` ("" for a back camera). */
export function mirrorClass(track: MediaStreamTrack | null | undefined): string {
  const facing = track?.getSettings?.().facingMode;
  return mirrored(facing) ? "mirror" : "";
}
