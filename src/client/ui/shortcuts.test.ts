import { describe, expect, it, vi } from "vitest";
import { type KeyPress, Shortcuts, spaceIsTaken } from "./shortcuts.js";

const el = (tagName: string, attrs: Record<string, string> = {}, editable = false) => ({
  tagName: tagName.toUpperCase(),
  isContentEditable: editable,
  getAttribute: (name: string) => attrs[name] ?? null,
});

/** A key press as the registry gets it; `prevented` says whether it took the key. */
function press(key: string, over: Partial<KeyPress> & { defaultPrevented?: boolean } = {}) {
  const ev = {
    key,
    repeat: false,
    ctrlKey: false,
    metaKey: false,
    altKey: false,
    target: el("body") as KeyPress["target"],
    defaultPrevented: false,
    prevented: false,
    preventDefault() {
      ev.prevented = true;
    },
    ...over,
  };
  return ev;
}

function registry({ active = true, modal = false } = {}) {
  const state = { active, modal };
  const shortcuts = new Shortcuts(
    () => state.active,
    () => state.modal,
  );
  return { shortcuts, state };
}

describe("Shortcuts", () => {
  it("acts on a bound key, either case, and takes it", () => {
    const { shortcuts } = registry();
    const down = vi.fn(() => true);
    shortcuts.bind({ key: "r", down });
    const ev = press("R");
    shortcuts.keydown(ev);
    expect(down).toHaveBeenCalledTimes(1);
    expect(ev.prevented).toBe(true);
    const other = press("x");
    shortcuts.keydown(other);
    expect(other.prevented).toBe(false);
  });

  it("is the same rule for every key: not while typing, with a modifier, on a repeat, in a dialog, or outside the meeting", () => {
    const { shortcuts, state } = registry();
    const down = vi.fn(() => true);
    for (const key of ["m", "v", "r", "w", "?"]) shortcuts.bind({ key, down });
    for (const key of ["m", "v", "r", "w", "?"]) {
      shortcuts.keydown(press(key, { target: el("input") }));
      shortcuts.keydown(press(key, { target: el("textarea") }));
      shortcuts.keydown(press(key, { target: el("div", {}, true) }));
      shortcuts.keydown(press(key, { ctrlKey: true }));
      shortcuts.keydown(press(key, { metaKey: true }));
      shortcuts.keydown(press(key, { altKey: true }));
      shortcuts.keydown(press(key, { repeat: true }));
      shortcuts.keydown(press(key, { defaultPrevented: true }));
    }
    state.modal = true;
    shortcuts.keydown(press("r"));
    state.modal = false;
    state.active = false;
    shortcuts.keydown(press("w"));
    expect(down).not.toHaveBeenCalled();
    // R and W skipped the open-dialog check before there was one rule for every key.
    state.active = true;
    shortcuts.keydown(press("r", { target: el("button") }));
    expect(down).toHaveBeenCalledTimes(1);
  });

  it("leaves a key it was bound for alone when the binding declines", () => {
    const { shortcuts } = registry();
    shortcuts.bind({ key: "m", down: () => false });
    const ev = press("m");
    shortcuts.keydown(ev);
    expect(ev.prevented).toBe(false);
  });

  it("holds Space for push-to-talk: not where Space presses or types, repeats taken, released on key up or blur", () => {
    const { shortcuts } = registry();
    let held = false;
    const down = vi.fn(() => {
      held = true;
      return true;
    });
    const up = vi.fn(() => {
      held = false;
    });
    shortcuts.bind({ key: " ", down, up, held: () => held });
    for (const target of [el("button"), el("input"), el("div", { role: "menuitem" })])
      shortcuts.keydown(press(" ", { target }));
    expect(down).not.toHaveBeenCalled();
    shortcuts.keydown(press(" ", { target: el("main") }));
    expect(down).toHaveBeenCalledTimes(1);
    const repeat = press(" ", { repeat: true });
    shortcuts.keydown(repeat);
    expect(repeat.prevented).toBe(true); // no scrolling while held
    expect(down).toHaveBeenCalledTimes(1);
    shortcuts.keyup({ key: " " });
    expect(up).toHaveBeenCalledTimes(1);
    shortcuts.keydown(press(" "));
    shortcuts.blur();
    expect(up).toHaveBeenCalledTimes(2);
    expect(spaceIsTaken(null)).toBe(false);
  });

  it("unbinds, and listens on a target until told to stop", () => {
    const { shortcuts } = registry();
    const down = vi.fn(() => true);
    const unbind = shortcuts.bind({ key: "w", down });
    unbind();
    shortcuts.keydown(press("w"));
    expect(down).not.toHaveBeenCalled();
    const listeners = new Map<string, (ev: Event) => void>();
    const stop = shortcuts.listen({
      addEventListener: (type, fn) => listeners.set(type, fn),
      removeEventListener: (type) => listeners.delete(type),
    });
    expect([...listeners.keys()].sort()).toEqual(["blur", "keydown", "keyup"]);
    stop();
    expect(listeners.size).toBe(0);
  });
});
