/**
 * The current language as a signal, and t() to look strings up in it. Components that call t() while
 * rendering re-render when the language changes, because reading a signal subscribes them.
 *
 * English is built in (it is also the list of keys); another language's words are fetched, from our own
 * origin, when the page starts in it or switches to it: a page carries one dictionary, not all of them.
 */
import { effect, signal } from "@preact/signals";
import { detectLanguage, type Language } from "./detect.js";
import { type Dictionary, en, type MessageKey } from "./en.js";

export type { Language, MessageKey };

export const LANGUAGES: readonly Language[] = ["en", "fr"];

const loaded: Partial<Record<Language, Dictionary>> = { en };
const fetchers: Record<Exclude<Language, "en">, () => Promise<Dictionary>> = {
  fr: () => import("./fr.js").then((m) => m.fr),
};

export const language = signal<Language>("en");

// Screen readers pick their voice and hyphenation from <html lang>, so keep it in step.
effect(() => {
  document.documentElement.lang = language.value;
});

/**
 * Switches to `lang` once its words are here. Resolves either way: a dictionary that cannot be fetched
 * (the network gone) leaves the page in the language it speaks.
 */
export async function setLanguage(lang: Language): Promise<void> {
  if (!loaded[lang] && lang !== "en") {
    try {
      loaded[lang] = await fetchers[lang]();
    } catch (err) {
      console.warn(`palabre: the ${lang} dictionary did not load`, err);
      return;
    }
  }
  language.value = lang;
}

/** Starts in the browser's language; main.tsx renders when this resolves, so no English flashes first. */
export function startLanguage(): Promise<void> {
  return setLanguage(detectLanguage());
}

export function t(key: MessageKey, params?: Readonly<Record<string, string | number>>): string {
  const text = (loaded[language.value] ?? en)[key];
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.hasOwn(params, name) ? String(params[name]) : whole,
  );
}
