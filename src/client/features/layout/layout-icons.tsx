/** Icons of the screen share and layout controls: inline SVG, decorative (the control carries the name). */
import { Svg } from "../../ui/icons.js";

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
