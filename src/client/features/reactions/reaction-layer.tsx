/**
 * Reactions floating up from the bottom of the meeting for a few seconds, each with its sender's name.
 * Decorative for screen readers (aria-hidden): a stream of emoji read out would drown the meeting.
 */
import { t } from "../../i18n/i18n.js";
import { ReactionsScope } from "./reactions-controller.js";
import "./reactions.css";

export function ReactionLayer() {
  const bursts = ReactionsScope.use().bursts.value;
  if (bursts.length === 0) return null;
  return (
    <div class="reaction-layer" aria-hidden="true">
      {bursts.map((b) => (
        <div
          key={b.key}
          class="reaction-burst"
          data-testid="reaction-burst"
          data-emoji={b.emoji}
          data-lane={b.lane}
        >
          <span class="reaction-emoji">{b.emoji}</span>
          <span class="reaction-name">{b.name ?? t("reactions.you")}</span>
        </div>
      ))}
    </div>
  );
}
