/**
 * What the adaptation shows: the connection-quality mark on every tile (signal bars with an accessible name;
 * the numbers behind it on hover, on focus, or on a press for touch screens), the "video paused to protect
 * audio" notice, and the last-N setting of the ⋯ menu.
 */
import { useId, useState } from "preact/hooks";
import { type MessageKey, t } from "../../i18n/i18n.js";
import { Svg } from "../../ui/icons.js";
import { type AdaptationController, MAX_LAST_N } from "./adaptation-controller.js";
import { type ConnectionQuality, formatBitrate, type QualityDetails } from "./indicator.js";
import "./adaptation.css";

const LABEL: Record<ConnectionQuality, MessageKey> = {
  good: "adapt.quality.good",
  fair: "adapt.quality.fair",
  poor: "adapt.quality.poor",
};
const BARS: Record<ConnectionQuality, number> = { good: 3, fair: 2, poor: 1 };

function SignalIcon({ quality }: { quality: ConnectionQuality }) {
  const lit = BARS[quality];
  return (
    <Svg size={16}>
      {[0, 1, 2].map((i) => (
        <rect
          key={i}
          x={3 + i * 7}
          y={16 - i * 6}
          width="4"
          height={5 + i * 6}
          rx="1"
          class={i < lit ? "bar-lit" : "bar-dim"}
        />
      ))}
    </Svg>
  );
}

function detailLines(d: QualityDetails): [MessageKey, string][] {
  const unknown = t("adapt.details.unknown");
  const lines: [MessageKey, string | null][] = [
    ["adapt.details.bitrate", d.bitrate === null ? null : formatBitrate(d.bitrate)],
    ["adapt.details.loss", d.loss === null ? null : `${(d.loss * 100).toFixed(1)} %`],
    ["adapt.details.rtt", d.rtt === null ? null : `${Math.round(d.rtt * 1000)} ms`],
    ["adapt.details.resolution", d.width && d.height ? `${d.width}×${d.height}` : null],
  ];
  return lines.map(([key, value]) => [key, t(key, { value: value ?? unknown })]);
}

/** The mark for the tile `tileKey`; nothing until the first statistics (a second or two). */
export function QualityIndicator({ adapt, tileKey }: { adapt: AdaptationController; tileKey: string }) {
  const id = useId();
  const [open, setOpen] = useState(false);
  const mark = adapt.marks.value.get(tileKey);
  if (!mark) return null;
  return (
    <span class={`quality-mark ${open ? "is-open" : ""}`}>
      <button
        type="button"
        class="quality-indicator"
        data-testid="quality-indicator"
        data-quality={mark.quality}
        aria-label={t(LABEL[mark.quality])}
        aria-describedby={id}
        aria-expanded={open ? "true" : "false"}
        onClick={() => setOpen(!open)}
        onBlur={() => setOpen(false)}
        onKeyDown={(ev) => {
          if (ev.key === "Escape" && open) {
            ev.stopPropagation();
            setOpen(false);
          }
        }}
      >
        <SignalIcon quality={mark.quality} />
      </button>
      <span id={id} role="tooltip" class="quality-details" data-testid="quality-details">
        <span class="quality-details-title">{t(LABEL[mark.quality])}</span>
        {detailLines(mark.details).map(([key, line]) => (
          <span key={key}>{line}</span>
        ))}
      </span>
    </span>
  );
}

function PausedIcon() {
  return (
    <Svg size={20}>
      <path d="M15 10l4.5-3v10L15 14M3 7h12v10H3z" />
      <path d="M2 2l20 20" />
    </Svg>
  );
}

/**
 * On a tile whose video was paused so that the sound keeps flowing; it comes back by itself. `own`: our own
 * camera, paused because our uplink cannot carry it beside our sound (uplink.ts).
 */
export function VideoPausedNotice({ own = false }: { own?: boolean }) {
  return (
    <div class="video-paused" data-testid={own ? "uplink-video-paused" : "video-paused"} role="status">
      <PausedIcon />
      <span>{t(own ? "adapt.cameraPaused" : "adapt.paused")}</span>
    </div>
  );
}

/** The ⋯ menu's "videos received at most" field (last-N). */
export function LastNSetting({ adapt }: { adapt: AdaptationController }) {
  const current = adapt.lastN.value;
  const [text, setText] = useState<string | null>(null);
  const apply = (value: string) => {
    const n = Number(value);
    if (value.trim() !== "" && Number.isInteger(n) && n >= 1 && n <= MAX_LAST_N) adapt.setLastN(n);
  };
  return (
    <div class="more-last-n">
      <label for="more-last-n">{t("adapt.lastN")}</label>
      <input
        id="more-last-n"
        type="number"
        data-testid="last-n"
        min={1}
        max={MAX_LAST_N}
        step={1}
        inputMode="numeric"
        value={text ?? String(current)}
        aria-describedby="more-last-n-hint"
        onInput={(ev) => {
          const value = (ev.currentTarget as HTMLInputElement).value;
          setText(value);
          apply(value);
        }}
        onChange={() => setText(null)}
        onBlur={() => setText(null)}
      />
      <p id="more-last-n-hint" class="more-hint">
        {t("adapt.lastNHint", { max: MAX_LAST_N })}
      </p>
    </div>
  );
}
