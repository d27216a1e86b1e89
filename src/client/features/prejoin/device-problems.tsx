/** Explains, in plain words, a device that could not be opened: joining still works without it. */
import type { DeviceProblem, MediaKind } from "../../engine/local-media.js";
import { type MessageKey, t } from "../../i18n/i18n.js";

export function DeviceProblems({ problems }: { problems: Partial<Record<MediaKind, DeviceProblem>> }) {
  const keys = (["audio", "video"] as const).flatMap((kind) => {
    const problem = problems[kind];
    return problem ? [`device.${kind}.${problem}` as MessageKey] : [];
  });
  if (keys.length === 0) return null;
  return (
    <ul class="device-problems" role="status">
      {keys.map((key) => (
        <li key={key}>{t(key)}</li>
      ))}
    </ul>
  );
}
