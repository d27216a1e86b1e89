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
 *
 * It is the one place that decides what goes on the wire: features/adaptation only advises (per m-line: the
 * layer a tile's size and the bandwidth allow, or why not to receive it; the highest layer our uplink
 * carries), and this controller applies the advice within the quality chosen. `subscribe.configure` says
 * only what changed since the media server last applied it, per m-line, in as few messages as it can.
 */
import { effect, type ReadonlySignal, signal } from "@preact/signals";
import type { StreamInfo } from "../../../protocol/messages.js";
import type { Engine } from "../../engine/engine.js";
import type { VideoLayer } from "../../engine/send-layers.js";
import type { Room } from "../../state/room.js";
import { scope } from "../../ui/scope.js";
import {
  type Advice,
  changedChoices,
  configureBatches,
  type FinalChoice,
  type Forwarded,
  finalChoices,
  layerOf,
  type Quality,
  toWire,
} from "./quality.js";

/** A suggestion dismissed (or followed) is not made again for this long. */
const SUGGEST_EVERY_MS = 5 * 60_000;

export class QualityController {
  readonly quality = signal<Quality>("high");
  /** The link is poor: the ⋯ button offers a lower quality until dismissed. */
  readonly suggestion = signal(false);
  private lastSuggested = Number.NEGATIVE_INFINITY;
  private readonly finalSignal = signal<ReadonlyMap<string, FinalChoice>>(new Map());
  /** features/adaptation's advice per remote video m-line. */
  private advice: ReadonlyMap<string, Advice> = new Map();
  /** The highest layer our uplink carries (features/adaptation). */
  private uplinkCap: VideoLayer = 2;
  /** What the media server forwards per m-line (absent: its default), and whose stream that m-line was. */
  private forwarded = new Map<string, Forwarded | "unknown">();
  private owners = new Map<string, string>();
  private syncing = false;
  private again = false;
  private beforeAudioOnly: Quality = "high";
  /** The camera was on when audio-only began: it comes back on when audio-only ends. */
  private cameraWasOn = false;
  private detach: (() => void) | null = null;

  constructor(private readonly room: Room) {
    // Every `joined` comes with a new engine: follow its subscribe offers, cap its camera.
    room.register({
      joined: () => this.attach(),
      "media.restored": () => this.attach(),
      "connection.slow": () => this.onSlow(),
    });
    effect(() => {
      const local = room.state.local.value;
      if (local?.video && this.quality.peek() === "audio-only" && room.state.view.peek() === "conference") {
        this.cameraWasOn = false;
        void this.set(this.beforeAudioOnly);
      }
    });
  }

  /** The final choice per remote video m-line (mid), for the tiles. */
  get choices(): ReadonlySignal<ReadonlyMap<string, FinalChoice>> {
    return this.finalSignal;
  }

  /** The choice for a participant's camera or screen, if we have its m-line. */
  choiceFor(participantId: string, source: StreamInfo["source"]): FinalChoice | undefined {
    for (const c of this.finalSignal.value.values())
      if (c.participantId === participantId && c.source === source) return c;
    return undefined;
  }

  /** features/adaptation's wishes per remote video m-line; applied within the quality, changes only. */
  advise(advice: ReadonlyMap<string, Advice>): void {
    this.advice = advice;
    const engine = this.room.media;
    if (engine) void this.applyReceiving(engine);
  }

  /** Says again what is asked for these m-lines (the media server asks the publisher for a key frame again). */
  resend(mids: readonly string[]): void {
    for (const mid of mids) this.forwarded.set(mid, "unknown");
    const engine = this.room.media;
    if (engine && mids.length > 0) void this.applyReceiving(engine);
  }

  /** Asks the media server for a key frame on these m-lines: their pictures wait for one (freeze-watch.ts). */
  requestKeyFrames(mids: readonly string[]): void {
    if (mids.length === 0) return;
    const streams = mids.map((mid) => ({ mid, keyframe: true as const }));
    this.room
      .request({ type: "subscribe.configure", streams })
      .catch((err: unknown) => console.warn("palabre: key frame request was not accepted", err));
  }

  /** The highest camera layer our uplink carries now (features/adaptation); the quality's cap still applies. */
  limitUplink(layer: VideoLayer): void {
    if (layer === this.uplinkCap) return;
    this.uplinkCap = layer;
    const engine = this.room.media;
    if (engine) void this.applySending(engine);
  }

  dismissSuggestion(): void {
    this.suggestion.value = false;
  }

  async set(quality: Quality): Promise<void> {
    this.suggestion.value = false;
    const previous = this.quality.peek();
    if (quality === previous) return;
    this.quality.value = quality;
    if (quality === "audio-only") {
      this.beforeAudioOnly = previous;
      this.cameraWasOn = this.room.state.local.peek()?.video === true;
      if (this.cameraWasOn) await this.room.setDevice("video", false);
    } else if (previous === "audio-only" && this.cameraWasOn) {
      this.cameraWasOn = false;
      await this.room.setDevice("video", true);
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
    // A new connection, a new subscription: the media server forwards everything at its default.
    this.forwarded = new Map();
    this.owners = new Map();
    this.advice = new Map();
    this.uplinkCap = 2;
    this.finalSignal.value = new Map();
    if (!engine) return;
    // New m-lines start at the media server's default: say what differs.
    this.detach = engine.onSubscribed(() => void this.applyReceiving(engine));
    void this.applySending(engine);
    if (engine.subscribedStreams().length > 0) void this.applyReceiving(engine);
  }

  private async applySending(engine: Engine): Promise<void> {
    try {
      const chosen = layerOf(this.quality.peek());
      await engine.setMaxVideoLayer(Math.min(chosen, this.uplinkCap) as VideoLayer);
    } catch (err) {
      console.warn("palabre: could not change the video quality sent", err);
    }
  }

  /** Sends what changed; one run at a time, a request meanwhile runs again after with the latest state. */
  private async applyReceiving(engine: Engine): Promise<void> {
    if (this.syncing) {
      this.again = true;
      return;
    }
    this.syncing = true;
    try {
      do {
        this.again = false;
        if (engine !== this.room.media) return;
        await this.sendChanges(engine);
      } while (this.again);
    } finally {
      this.syncing = false;
    }
  }

  private async sendChanges(engine: Engine): Promise<void> {
    const streams = engine.subscribedStreams();
    const final = finalChoices(this.quality.peek(), streams, this.advice);
    const next = new Map(final.map((c) => [c.mid, c]));
    if (!sameChoices(next, this.finalSignal.peek())) this.finalSignal.value = next;
    // An m-line that went away, or now carries someone else's stream, starts again at the default.
    const owners = new Map(streams.map((s) => [s.mid, `${s.participantId}/${s.source}`]));
    for (const [mid, owner] of this.owners) if (owners.get(mid) !== owner) this.forwarded.delete(mid);
    this.owners = owners;
    const changes = changedChoices(this.forwarded, final.map(toWire));
    for (const streams of configureBatches(changes)) {
      try {
        await this.room.request({ type: "subscribe.configure", streams });
        for (const c of streams)
          this.forwarded.set(c.mid, c.send ? { send: true, layer: c.layer } : { send: false });
      } catch (err) {
        // Said again at the next change or tick.
        for (const c of streams) this.forwarded.set(c.mid, "unknown");
        console.warn("palabre: subscribe.configure was not accepted", err);
      }
      if (engine !== this.room.media) return;
    }
  }
}

function sameChoices(a: ReadonlyMap<string, FinalChoice>, b: ReadonlyMap<string, FinalChoice>): boolean {
  if (a.size !== b.size) return false;
  for (const [mid, x] of a) {
    const y = b.get(mid);
    if (
      !y ||
      x.send !== y.send ||
      x.layer !== y.layer ||
      x.why !== y.why ||
      x.participantId !== y.participantId
    )
      return false;
  }
  return true;
}

/** The meeting's quality controller (meeting.tsx makes it), for the components below. */
export const QualityScope = scope<QualityController>("quality controller");
