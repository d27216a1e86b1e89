/**
 * Icons as inline SVG components: no icon font or sprite to fetch, nothing from another origin.
 * They are decorative (aria-hidden); the control around each one carries the accessible name.
 */
import type { ComponentChildren } from "preact";

/** The frame every icon of the app shares; features draw their own icons inside it. */
export function Svg({ children, size = 24 }: { children: ComponentChildren; size?: number }) {
  return (
    <svg
      class="icon"
      viewBox="0 0 24 24"
      width={size}
      height={size}
      fill="none"
      stroke="currentColor"
      stroke-width="2"
      stroke-linecap="round"
      stroke-linejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      {children}
    </svg>
  );
}

export function MicIcon() {
  return (
    <Svg>
      <rect x="9" y="2" width="6" height="12" rx="3" />
      <path d="M5 10v1a7 7 0 0 0 14 0v-1" />
      <path d="M12 18v4M8 22h8" />
    </Svg>
  );
}

export function MicOffIcon() {
  return (
    <Svg>
      <path d="M15 9.3V5a3 3 0 0 0-5.7-1.3" />
      <path d="M9 9v2a3 3 0 0 0 5.1 2.1" />
      <path d="M19 10v1a7 7 0 0 1-1.1 3.8M5 10v1a7 7 0 0 0 11.2 5.6" />
      <path d="M12 18v4M8 22h8" />
      <path d="M3 3l18 18" />
    </Svg>
  );
}

export function CameraIcon() {
  return (
    <Svg>
      <rect x="2" y="6" width="14" height="12" rx="2" />
      <path d="M16 10l6-3v10l-6-3z" />
    </Svg>
  );
}

export function CameraOffIcon() {
  return (
    <Svg>
      <path d="M10.7 6H14a2 2 0 0 1 2 2v3.3l1 1L22 7v10" />
      <path d="M16 16a2 2 0 0 1-2 2H4a2 2 0 0 1-2-2V8a2 2 0 0 1 2-2h2" />
      <path d="M3 3l18 18" />
    </Svg>
  );
}

export function HangUpIcon() {
  return (
    <Svg>
      <path d="M3 15.5c5-4.7 13-4.7 18 0l-2.2 2.6-3.5-1.4-.4-2.6a11 11 0 0 0-5.8 0l-.4 2.6-3.5 1.4z" />
    </Svg>
  );
}

/** The close cross of panes, dialogs and hints. */
export function CloseIcon() {
  return (
    <Svg size={20}>
      <path d="M6 6l12 12M18 6L6 18" />
    </Svg>
  );
}
