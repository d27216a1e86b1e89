/**
 * Which camera the "switch camera" button moves to. On a phone the point is front ↔ back, so when the
 * browser says which way the cameras face, the next one faces the other way (a phone may list several
 * back cameras — wide, ultra-wide, tele — before the front one, and plain cycling would walk through all of
 * them). Where nothing is reported (laptops, docks, most desktop browsers), the cameras are taken in the
 * order the browser lists them, round and round.
 */

export interface CameraInfo {
  deviceId: string;
  /** "user", "environment", … as the device reports it; undefined when it does not say. */
  facing?: string | undefined;
}

/** The camera after `currentId` (facing `currentFacing`, if known), or null when there is no other one. */
export function nextCamera(
  cameras: readonly CameraInfo[],
  currentId: string,
  currentFacing?: string,
): string | null {
  const others = cameras.filter((c) => c.deviceId !== currentId);
  if (others.length === 0) return null;
  const facing = currentFacing ?? cameras.find((c) => c.deviceId === currentId)?.facing;
  if (facing === "user" || facing === "environment") {
    const opposite = others.find((c) => c.facing !== undefined && c.facing !== facing);
    if (opposite) return opposite.deviceId;
  }
  const at = cameras.findIndex((c) => c.deviceId === currentId);
  // An unknown current camera (the system's default, not yet named): the first listed that is another one.
  if (at < 0) return others[0]?.deviceId ?? null;
  return cameras[(at + 1) % cameras.length]?.deviceId ?? null;
}
