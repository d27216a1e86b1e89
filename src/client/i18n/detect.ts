/** Which of our languages the browser prefers. Kept free of DOM access at import, so it can be unit-tested. */
export type Language = "en" | "fr";

/** The first of the browser's preferred languages that we speak (fr* → French); English otherwise. */
export function detectLanguage(preferred: readonly string[] = navigator.languages ?? []): Language {
  for (const tag of preferred) {
    const primary = tag.toLowerCase().split("-")[0];
    if (primary === "fr" || primary === "en") return primary;
  }
  return "en";
}
