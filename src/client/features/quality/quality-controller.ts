/**
 * The video quality chosen in the ⋯ menu, one controller per Room, kept for the whole visit (in memory):
 * applied to what we receive (`subscribe.configure`, again after every new subscribe offer, since new m-lines
 * start at the media server's default) and to what we send (our camera's simulcast encodings).
 *
 * Audio-only also turns the camera off, so that the others see an avatar rather than a frozen picture, and
 * turns it back on when leaving audio-only if it was on before. Turning the camera on by hand leaves
 * audio-only for the quality chosen before it.
 *
 * When the media server reports a poor link (`connection.slow`), it suggests a lower quality or audio only,
 * as the seed advises ("on a poor connection, prefer the sound to the picture"), at most every few minutes.
 */
import { effect, signal } from "@preact/signals";
import type { Engine } from "../../engine/engine.js";
import type { Room } from "../../state/room.js";
import { configureBatches, layerOf, type Quality, receiveChoices } from "./quality.js";

/** A suggestion dismissed (or followed) is not made again for this long. */
const SUGGEST_EVERY_MS = 5 * 60_000;

export class QualityController {
  readonly quality = signal<Quality>("high");
  /** The link is poor: the ⋯ button offers a lower quality until dismissed. */
  readonly suggestion = signal(false);
  private lastSuggested = Number.NEGATIVE_INFINITY;
  /** The media server's default is the highest layer: nothing needs saying until a lower one is chosen. */
  private narrowed = false;
  private beforeAudioOnly: Quality = "high";
  /** The camera was on when audio-only began: it comes back on when audio-only ends. */
  private cameraWasOn = false;
  private detach: (() => void) | null = null;

  constructor(private readonly room: Room) {
    // Every `joined` comes with a new engine: follow its subscribe offers, cap its camera.
    room.onServer("joined", () => this.attach());
    room.onServer("connection.slow", () => this.onSlow());
    effect(() => {
      const local = room.state.local.value;
      if (local?.video && this.quality.peek() === "audio-only" && room.state.view.peek() === "conference") {
        this.cameraWasOn = false;
        void this.set(this.beforeAudioOnly);
      }
    });
  }

  dismissSuggestion(): void {
    this.suggestion.value = false;
  }

  async set(quality: Quality): Promise<void> {
    this.suggestion.value = false;
    const previous = this.quality.peek();
    if (quality === previous) return;
    this.quality.value = quality;
    if (quality !== "high") this.narrowed = true;
    if (quality === "audio-only") {
      this.beforeAudioOnly = previous;
      this.cameraWasOn = this.room.state.local.peek()?.video === true;
      if (this.cameraWasOn) await this.room.setCamera(false);
    } else if (previous === "audio-only" && this.cameraWasOn) {
      this.cameraWasOn = false;
      await this.room.setCamera(true);
    }
    const engine = this.room.media;
    if (engine) await Promise.all([this.applySending(engine), this.applyReceiving(engine)]);
  }

  private onSlow(): void {
    const now = Date.now();
    if (this.quality.peek() === "audio-only" || now - this.lastSuggested < SUGGEST_EVERY_MS) return;
    this.lastSuggested = now;
    this.suggestion.value = true;
  }

  private attach(): void {
    this.detach?.();
    const engine = this.room.media;
    this.detach = null;
    if (!engine) return;
    this.detach = engine.onSubscribed(() => {
      if (this.quality.peek() !== "high") void this.applyReceiving(engine);
    });
    void this.applySending(engine);
    if (this.quality.peek() !== "high" && engine.subscribedStreams().length > 0)
      void this.applyReceiving(engine);
  }

  private async applySending(engine: Engine): Promise<void> {
    try {
      await engine.setMaxVideoLayer(layerOf(this.quality.peek()));
    } catch (err) {
      console.warn("palabre: could not change the video quality sent", err);
    }
  }

  private async applyReceiving(engine: Engine): Promise<void> {
    if (engine !== this.room.media || !this.narrowed) return;
    const choices = receiveChoices(this.quality.peek(), engine.subscribedStreams());
    for (const streams of configureBatches(choices)) {
      try {
        await this.room.request({ type: "subscribe.configure", streams });
      } catch (err) {
        console.warn("palabre: subscribe.configure was not accepted", err);
      }
    }
  }
}

const controllers = new WeakMap<Room, QualityController>();

/** The Room's quality controller (main.tsx creates it before the first join, to hear `joined`). */
export function qualityOf(room: Room): QualityController {
  let controller = controllers.get(room);
  if (!controller) {
    controller = new QualityController(room);
    controllers.set(room, controller);
  }
  return controller;
}
