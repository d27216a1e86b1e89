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
export function CloseIcon({ size = 20 }: { size?: number }) {
  return (
    <Svg size={size}>
      <path d="M6 6l12 12M18 6L6 18" />
    </Svg>
  );
}

// Chat, hands and reactions.
export function ChatIcon() {
  return (
    <Svg>
      <path d="M21 12a8 8 0 0 1-11.6 7.1L4 20l1.1-4.6A8 8 0 1 1 21 12z" />
    </Svg>
  );
}

export function SendIcon() {
  return (
    <Svg>
      <path d="M22 2L11 13" />
      <path d="M22 2l-7 20-4-9-9-4z" />
    </Svg>
  );
}

export function HandIcon() {
  return (
    <Svg>
      <path d="M18 11V6a2 2 0 0 0-4 0v5" />
      <path d="M14 10V4a2 2 0 0 0-4 0v6" />
      <path d="M10 10.5V6a2 2 0 0 0-4 0v8" />
      <path d="M18 8a2 2 0 1 1 4 0v6a8 8 0 0 1-8 8h-2c-2.8 0-4.5-.9-6-2.4l-3.6-3.6a2 2 0 0 1 2.8-2.8L7 15" />
    </Svg>
  );
}

export function SmileIcon() {
  return (
    <Svg>
      <circle cx="12" cy="12" r="10" />
      <path d="M8 14s1.5 2 4 2 4-2 4-2" />
      <path d="M9 9h.01M15 9h.01" />
    </Svg>
  );
}

// People, their devices, the lock.
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

/** The small hand of a participants' list row. */
export function SmallHandIcon() {
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

// Layout and screen sharing.
export function ScreenShareIcon() {
  return (
    <Svg>
      <rect x="2" y="3" width="20" height="14" rx="2" />
      <path d="M8 21h8M12 17v4M12 13V7M9 10l3-3 3 3" />
    </Svg>
  );
}

export function StopShareIcon() {
  return (
    <Svg>
      <rect x="2" y="3" width="20" height="14" rx="2" />
      <path d="M8 21h8M12 17v4M9.5 7.5l5 5M14.5 7.5l-5 5" />
    </Svg>
  );
}

export function TileViewIcon() {
  return (
    <Svg>
      <rect x="3" y="3" width="7.5" height="7.5" rx="1.5" />
      <rect x="13.5" y="3" width="7.5" height="7.5" rx="1.5" />
      <rect x="3" y="13.5" width="7.5" height="7.5" rx="1.5" />
      <rect x="13.5" y="13.5" width="7.5" height="7.5" rx="1.5" />
    </Svg>
  );
}

export function SpeakerViewIcon() {
  return (
    <Svg>
      <rect x="2" y="3" width="14" height="18" rx="2" />
      <rect x="18" y="3" width="4" height="5" rx="1" />
      <rect x="18" y="10" width="4" height="5" rx="1" />
      <rect x="18" y="17" width="4" height="4" rx="1" />
    </Svg>
  );
}

export function PinIcon() {
  return (
    <Svg>
      <path d="M9 4h6l-1 5 3 3v2H7v-2l3-3z" />
      <path d="M12 14v6" />
    </Svg>
  );
}

export function ChevronIcon({ direction }: { direction: "left" | "right" }) {
  return <Svg>{direction === "left" ? <path d="M15 6l-6 6 6 6" /> : <path d="M9 6l6 6-6 6" />}</Svg>;
}

// The ⋯ menu: a little smaller than the toolbar's.

export function MoreDotsIcon() {
  return (
    <Svg size={24}>
      <circle cx="5" cy="12" r="1.4" fill="currentColor" />
      <circle cx="12" cy="12" r="1.4" fill="currentColor" />
      <circle cx="19" cy="12" r="1.4" fill="currentColor" />
    </Svg>
  );
}

export function GearIcon() {
  return (
    <Svg size={20}>
      <circle cx="12" cy="12" r="3" />
      <path d="M19.4 15a1.7 1.7 0 0 0 .3 1.8l.1.1a2 2 0 1 1-2.8 2.8l-.1-.1a1.7 1.7 0 0 0-1.8-.3 1.7 1.7 0 0 0-1 1.5V21a2 2 0 1 1-4 0v-.1a1.7 1.7 0 0 0-1.1-1.5 1.7 1.7 0 0 0-1.8.3l-.1.1a2 2 0 1 1-2.8-2.8l.1-.1a1.7 1.7 0 0 0 .3-1.8 1.7 1.7 0 0 0-1.5-1H3a2 2 0 1 1 0-4h.1a1.7 1.7 0 0 0 1.5-1.1 1.7 1.7 0 0 0-.3-1.8l-.1-.1a2 2 0 1 1 2.8-2.8l.1.1a1.7 1.7 0 0 0 1.8.3H9a1.7 1.7 0 0 0 1-1.5V3a2 2 0 1 1 4 0v.1a1.7 1.7 0 0 0 1 1.5 1.7 1.7 0 0 0 1.8-.3l.1-.1a2 2 0 1 1 2.8 2.8l-.1.1a1.7 1.7 0 0 0-.3 1.8V9a1.7 1.7 0 0 0 1.5 1H21a2 2 0 1 1 0 4h-.1a1.7 1.7 0 0 0-1.5 1z" />
    </Svg>
  );
}

export function FullscreenIcon({ exit }: { exit: boolean }) {
  return (
    <Svg size={20}>
      {exit ? (
        <path d="M9 4v5H4M15 4v5h5M9 20v-5H4M15 20v-5h5" />
      ) : (
        <path d="M4 9V4h5M20 9V4h-5M4 15v5h5M20 15v5h-5" />
      )}
    </Svg>
  );
}

export function ClockIcon() {
  return (
    <Svg size={20}>
      <circle cx="12" cy="12" r="9" />
      <path d="M12 7v5l3 2" />
    </Svg>
  );
}

export function KeyboardIcon() {
  return (
    <Svg size={20}>
      <rect x="2" y="6" width="20" height="12" rx="2" />
      <path d="M6 10h.01M10 10h.01M14 10h.01M18 10h.01M7 14h10" />
    </Svg>
  );
}

export function LinkIcon() {
  return (
    <Svg size={20}>
      <path d="M10 13a5 5 0 0 0 7.5.5l3-3a5 5 0 0 0-7-7l-1.7 1.7" />
      <path d="M14 11a5 5 0 0 0-7.5-.5l-3 3a5 5 0 0 0 7 7l1.7-1.7" />
    </Svg>
  );
}
