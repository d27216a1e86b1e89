/** The accessible name of each reaction: an emoji alone is read differently (or not at all) by each reader. */
import type { Reaction } from "../../../protocol/common.js";
import type { MessageKey } from "../../i18n/i18n.js";

export const REACTION_NAMES: Record<Reaction, MessageKey> = {
  "👍": "reactions.thumbsUp",
  "👏": "reactions.clap",
  "😂": "reactions.laugh",
  "😮": "reactions.surprise",
  "❤️": "reactions.heart",
  "🎉": "reactions.party",
  "🤔": "reactions.thinking",
  "👋": "reactions.wave",
};
