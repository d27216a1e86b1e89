import { describe, expect, it } from "vitest";
import { initialsOf } from "./initials.js";

describe("initialsOf", () => {
  it("takes the first letters of the first and last words", () => {
    expect(initialsOf("Ada Lovelace")).toBe("AL");
    expect(initialsOf("Jean de La Fontaine")).toBe("JF");
  });
  it("keeps accented and astral letters whole", () => {
    expect(initialsOf("émile zola")).toBe("ÉZ");
    expect(initialsOf("𝒜lice")).toBe("𝒜");
  });
  it("copes with a single word, extra spaces and an empty name", () => {
    expect(initialsOf("  Bérénice  ")).toBe("B");
    expect(initialsOf("   ")).toBe("?");
  });
});
