/**
 * The current language as a signal, and t() to look strings up in it. Components that call t() while
 * rendering re-render when the language changes, because reading a signal subscribes them.
 */
import { effect, signal } from "@preact/signals";
import { detectLanguage, type Language } from "./detect.js";
import { type Dictionary, en, type MessageKey } from "./en.js";
import { fr } from "./fr.js";

export type { Language, MessageKey };

export const LANGUAGES: readonly Language[] = ["en", "fr"];
const dictionaries: Record<Language, Dictionary> = { en, fr };

export const language = signal<Language>(detectLanguage());

// Screen readers pick their voice and hyphenation from <html lang>, so keep it in step.
effect(() => {
  document.documentElement.lang = language.value;
});

export function setLanguage(lang: Language): void {
  language.value = lang;
}

export function t(key: MessageKey, params?: Readonly<Record<string, string | number>>): string {
  const text = dictionaries[language.value][key];
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.hasOwn(params, name) ? String(params[name]) : whole,
  );
}
