import { describe, expect, it } from "vitest";
import { deviceShortcut, isHelpShortcut, isPushToTalkKey, type KeyPress, spaceIsTaken } from "./shortcuts.js";

const el = (tagName: string, attrs: Record<string, string> = {}, editable = false) => ({
  tagName: tagName.toUpperCase(),
  isContentEditable: editable,
  getAttribute: (name: string) => attrs[name] ?? null,
});
const press = (key: string, over: Partial<KeyPress> = {}): KeyPress => ({
  key,
  repeat: false,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  target: el("body"),
  ...over,
});

describe("deviceShortcut", () => {
  it("M is the microphone, V the camera, either case", () => {
    expect(deviceShortcut(press("m"))).toBe("audio");
    expect(deviceShortcut(press("M"))).toBe("audio");
    expect(deviceShortcut(press("v"))).toBe("video");
    expect(deviceShortcut(press("x"))).toBeNull();
  });
  it("is not a shortcut while typing, with a modifier or on key repeat", () => {
    expect(deviceShortcut(press("m", { target: el("input") }))).toBeNull();
    expect(deviceShortcut(press("m", { target: el("textarea") }))).toBeNull();
    expect(deviceShortcut(press("m", { target: el("div", {}, true) }))).toBeNull();
    expect(deviceShortcut(press("v", { ctrlKey: true }))).toBeNull();
    expect(deviceShortcut(press("m", { metaKey: true }))).toBeNull();
    expect(deviceShortcut(press("m", { repeat: true }))).toBeNull();
    // On a focused button a letter means nothing else: the shortcut works.
    expect(deviceShortcut(press("m", { target: el("button") }))).toBe("audio");
  });
});

describe("push-to-talk", () => {
  it("is Space, not where Space already presses or types something", () => {
    expect(isPushToTalkKey(press(" "))).toBe(true);
    expect(isPushToTalkKey(press(" ", { target: el("main") }))).toBe(true);
    expect(isPushToTalkKey(press(" ", { target: el("button") }))).toBe(false);
    expect(isPushToTalkKey(press(" ", { target: el("input") }))).toBe(false);
    expect(isPushToTalkKey(press(" ", { target: el("div", { role: "menuitem" }) }))).toBe(false);
    expect(isPushToTalkKey(press(" ", { shiftKey: true } as Partial<KeyPress>))).toBe(true);
    expect(isPushToTalkKey(press(" ", { ctrlKey: true }))).toBe(false);
    expect(isPushToTalkKey(press("Enter"))).toBe(false);
    expect(spaceIsTaken(null)).toBe(false);
  });
});

describe("help shortcut", () => {
  it("is ?, not while typing", () => {
    expect(isHelpShortcut(press("?"))).toBe(true);
    expect(isHelpShortcut(press("?", { target: el("textarea") }))).toBe(false);
  });
});
