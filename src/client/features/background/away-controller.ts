/**
 * The meeting after a while in the background: when the page is shown again, the video received comes back
 * by itself (features/adaptation asks for it again), our camera is opened again if the phone ended it, and
 * a notice says how long we were away and what happened meanwhile (away.ts).
 */
import { effect, signal } from "@preact/signals";
import type { Room } from "../../state/room.js";
import { scope } from "../../ui/scope.js";
import { awayReport } from "./away.js";

export interface AwayNotice {
  seconds: number;
  cameraBack: boolean;
  /** Tells two notices in a row apart (the live region speaks both). */
  seq: number;
}

/** A notice goes away by itself after this long. */
const NOTICE_MS = 12_000;

export class AwayController {
  readonly notice = signal<AwayNotice | null>(null);
  #hiddenAt: number | null = null;
  #cameraWasOn = false;
  #seq = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly room: Room) {
    document.addEventListener(
      "visibilitychange",
      () => void this.#changed(document.visibilityState === "hidden"),
    );
    effect(() => {
      if (room.state.view.value !== "conference") this.dismiss();
    });
  }

  dismiss(): void {
    clearTimeout(this.#timer);
    this.notice.value = null;
  }

  async #changed(hidden: boolean): Promise<void> {
    const inMeeting = this.room.state.view.peek() === "conference";
    if (hidden) {
      // A notice from the last time away is stale now: the next showing brings its own, not the old one's.
      this.dismiss();
      this.#hiddenAt = inMeeting ? performance.now() : null;
      this.#cameraWasOn = this.room.state.local.peek()?.video ?? false;
      return;
    }
    const hiddenAt = this.#hiddenAt;
    this.#hiddenAt = null;
    if (hiddenAt === null || !inMeeting) return;
    const camera = this.room.state.local.peek()?.media.device("video");
    const report = awayReport(performance.now() - hiddenAt, this.#cameraWasOn, camera?.readyState === "live");
    if (report.reopenCamera) await this.room.setDevice("video", true);
    if (report.seconds === null || this.room.state.view.peek() !== "conference") return;
    const cameraBack = report.reopenCamera && (this.room.state.local.peek()?.video ?? false);
    this.notice.value = { seconds: report.seconds, cameraBack, seq: ++this.#seq };
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.dismiss(), NOTICE_MS);
  }
}

/** The meeting's away notice (meeting.tsx makes it), for the conference view. */
export const AwayScope = scope<AwayController>("away notice");
