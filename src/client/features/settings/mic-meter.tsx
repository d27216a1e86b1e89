/**
 * The microphone's level as a meter (role=meter, aria-valuenow 0–100): people see that they are heard before
 * they join, and which microphone works in the settings. Measured in the browser, nothing leaves it.
 */
import { useSignal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import { t } from "../../i18n/i18n.js";
import { SmallMicIcon } from "../../ui/icons.js";
import { LevelReader, levelPercent } from "../audio-help/levels.js";
import "./device-help.css";

const SAMPLE_MS = 100;
/** How fast the bar falls back (points per sample): it follows a voice without flickering. */
const FALL = 12;

interface Props {
  /** The microphone track; null or disabled: the meter stays at zero and says the microphone is off. */
  track: MediaStreamTrack | null | undefined;
  testId?: string;
  /** Laid over the camera preview: an icon instead of the written label (still the accessible name). */
  compact?: boolean;
}

export function MicMeter({ track, testId = "mic-meter", compact = false }: Props) {
  const level = useSignal(0);
  const bar = useRef<HTMLSpanElement>(null);
  const on = track?.enabled === true && track.readyState === "live";

  useEffect(() => {
    level.value = 0;
    bar.current?.style.setProperty("--level", "0");
    if (!track || !on) return;
    const reader = LevelReader.open(track);
    if (!reader) return;
    const timer = setInterval(() => {
      const next = Math.max(levelPercent(reader.level()), level.peek() - FALL);
      level.value = next;
      // A CSS variable set through the CSSOM: the CSP forbids style attributes, not this.
      bar.current?.style.setProperty("--level", String(next / 100));
    }, SAMPLE_MS);
    return () => {
      clearInterval(timer);
      reader.close();
    };
  }, [track, on]);

  return (
    <div class={`mic-meter-row ${compact ? "is-compact" : ""}`}>
      {compact && <SmallMicIcon on={on} />}
      <span class={compact ? "visually-hidden" : "mic-meter-label"} id={`${testId}-label`}>
        {t("prejoin.helpMicLevel")}
      </span>
      {/* A <meter> has no aria-valuenow to read, and its look is hard to style alike in every browser. */}
      {/* biome-ignore lint/a11y/useSemanticElements: see above */}
      <div
        class={`mic-meter ${on ? "" : "is-off"}`}
        role="meter"
        data-testid={testId}
        aria-labelledby={`${testId}-label`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={level.value}
        aria-valuetext={on ? `${level.value} %` : t("prejoin.helpMicOff")}
      >
        <span class="mic-meter-bar" ref={bar} />
      </div>
    </div>
  );
}
