import { describe, expect, it } from "vitest";
import { detectLanguage } from "./detect.js";
import { en } from "./en.js";
import { fr } from "./fr.js";

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe("dictionaries", () => {
  it("French has exactly the English keys", () => {
    expect(Object.keys(fr).sort()).toEqual(Object.keys(en).sort());
  });
  it("every translation keeps the same placeholders", () => {
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(placeholders(fr[key]), key).toEqual(placeholders(en[key]));
    }
  });
  it("no string is empty", () => {
    for (const text of [...Object.values(en), ...Object.values(fr)]) expect(text.trim()).not.toBe("");
  });
  it("the seed's wording is used for the main actions", () => {
    expect(en["prejoin.join"]).toBe("Join meeting");
    expect(fr["prejoin.join"]).toBe("Rejoindre la réunion");
    expect(fr["control.hangup"]).toBe("Quitter la réunion");
    expect(fr["left.title"]).toBe("Vous avez quitté la réunion");
  });
});

describe("detectLanguage", () => {
  it("picks French for any fr tag, English otherwise", () => {
    expect(detectLanguage(["fr-CA", "en"])).toBe("fr");
    expect(detectLanguage(["FR"])).toBe("fr");
    expect(detectLanguage(["en-GB", "fr"])).toBe("en");
    expect(detectLanguage(["de-DE", "fr-FR"])).toBe("fr");
    expect(detectLanguage(["de-DE"])).toBe("en");
    expect(detectLanguage([])).toBe("en");
  });
});
