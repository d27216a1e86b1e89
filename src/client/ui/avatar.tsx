/** The initials shown in place of video when a camera is off or its video has not arrived. */
import { initialsOf } from "./initials.js";

const PALETTE_SIZE = 8;

/**
 * A stable colour per participant, so a face-less tile is still recognisable across the session. Each colour
 * (base.css, .avatar-c0 to c7) holds white initials at 4.5:1 at least.
 */
function paletteIndex(seed: string): number {
  let hash = 0;
  for (let i = 0; i < seed.length; i++) hash = (hash * 31 + seed.charCodeAt(i)) | 0;
  return Math.abs(hash) % PALETTE_SIZE;
}

export function Avatar({
  name,
  seed,
  size = "large",
}: {
  name: string;
  seed: string;
  size?: "large" | "small";
}) {
  return (
    <div
      class={`avatar avatar-${size} avatar-c${paletteIndex(seed)}`}
      data-testid="avatar"
      aria-hidden="true"
    >
      {initialsOf(name)}
    </div>
  );
}
