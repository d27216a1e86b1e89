import { describe, expect, it } from "vitest";
import { headsetHintNeeded, isHeadsetLabel, outputLabel } from "./headset.js";

describe("isHeadsetLabel", () => {
  it("recognises headsets, headphones and earphones, in English and French", () => {
    for (const label of [
      "Headset Earphone (Jabra Evolve 65)",
      "Default - Headphones (Realtek(R) Audio)",
      "Casque (Logitech G433)",
      "Écouteurs externes",
      "ecouteurs",
      "Galaxy Buds2 Pro",
      "AirPods de Marie",
      "WH-1000XM4 Hands-Free AG Audio",
    ])
      expect(isHeadsetLabel(label), label).toBe(true);
  });

  it("takes speakers and the unknown for speakers", () => {
    for (const label of [
      "Default - Speakers (Realtek(R) Audio)",
      "Haut-parleurs MacBook Pro",
      "HDMI",
      "",
      null,
    ])
      expect(isHeadsetLabel(label), String(label)).toBe(false);
  });
});

const out = (deviceId: string, label: string) => ({ kind: "audiooutput", deviceId, label });

describe("outputLabel", () => {
  const devices = [
    { kind: "audioinput", deviceId: "default", label: "Default - Microphone" },
    out("default", "Default - Speakers"),
    out("abc", "Casque USB"),
  ];
  it("is the chosen output, else the default", () => {
    expect(outputLabel(devices, "abc")).toBe("Casque USB");
    expect(outputLabel(devices, "")).toBe("Default - Speakers");
  });
  it("is empty when the browser lists nothing (or not the chosen one)", () => {
    expect(outputLabel([], "")).toBe("");
    expect(outputLabel(devices, "gone")).toBe("");
    expect(outputLabel([out("x", "")], "")).toBe("");
    expect(outputLabel([out("x", "AirPods")], "")).toBe("AirPods");
  });
});

describe("headsetHintNeeded", () => {
  it("suggests a headset for speakers or an unknown output", () => {
    expect(headsetHintNeeded("Default - Speakers")).toBe(true);
    expect(headsetHintNeeded("")).toBe(true);
    expect(headsetHintNeeded("", "Built-in Microphone")).toBe(true);
  });
  it("says nothing to someone with a headset", () => {
    expect(headsetHintNeeded("Casque USB")).toBe(false);
    expect(headsetHintNeeded("", "Headset Microphone (Jabra)")).toBe(false);
    // A named output wins over the microphone's name.
    expect(headsetHintNeeded("Speakers", "Headset Microphone")).toBe(true);
  });
});
