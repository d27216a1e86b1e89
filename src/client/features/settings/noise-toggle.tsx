/**
 * The noise suppression's switch, on the pre-join screen and in the settings (the same DeviceSettings drives
 * both): on, the others hear the voice without the room's noise; the choice is remembered in this browser.
 */
import { t } from "../../i18n/i18n.js";
import { canDenoise, denoiseProblem, denoiseWanted } from "../noise-suppression/noise-preference.js";
import type { DeviceSettings } from "./device-settings.js";

interface Props {
  settings: DeviceSettings;
  /** Its id prefix and the class of its row (the two screens lay it out differently). */
  id: string;
  class?: string;
}

export function NoiseToggle({ settings, id, class: className = "" }: Props) {
  const supported = canDenoise();
  const problem = denoiseProblem.value;
  return (
    <div class={`settings-check ${className}`}>
      <input
        type="checkbox"
        id={id}
        data-testid="noise-suppression-model"
        checked={denoiseWanted.value}
        disabled={!supported || settings.busy.value === "audio"}
        aria-describedby={`${id}-hint`}
        onChange={(ev) => void settings.setNoiseSuppression((ev.currentTarget as HTMLInputElement).checked)}
      />
      <label for={id}>{t("noise.label")}</label>
      <p id={`${id}-hint`} class="hint" data-testid="noise-suppression-hint">
        {t(!supported ? "noise.unsupported" : (problem ?? "noise.hint"))}
      </p>
    </div>
  );
}
