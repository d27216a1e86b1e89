/** The recording's file: its name, and handing it to the browser's downloads (written on this machine only). */

/** How long the file's link is kept after it was offered (the browser has saved it well before). */
const LINK_LIFETIME_MS = 60_000;

/** `palabre-<room>-<date>-<time>.webm`, with only characters every file system takes. */
export function fileName(room: string, at: number): string {
  const d = new Date(at);
  const two = (n: number) => String(n).padStart(2, "0");
  const stamp = `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}-${two(d.getHours())}${two(d.getMinutes())}`;
  const safe =
    room
      .replace(/[^\p{L}\p{N}_-]+/gu, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 48) || "meeting";
  return `palabre-${safe}-${stamp}.webm`;
}

/** Hands the file to the browser's downloads: it is written on this machine, nowhere else. */
export function save(file: Blob, name: string): void {
  const url = URL.createObjectURL(file);
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  link.rel = "noopener";
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), LINK_LIFETIME_MS);
}
