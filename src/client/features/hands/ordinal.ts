/** Queue positions as people write them: "1st", "2nd" in English; "1re", "2e" in French (la main). */
import type { Language } from "../../i18n/detect.js";

export function ordinal(n: number, lang: Language): string {
  if (lang === "fr") return n === 1 ? "1re" : `${n}e`;
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  switch (n % 10) {
    case 1:
      return `${n}st`;
    case 2:
      return `${n}nd`;
    case 3:
      return `${n}rd`;
    default:
      return `${n}th`;
  }
}
