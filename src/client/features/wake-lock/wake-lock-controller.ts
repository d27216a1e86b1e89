/**
 * Keeps a phone's or tablet's screen on during the meeting (Screen Wake Lock): a call whose screen goes dark
 * after 30 s of nobody touching it locks the phone, and a locked phone hides the page. Held in the meeting
 * and in its lobby (waiting to be let in can take minutes, and a phone that locked meanwhile would miss the
 * moment), given back when the meeting ends for us (hang-up, removed, ended, any end screen) and when the
 * page hides, taken again when it is shown in the meeting. The state is on <html data-wake-lock>, for
 * whoever wants to know why the screen stays on (and the tests).
 */
import { effect } from "@preact/signals";
import type { Room } from "../../state/room.js";
import { type WakeLockEnv, WakeLockHolder } from "./wake-lock-holder.js";

function browserEnv(): WakeLockEnv {
  const lock = "wakeLock" in navigator ? navigator.wakeLock : null;
  return {
    request: lock ? () => lock.request("screen") : null,
    visible: () => document.visibilityState !== "hidden",
  };
}

export class WakeLockController {
  readonly holder = new WakeLockHolder(browserEnv());

  constructor(room: Room) {
    effect(() => {
      const view = room.state.view.value;
      this.holder.want(view === "conference" || view === "lobby");
    });
    document.addEventListener("visibilitychange", () => this.holder.visibilityChanged());
    effect(() => {
      document.documentElement.dataset.wakeLock = this.holder.status.value;
    });
  }
}
