/** The initials shown in place of video when a camera is off or its video has not arrived. */

/** Up to two initials, from the first and last words; whole code points, so accents and emoji survive. */
export function initialsOf(name: string): string {
  const words = name.trim().split(/\s+/u).filter(Boolean);
  const first = words[0];
  if (!first) return "?";
  const last = words.length > 1 ? words[words.length - 1] : undefined;
  const letter = (word: string) => Array.from(word)[0] ?? "";
  return (letter(first) + (last ? letter(last) : "")).toLocaleUpperCase();
}

const PALETTE_SIZE = 8;

/** A stable colour per participant, so a face-less tile is still recognisable across the session. */
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
    <div class={`avatar avatar-${size} avatar-c${paletteIndex(seed)}`} aria-hidden="true">
      {initialsOf(name)}
    </div>
  );
}
