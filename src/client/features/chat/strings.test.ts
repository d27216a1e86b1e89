import { describe, expect, it } from "vitest";
import { REACTIONS } from "../../../protocol/text.js";
import { en } from "../../i18n/en.js";
import { fr } from "../../i18n/fr.js";
import { REACTION_NAMES } from "../reactions/reactions-names.js";

describe("chat, hands and reactions strings", () => {
  it("use the French users' own words for the chat and hand buttons", () => {
    expect(fr["chat.toggleHint"]).toBe("Ouvrir ou fermer le chat");
    expect(fr["hands.toggle"]).toBe("Lever la main");
    expect(en["hands.toggle"]).toBe("Raise hand");
  });
  it("name every reaction, differently, in both languages", () => {
    for (const dict of [en, fr]) {
      const names = REACTIONS.map((emoji) => dict[REACTION_NAMES[emoji]]);
      expect(new Set(names).size).toBe(REACTIONS.length);
    }
  });
});
