import { describe, expect, it } from "vitest";
import {
  AUDIO_BPS,
  byPriority,
  LAYER_BPS,
  layerForWidth,
  type PlanInput,
  plan,
  SCREEN_BPS,
  type VideoCandidate,
} from "./allocation.js";

const video = (mid: string, extra: Partial<VideoCandidate> = {}): VideoCandidate => ({
  mid,
  participantId: `p${mid}`,
  source: "camera",
  visible: true,
  width: 1000,
  idle: false,
  pinned: false,
  stage: false,
  activeSpeaker: false,
  lastSpoke: Number.NEGATIVE_INFINITY,
  order: Number(mid),
  ...extra,
});

const run = (input: Partial<PlanInput> & { videos: VideoCandidate[] }) =>
  plan({ audioCount: input.videos.length, budget: Number.POSITIVE_INFINITY, cap: 2, lastN: 20, ...input });

const summary = (p: ReturnType<typeof plan>) =>
  Object.fromEntries([...p.decisions].map(([mid, d]) => [mid, d.send ? d.layer : d.why]));

describe("layerForWidth", () => {
  it("320×180 up to 360 px, 640×360 up to 800 px, 1280×720 beyond", () => {
    expect([0, 200, 360, 361, 800, 801, 1920].map(layerForWidth)).toEqual([0, 0, 0, 1, 1, 2, 2]);
  });
});

describe("byPriority", () => {
  it("pinned, stage, active speaker, screens, then the latest talker, then tile order", () => {
    const list = [
      video("1"),
      video("2", { lastSpoke: 10 }),
      video("3", { lastSpoke: 20 }),
      video("4", { source: "screen" }),
      video("5", { activeSpeaker: true }),
      video("6", { stage: true }),
      video("7", { pinned: true }),
      video("8"),
    ].sort(byPriority);
    expect(list.map((v) => v.mid)).toEqual(["7", "6", "5", "4", "3", "2", "1", "8"]);
  });
});

describe("plan", () => {
  it("with no known limit, each video at the layer its tile's size calls for", () => {
    const p = run({
      videos: [video("1", { width: 1200 }), video("2", { width: 500 }), video("3", { width: 200 })],
    });
    expect(summary(p)).toEqual({ 1: 2, 2: 1, 3: 0 });
    expect(p.nextNeed).toBeNull();
  });

  it("never above the person's quality; nothing at all in audio-only mode", () => {
    expect(summary(run({ videos: [video("1"), video("2", { width: 300 })], cap: 1 }))).toEqual({
      1: 1,
      2: 0,
    });
    expect(summary(run({ videos: [video("1")], cap: -1 }))).toEqual({ 1: "quality" });
  });

  it("hidden, off-screen and unmeasured tiles receive no video", () => {
    const p = run({ videos: [video("1", { visible: false }), video("2", { width: 0 }), video("3")] });
    expect(summary(p)).toEqual({ 1: "hidden", 2: "hidden", 3: 2 });
  });

  it("audio first, then each video at its lowest layer in priority order, then upgrades in priority order", () => {
    const videos = [video("1"), video("2", { activeSpeaker: true }), video("3")];
    // Audio 3×50k, three layer-0 videos 3×150k = 600k; 500k more lifts the speaker to layer 1 only.
    const budget = 3 * AUDIO_BPS + 3 * LAYER_BPS[0] + (LAYER_BPS[1] - LAYER_BPS[0]) + 100_000;
    const p = run({ videos, budget });
    expect(summary(p)).toEqual({ 1: 0, 2: 1, 3: 0 });
    expect(p.decisions.get("2")).toEqual({ send: true, layer: 1, wanted: 2 });
    expect(p.used).toBe(3 * AUDIO_BPS + 2 * LAYER_BPS[0] + LAYER_BPS[1]);
    // The next improvement: the speaker's layer 2 (+1M) or another video's layer 1 (+350k): the cheaper.
    expect(p.nextNeed).toBe(p.used + (LAYER_BPS[1] - LAYER_BPS[0]));
  });

  it("a video that does not fit even at its lowest layer is paused, lowest priority first", () => {
    const videos = [video("1"), video("2", { pinned: true })];
    const budget = 2 * AUDIO_BPS + LAYER_BPS[0] + 50_000;
    const p = run({ videos, budget });
    expect(summary(p)).toEqual({ 1: "bandwidth", 2: 0 });
    expect(p.nextNeed).toBe(2 * AUDIO_BPS + LAYER_BPS[0] + LAYER_BPS[0]);
    // Below even the sound's needs: every video paused, and the sound is still counted first.
    expect(summary(run({ videos, budget: 60_000 }))).toEqual({ 1: "bandwidth", 2: "bandwidth" });
  });

  it("a 300 kbit/s link keeps one video at the lowest layer next to its sound", () => {
    const p = run({ videos: [video("1")], budget: 0.7 * 300_000 });
    expect(summary(p)).toEqual({ 1: 0 });
    expect(p.nextNeed).toBe(AUDIO_BPS + LAYER_BPS[1]);
  });

  it("screens cost their own rate and are served before the other cameras", () => {
    const videos = [video("1"), video("2", { source: "screen" })];
    const p = run({ videos, budget: 2 * AUDIO_BPS + SCREEN_BPS + 100_000 });
    expect(summary(p)).toEqual({ 1: "bandwidth", 2: 2 });
  });

  it("cameras turned off cost nothing and take no last-N place", () => {
    const videos = [video("1", { idle: true }), video("2"), video("3")];
    const p = run({ videos, budget: 3 * AUDIO_BPS + LAYER_BPS[0], lastN: 1 });
    expect(summary(p)).toEqual({ 1: 2, 2: 0, 3: "last-n" });
  });

  it("last-N keeps the pinned video and the latest talkers", () => {
    const videos = [
      video("1", { lastSpoke: 5 }),
      video("2"),
      video("3", { lastSpoke: 9 }),
      video("4", { pinned: true }),
    ];
    expect(summary(run({ videos, lastN: 2 }))).toEqual({ 1: "last-n", 2: "last-n", 3: 2, 4: 2 });
    // Off-screen videos do not use a place.
    const offscreen = videos.map((v) => (v.mid === "4" ? { ...v, visible: false } : v));
    expect(summary(run({ videos: offscreen, lastN: 2 }))).toEqual({ 1: 2, 2: "last-n", 3: 2, 4: "hidden" });
  });
});
