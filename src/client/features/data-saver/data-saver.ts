/**
 * The data saver, for mobile networks: the lowest picture and at most a few videos received (or audio only),
 * remembered on this browser, so that a phone on a metered plan does not have to ask again at every meeting.
 * Only the choice is kept (localStorage, never sent anywhere); the quality and last-N it sets are the ⋯ menu's
 * own, so the menu always shows what is in force. Choosing more than the saver allows (a higher quality, more
 * videos) is a choice too: it turns the saver off rather than being undone behind the person's back.
 */
import { effect, signal } from "@preact/signals";
import { browserStore } from "../../engine/local-media.js";
import type { Room } from "../../state/room.js";
import { scope } from "../../ui/scope.js";
import { type AdaptationController, DEFAULT_LAST_N } from "../adaptation/adaptation-controller.js";
import type { QualityController } from "../quality/quality-controller.js";
import { type Remembered, readSaver, writeSaver } from "./saver-store.js";

/** Videos received at most while saving data: a phone's screen shows about that many anyway. */
export const SAVER_VIDEOS = 4;

/** What the saver uses of the Room, the quality and the adaptation (unit tests give stand-ins). */
type RoomPart = Pick<Room, "register">;
type QualityPart = Pick<QualityController, "quality" | "set">;
type AdaptPart = Pick<AdaptationController, "lastN" | "setLastN">;

export class DataSaver {
  readonly on = signal(false);
  readonly #quality: QualityPart;
  readonly #adapt: AdaptPart;
  readonly #store: Storage | null;

  constructor(room: RoomPart, quality: QualityPart, adapt: AdaptPart, store = browserStore()) {
    this.#quality = quality;
    this.#adapt = adapt;
    this.#store = store;
    const kept = readSaver(store);
    this.on.value = kept.on;
    if (kept.on) adapt.setLastN(Math.min(adapt.lastN.peek(), SAVER_VIDEOS));
    // The quality waits for the first meeting: audio only turns the camera off, which only a participant can.
    let first = kept.on;
    room.register({
      joined: () => {
        if (!first) return;
        first = false;
        if (this.on.peek()) void quality.set(kept.audioOnly ? "audio-only" : "low");
      },
    });
    effect(() => {
      const q = quality.quality.value;
      const n = adapt.lastN.value;
      if (!this.on.peek() || first) return;
      if (q === "high" || q === "standard" || n > SAVER_VIDEOS) this.#keep({ on: false, audioOnly: false });
      else this.#keep({ on: true, audioOnly: q === "audio-only" });
    });
  }

  async toggle(): Promise<void> {
    const on = !this.on.peek();
    const q = this.#quality.quality.peek();
    if (on) {
      // Lowered first: the saver, once on, takes a higher quality or more videos for the person's own choice.
      const lowered = q === "high" || q === "standard" ? this.#quality.set("low") : Promise.resolve();
      this.#adapt.setLastN(Math.min(this.#adapt.lastN.peek(), SAVER_VIDEOS));
      this.#keep({ on, audioOnly: q === "audio-only" });
      await lowered;
    } else {
      this.#keep({ on, audioOnly: false });
      if (this.#adapt.lastN.peek() <= SAVER_VIDEOS) this.#adapt.setLastN(DEFAULT_LAST_N);
      if (q === "low") await this.#quality.set("high");
    }
  }

  #keep(value: Remembered): void {
    this.on.value = value.on;
    writeSaver(this.#store, value);
  }
}

/** The meeting's data saver (meeting.tsx makes it), for the ⋯ menu's switch. */
export const DataSaverScope = scope<DataSaver>("data saver");
