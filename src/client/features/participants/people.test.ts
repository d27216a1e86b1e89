import { describe, expect, it } from "vitest";
import type { ParticipantInfo } from "../../../protocol/messages.js";
import { ordinal } from "../hands/ordinal.js";
import { matches, ordered, peopleOf } from "./people.js";

const info = (id: string, name: string, role: ParticipantInfo["role"] = "participant"): ParticipantInfo => ({
  id,
  name,
  role,
  audio: true,
  video: true,
  screen: false,
  recording: false,
});

describe("matches (the participants search)", () => {
  it("ignores case and accents", () => {
    expect(matches("Élodie Dupré", "elodie")).toBe(true);
    expect(matches("élodie", "ÉLO")).toBe(true);
    expect(matches("Zoë", "zoe")).toBe(true);
    expect(matches("François", "franc")).toBe(true);
  });
  it("finds a part of the name anywhere, spaces folded", () => {
    expect(matches("Ada Lovelace", "love")).toBe(true);
    expect(matches("Ada Lovelace", "  ada   lov ")).toBe(true);
    expect(matches("Ada Lovelace", "bob")).toBe(false);
  });
  it("an empty search matches everyone", () => {
    expect(matches("Ada", "")).toBe(true);
    expect(matches("Ada", "   ")).toBe(true);
  });
});

describe("peopleOf and ordered", () => {
  const me = { info: info("p_me", "Zed", "moderator"), audio: false, video: true };
  const others = [info("p_b", "bob"), info("p_a", "Alice"), info("p_c", "Chloé")];

  it("takes our own devices' state, and each hand's place from the queue", () => {
    const people = peopleOf(me, others, [
      { participantId: "p_c", raisedAt: 1 },
      { participantId: "p_me", raisedAt: 2 },
    ]);
    const byId = new Map(people.map((p) => [p.id, p]));
    expect(byId.get("p_me")).toMatchObject({ local: true, audio: false, hand: 2, role: "moderator" });
    expect(byId.get("p_c")?.hand).toBe(1);
    expect(byId.get("p_a")?.hand).toBeNull();
  });

  it("puts raised hands first in queue order, then ourselves, then the others by name", () => {
    const none = ordered(peopleOf(me, others, [])).map((p) => p.name);
    expect(none).toEqual(["Zed", "Alice", "bob", "Chloé"]);
    const hands = ordered(peopleOf(me, others, [{ participantId: "p_b", raisedAt: 5 }])).map((p) => p.name);
    expect(hands).toEqual(["bob", "Zed", "Alice", "Chloé"]);
  });
});

describe("hand position labels", () => {
  it("reads 1st, 2nd, 3rd in English and 1re, 2e in French", () => {
    expect([1, 2, 3, 4, 11, 22].map((n) => ordinal(n, "en"))).toEqual([
      "1st",
      "2nd",
      "3rd",
      "4th",
      "11th",
      "22nd",
    ]);
    expect([1, 2, 3].map((n) => ordinal(n, "fr"))).toEqual(["1re", "2e", "3e"]);
  });
});
