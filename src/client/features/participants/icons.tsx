/**
 * Icons of the participants pane and the security settings, inline SVG like ui/icons.tsx (nothing fetched).
 * Decorative: the control or label around each one carries the accessible name.
 */
import { Svg } from "../../ui/icons.js";

export function PeopleIcon() {
  return (
    <Svg>
      <circle cx="9" cy="8" r="3.5" />
      <path d="M2.5 20a6.5 6.5 0 0 1 13 0" />
      <path d="M16 4.6a3.5 3.5 0 0 1 0 6.8M18 14.3a6.5 6.5 0 0 1 3.5 5.7" />
    </Svg>
  );
}

export function MoreIcon() {
  return (
    <Svg size={20}>
      <circle cx="5" cy="12" r="1.2" />
      <circle cx="12" cy="12" r="1.2" />
      <circle cx="19" cy="12" r="1.2" />
    </Svg>
  );
}

export function LockIcon({ size = 18 }: { size?: number }) {
  return (
    <Svg size={size}>
      <rect x="5" y="11" width="14" height="10" rx="2" />
      <path d="M8 11V7a4 4 0 0 1 8 0v4" />
    </Svg>
  );
}

export function HandIcon() {
  return (
    <Svg size={16}>
      <path d="M8 13V5.5a1.5 1.5 0 0 1 3 0V11M11 10V4.5a1.5 1.5 0 0 1 3 0V11M14 10.5V6a1.5 1.5 0 0 1 3 0v8" />
      <path d="M8 12.5 6.6 11a1.6 1.6 0 0 0-2.4 2.1L8 18a6 6 0 0 0 5 3h0a4 4 0 0 0 4-4v-3" />
    </Svg>
  );
}

export function SmallMicIcon({ on }: { on: boolean }) {
  return (
    <Svg size={18}>
      <rect x="9" y="2" width="6" height="12" rx="3" />
      <path d="M5 10v1a7 7 0 0 0 14 0v-1M12 18v4" />
      {!on && <path d="M3 3l18 18" />}
    </Svg>
  );
}

export function SmallCameraIcon({ on }: { on: boolean }) {
  return (
    <Svg size={18}>
      <rect x="2" y="6" width="14" height="12" rx="2" />
      <path d="M16 10l6-3v10l-6-3z" />
      {!on && <path d="M3 3l18 18" />}
    </Svg>
  );
}
