/** The language switch. Language names are written in their own language, so anyone can find theirs. */
import { LANGUAGES, type Language, language, setLanguage, t } from "../i18n/i18n.js";

export function LanguageSelect() {
  return (
    <label class="language-select">
      <span>{t("language.label")}</span>
      <select
        data-testid="language"
        value={language.value}
        onChange={(ev) => void setLanguage((ev.currentTarget as HTMLSelectElement).value as Language)}
      >
        {LANGUAGES.map((lang) => (
          <option key={lang} value={lang} lang={lang}>
            {t(lang === "en" ? "language.en" : "language.fr")}
          </option>
        ))}
      </select>
    </label>
  );
}
