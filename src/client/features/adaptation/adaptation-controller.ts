/**
 * Poor connections, one controller per Room: the sound never starves, the video adapts.
 *
 * Twice a second (ten times while a probe runs, to back off quickly) it reads both connections'
 * statistics; in between, a glance at the subscribe side brings the next reading forward if the link just
 * collapsed. The subscribe side feeds the downlink estimate (estimator.ts); the estimate, the tiles' sizes
 * and visibility (tile-watch.ts), the layout (pinned, stage), who talks, last-N and the person's quality
 * choice make the plan (allocation.ts): per remote video, a layer or a reason not to receive it. The plan is
 * advice to features/quality, which alone says it to the media server (changes only). The publish side feeds
 * the uplink controller (uplink.ts): the highest layer our camera sends, applied by features/quality too.
 * It also keeps, per tile, the connection-quality mark and its details (indicator.ts).
 *
 * The plan is made again at once when something it depends on changes (a tile resized, a page turned, a
 * pin, a speaker, the quality, last-N, the tab hidden or shown), not only at the next tick.
 */
import { computed, effect, type ReadonlySignal, signal } from "@preact/signals";
import type { Engine } from "../../engine/engine.js";
import type { Room } from "../../state/room.js";
import { scope } from "../../ui/scope.js";
import type { LayoutController } from "../layout/layout-controller.js";
import { tileKey } from "../layout/layout-model.js";
import { type Advice, layerOf } from "../quality/quality.js";
import type { QualityController } from "../quality/quality-controller.js";
import type { SpeakerController } from "../speaker/speaker-controller.js";
import {
  AUDIO_BPS,
  LAYER_BPS,
  plan,
  sameDecisions,
  type VideoCandidate,
  type VideoDecision,
} from "./allocation.js";
import { DrainWatch } from "./drain-watch.js";
import { DownlinkEstimator } from "./estimator.js";
import { FreezeWatch } from "./freeze-watch.js";
import { type TileMark, tileMarks } from "./indicator.js";
import {
  compare,
  type PublishReading,
  readPublish,
  readSubscribe,
  type StreamRates,
  type SubscribeReading,
  uplinkSample,
} from "./link-stats.js";
import { SwitchWatch } from "./switch-watch.js";
import { TileWatch } from "./tile-watch.js";
import { UplinkController } from "./uplink.js";

export const DEFAULT_LAST_N = 20;
export const MAX_LAST_N = 100;
/** Half a second: a sudden cap costs the sound until it is seen. */
const TICK_MS = 500;
/**
 * Halfway between two ticks, a glance at the subscribe side alone: a link that just collapsed (a new cap)
 * is acted on then, not up to half a second later. It reads one connection's statistics, not both.
 */
const GLANCE_MS = 250;
/** While a probe runs: its failure costs the sound until it is seen, so look often. */
const PROBE_TICK_MS = 100;
/** A `connection.slow` counts on the quality mark this long. */
const SLOW_SHOWS_MS = 5_000;
/** A key frame is asked for a stuck picture only this long after the link was last congested. */
const CALM_BEFORE_KEYFRAME_MS = 3_000;
/** A new m-line whose tile is not rendered yet is left alone this long (the tile is usually on its way). */
const NEW_STREAM_GRACE_MS = 2_000;

export class AdaptationController {
  /** At most this many remote videos are received (the ⋯ menu). */
  readonly lastN = signal(DEFAULT_LAST_N);
  readonly watch = new TileWatch();
  /** Our camera sends nothing: the uplink cannot carry the sound beside its lowest layer (uplink.ts). */
  readonly cameraPaused = signal(false);
  private readonly marksSignal = signal<ReadonlyMap<string, TileMark>>(new Map());
  private readonly decisionsSignal = signal<ReadonlyMap<string, VideoDecision>>(new Map());
  private readonly shown = signal(typeof document === "undefined" || document.visibilityState !== "hidden");
  private estimator = new DownlinkEstimator();
  private uplink = new UplinkController();
  private subscribeReading: SubscribeReading | null = null;
  private publishReading: PublishReading | null = null;
  private publishBitrate: number | null = null;
  private rates = new Map<string, StreamRates>();
  /** `connection.slow` seen since the last sample (for the estimators), and when last (for the marks). */
  private slowPending = { up: false, down: false };
  private slowAt = { up: Number.NEGATIVE_INFINITY, down: Number.NEGATIVE_INFINITY };
  private readonly lastSpoke = new Map<string, number>();
  private readonly firstSeen = new Map<string, number>();
  private nextNeed: number | null = null;
  /** The sound and one video at its lowest layer: moderate loss alone never goes below (estimator.ts). */
  private floor = 0;
  private drains = new DrainWatch();
  private switches = new SwitchWatch();
  private freezes = new FreezeWatch();
  private drainTimer: ReturnType<typeof setTimeout> | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private glanceTimer: ReturnType<typeof setTimeout> | null = null;
  private ticking = false;
  private planQueued = false;

  constructor(
    private readonly room: Room,
    private readonly layout: LayoutController,
    private readonly speaker: SpeakerController,
    private readonly quality: QualityController,
    private readonly now: () => number = () => performance.now(),
  ) {
    room.register({
      joined: () => this.reset(),
      "media.restored": () => this.reset(),
      "connection.slow": ({ direction, kind, lost }) => {
        console.debug(`palabre: slow link ${direction}, ${kind}, ${lost} lost`);
        this.slowPending[direction] = true;
        this.slowAt[direction] = this.now();
      },
      speaking: ({ participantId, speaking }) => {
        if (speaking) this.lastSpoke.set(participantId, this.now());
      },
    });
    if (typeof document !== "undefined")
      document.addEventListener("visibilitychange", () => {
        this.shown.value = document.visibilityState !== "hidden";
      });
    effect(() => {
      // What the plan depends on, besides the statistics.
      void [
        this.watch.tiles.value,
        this.shown.value,
        this.lastN.value,
        this.layout.mode.value,
        this.layout.stage.value,
        this.layout.pinned.value,
        this.layout.tiles.value,
        this.speaker.active.value,
        room.state.remotes.value,
        this.quality.quality.value,
      ];
      this.queuePlan();
    });
  }

  /**
   * Per tile key: its connection-quality mark. While the media connection is down (ICE lost its path: the
   * "connection lost" notice shows), every mark says poor: the last statistics no longer say anything.
   */
  readonly marks: ReadonlySignal<ReadonlyMap<string, TileMark>> = computed(() => {
    const marks = this.marksSignal.value;
    const health = this.room.state.mediaHealth.value;
    if (health !== "unstable" && health !== "failed") return marks;
    return new Map([...marks].map(([key, mark]) => [key, { ...mark, quality: "poor" as const }]));
  });

  /** Sets last-N (clamped to 1..MAX_LAST_N). */
  setLastN(n: number): void {
    if (!Number.isFinite(n)) return;
    this.lastN.value = Math.min(MAX_LAST_N, Math.max(1, Math.round(n)));
  }

  /** A new connection: what was learnt of the old one's link no longer holds. */
  private reset(): void {
    this.estimator = new DownlinkEstimator();
    this.uplink = new UplinkController();
    this.cameraPaused.value = false;
    this.subscribeReading = null;
    this.publishReading = null;
    this.publishBitrate = null;
    this.rates = new Map();
    this.firstSeen.clear();
    this.lastSpoke.clear();
    this.switches = new SwitchWatch();
    this.freezes = new FreezeWatch();
    this.drains = new DrainWatch();
    this.nextNeed = null;
    this.marksSignal.value = new Map();
    this.decisionsSignal.value = new Map();
    if (this.timer === null) this.schedule(TICK_MS);
  }

  private schedule(ms: number): void {
    this.timer = setTimeout(() => this.run(), ms);
    if (ms > GLANCE_MS && this.glanceTimer === null)
      this.glanceTimer = setTimeout(() => {
        this.glanceTimer = null;
        void this.glance().catch((err: unknown) => console.warn("palabre: adaptation glance failed", err));
      }, ms - GLANCE_MS);
  }

  private run(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.ticking = true;
    void this.tick()
      .catch((err: unknown) => console.warn("palabre: adaptation tick failed", err))
      .finally(() => {
        this.ticking = false;
        if (this.timer === null && this.room.media)
          this.schedule(this.estimator.isProbing ? PROBE_TICK_MS : TICK_MS);
      });
  }

  /** Between two ticks: if the downlink just collapsed, the next tick comes now (see GLANCE_MS). */
  private async glance(): Promise<void> {
    const engine = this.room.media;
    const last = this.subscribeReading;
    if (!engine || !last || this.ticking || this.room.state.view.peek() !== "conference") return;
    const report = await engine.subscribeStats().catch(() => null);
    if (!report || engine !== this.room.media || this.ticking || last !== this.subscribeReading) return;
    const { sample } = compare(last, readSubscribe(report.values(), this.now()), false);
    if (this.estimator.alarming(sample)) this.run();
  }

  private queuePlan(): void {
    if (this.planQueued) return;
    this.planQueued = true;
    queueMicrotask(() => {
      this.planQueued = false;
      this.plan();
    });
  }

  private async tick(): Promise<void> {
    const engine = this.room.media;
    if (!engine || this.room.state.view.peek() !== "conference") return;
    let sub: RTCStatsReport | null = null;
    let pub: RTCStatsReport | null = null;
    try {
      [sub, pub] = await Promise.all([engine.subscribeStats(), engine.publishStats()]);
    } catch {
      return; // closing: the next connection starts afresh
    }
    if (engine !== this.room.media) return;
    const at = this.now();
    if (sub) {
      const reading = readSubscribe(sub.values(), at);
      if (this.subscribeReading) {
        const { sample, streams } = compare(this.subscribeReading, reading, this.slowPending.down);
        this.slowPending.down = false;
        this.rates = streams;
        const before = this.estimator.estimate;
        this.estimator.update(sample, this.nextNeed, this.floor);
        if (this.estimator.estimate !== before || this.estimator.verdict !== "clean")
          // One string, so that it reads the same in a console and in a test's saved evidence.
          console.debug(
            `palabre: downlink ${this.estimator.verdict} ${Math.round(this.estimator.estimate)} bps; received ${Math.round(sample.receivedBps)} bps, lost ${sample.packetsLost}/${sample.packetsLost + sample.packetsReceived} in ${Math.round(sample.intervalMs)} ms${sample.slow ? ", slow link" : ""}`,
          );
      }
      this.subscribeReading = reading;
    }
    if (pub) {
      const reading = readPublish(pub.values(), at);
      const before = this.publishReading;
      this.publishBitrate = before
        ? ((reading.bytesSent - before.bytesSent) * 8 * 1000) / Math.max(1, at - before.at)
        : null;
      this.publishReading = reading;
      const sample = uplinkSample(reading, this.slowPending.up);
      const cap = this.uplink.cap;
      const next = this.uplink.update(sample);
      this.cameraPaused.value = next === -1;
      if (next !== cap)
        console.debug(
          `palabre: uplink cap ${cap} → ${next}; estimate ${sample.available === null ? "?" : Math.round(sample.available / 1000)} kbit/s, rtt ${sample.rtt?.toFixed(3) ?? "?"} s, loss ${sample.loss?.toFixed(2) ?? "?"}, ${sample.limitationKnown ? `encoder ${sample.bandwidthLimited ? "limited" : "free"}` : "encoder limitation unknown"}`,
        );
      this.quality.limitUplink(next);
      this.slowPending.up = false;
    }
    this.plan();
    this.nudge(at);
    this.unfreeze(at);
    this.mark(engine);
  }

  /**
   * Pictures stuck waiting for a key frame get one asked for (freeze-watch.ts); not on a congested link,
   * where pictures stop because the link drops what it cannot carry, the plan lowers them (with a key frame
   * of the lower layer), and an extra key frame would only add to the overflow.
   */
  private unfreeze(at: number): void {
    if (at - this.estimator.congestedAt < CALM_BEFORE_KEYFRAME_MS) return;
    const due = this.freezes.due(this.rates, at);
    if (due.length === 0) return;
    console.debug(
      `palabre: no picture decoded on ${due.join(", ")} while packets arrive; key frame asked for`,
    );
    this.quality.requestKeyFrames(due);
  }

  /** Asks again for layer changes the received pictures still do not show (switch-watch.ts). */
  private nudge(at: number): void {
    const widths = new Map<string, number>();
    for (const [mid, r] of this.rates) if (r.kind === "video") widths.set(mid, r.frameWidth);
    const due = this.switches.due(widths, at);
    if (due.length > 0) this.quality.resend(due);
  }

  /** Decides every remote video's layer (or why not) and hands the advice to features/quality. */
  private plan(): void {
    const engine = this.room.media;
    if (!engine || this.room.state.view.peek() !== "conference") return;
    const streams = engine.subscribedStreams();
    const layout = this.layout;
    const speaker = this.speaker.active.peek();
    const remotes = this.room.state.remotes.peek();
    const places = this.watch.tiles.peek();
    const mode = layout.mode.peek();
    const stage = mode === "speaker" ? layout.stage.peek()?.key : undefined;
    const order = new Map(layout.tiles.peek().map((t, i) => [t.key, i]));
    const at = this.now();
    const videos: VideoCandidate[] = [];
    const seen = new Set<string>();
    for (const s of streams) {
      if (s.kind !== "video") continue;
      seen.add(s.mid);
      const source = s.source === "screen" ? "screen" : "camera";
      const key = tileKey(s.participantId, source);
      const place = places.get(key);
      if (!this.firstSeen.has(s.mid)) this.firstSeen.set(s.mid, at);
      if (!place && at - (this.firstSeen.get(s.mid) ?? at) < NEW_STREAM_GRACE_MS) continue;
      const info = remotes.get(s.participantId)?.info;
      videos.push({
        mid: s.mid,
        participantId: s.participantId,
        source,
        visible: this.shown.peek() && place?.visible === true,
        width: place?.width ?? 0,
        idle: source === "camera" ? info?.video !== true : info?.screen !== true,
        pinned: layout.pinned.peek() === key,
        stage: stage === key,
        activeSpeaker: speaker === s.participantId,
        lastSpoke: this.lastSpoke.get(s.participantId) ?? Number.NEGATIVE_INFINITY,
        order: order.get(key) ?? Number.MAX_SAFE_INTEGER,
      });
    }
    for (const mid of this.firstSeen.keys()) if (!seen.has(mid)) this.firstSeen.delete(mid);
    const quality = this.quality;
    const result = plan({
      videos,
      audioCount: streams.filter((s) => s.kind === "audio").length,
      budget: this.estimator.estimate,
      cap: layerOf(quality.quality.peek()),
      lastN: this.lastN.peek(),
    });
    this.nextNeed = result.nextNeed;
    const audioCount = streams.filter((s) => s.kind === "audio").length;
    this.floor = audioCount * AUDIO_BPS + (videos.some((v) => v.visible && !v.idle) ? LAYER_BPS[0] : 0);
    this.drain(result.decisions, at);
    if (!sameDecisions(result.decisions, this.decisionsSignal.peek()))
      this.decisionsSignal.value = result.decisions;
    const advice = new Map<string, Advice>();
    const cap = layerOf(quality.quality.peek());
    const cameras = new Set(videos.filter((v) => v.source === "camera").map((v) => v.mid));
    for (const [mid, d] of result.decisions) {
      advice.set(mid, d.send ? { send: true, layer: d.layer } : { send: false, why: d.why });
      if (cameras.has(mid)) this.switches.ask(mid, d.send ? Math.min(d.layer, cap) : null, at);
    }
    this.switches.keep(seen);
    quality.advise(advice);
  }

  /** Stops for a moment what goes down while the link drains (drain-watch.ts); plans again when it ends. */
  private drain(decisions: Map<string, VideoDecision>, at: number): void {
    const until = this.estimator.drainUntil;
    const before = this.decisionsSignal.peek();
    const stopped = this.drains.apply(decisions, before, until, at, (mid) => this.switches.pending(mid));
    if (stopped && this.drainTimer === null)
      this.drainTimer = setTimeout(
        () => {
          this.drainTimer = null;
          this.plan();
        },
        Math.max(0, until - at) + 20,
      );
  }

  /** The quality marks: ours from the publish side, the others' from what we receive of them. */
  private mark(engine: Engine): void {
    const at = this.now();
    const pub = this.publishReading;
    const me = this.room.state.local.peek()?.info?.id;
    this.marksSignal.value = tileMarks({
      streams: engine.subscribedStreams(),
      rates: this.rates,
      rtt: this.subscribeReading?.rtt ?? null,
      decisions: this.decisionsSignal.peek(),
      slowDown: at - this.slowAt.down < SLOW_SHOWS_MS,
      local:
        me && pub
          ? {
              id: me,
              reading: pub,
              bitrate: this.publishBitrate,
              reduced: this.uplink.cap < layerOf(this.quality.quality.peek()),
              slow: at - this.slowAt.up < SLOW_SHOWS_MS,
            }
          : null,
    });
  }
}

/** The meeting's adaptation controller (meeting.tsx makes it), for the components below. */
export const AdaptationScope = scope<AdaptationController>("adaptation controller");
