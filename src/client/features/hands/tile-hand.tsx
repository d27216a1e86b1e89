/** The raised-hand mark on a tile, with the hand's place in the queue ("1st", "2e"…). */
import { language, t } from "../../i18n/i18n.js";
import { HandIcon } from "../../ui/icons.js";
import { ordinal } from "./ordinal.js";
import "./hands.css";

export function TileHand({ position }: { position: number }) {
  const place = ordinal(position, language.value);
  return (
    <span
      class="tile-hand"
      data-testid="tile-hand"
      role="img"
      aria-label={t("hands.onTile", { position: place })}
    >
      <HandIcon />
      <span aria-hidden="true">{place}</span>
    </span>
  );
}
