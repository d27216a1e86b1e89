/** The pin toggle on a tile: pins it on the speaker view's stage (pressed), or unpins it. */
import { t } from "../i18n/i18n.js";
import { onControl, useGestures } from "./gestures.js";
import { PinIcon } from "./icons.js";

export interface PinProps {
  pinned: boolean;
  onToggle: () => void;
}

/** `label`: what the tile shows ("Ada", "Ada's screen"), for the button's accessible name. */
export function PinButton({ pinned, onToggle, label }: PinProps & { label: string }) {
  // A toggle keeps one name; aria-pressed says its state, the tooltip the action.
  const name = t("layout.pin", { name: label });
  return (
    <button
      type="button"
      class="tile-pin"
      data-testid="pin"
      aria-pressed={pinned ? "true" : "false"}
      aria-label={name}
      title={pinned ? t("layout.unpin", { name: label }) : name}
      onClick={onToggle}
    >
      <PinIcon />
    </button>
  );
}

/**
 * A tap on a tile pins it (and a tap on the pinned one unpins it), as on phones people expect; a tap on one
 * of the tile's own controls is theirs. Touch only: see gestures.ts.
 */
export function useTapToPin(pin: PinProps | undefined) {
  return useGestures({
    onTap: (target) => {
      if (pin && !onControl(target, null)) pin.onToggle();
    },
  });
}
