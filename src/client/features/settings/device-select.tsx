/** One device choice (microphone, camera or speakers): a label and a select, for the settings and the pre-join. */
import { type MessageKey, t } from "../../i18n/i18n.js";
import type { DeviceOption } from "./device-settings.js";

export interface DeviceSelectProps {
  id: string;
  testId: string;
  label: string;
  options: readonly DeviceOption[];
  value: string;
  /** How to name a device the browser gives no label for ("Microphone {n}"). */
  unnamed: MessageKey;
  busy: boolean;
  onChange: (deviceId: string) => void;
  /** Devices are listed (before that, an empty list says nothing rather than "no device"). */
  ready?: boolean;
  labelClass?: string;
  selectClass?: string;
}

export function DeviceSelect(props: DeviceSelectProps) {
  const { id, testId, label, options, value, unnamed, busy, onChange, ready = true } = props;
  return (
    <>
      <label for={id} class={props.labelClass}>
        {label}
      </label>
      <select
        id={id}
        class={props.selectClass}
        data-testid={testId}
        value={value}
        disabled={options.length === 0}
        aria-busy={busy ? "true" : undefined}
        onChange={(ev) => onChange((ev.currentTarget as HTMLSelectElement).value)}
      >
        {options.length === 0 && <option value="">{ready ? t("settings.noDevice") : ""}</option>}
        {options.map((d, i) => (
          <option key={d.deviceId} value={d.deviceId}>
            {d.label || t(unnamed, { n: i + 1 })}
          </option>
        ))}
      </select>
    </>
  );
}
