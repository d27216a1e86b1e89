/**
 * The local microphone and camera. A missing or refused device is a normal case, not an error: the
 * participant joins with whatever exists, and may try again later by turning the device on. An effect
 * (engine/track-effect.ts) may stand between a device and what is sent and shown.
 */
import type { TrackEffect } from "./track-effect.js";

export type MediaKind = "audio" | "video";

/** Why a device could not be opened, for the UI to explain. */
export type DeviceProblem = "denied" | "missing" | "unavailable" | "insecure";

export const VIDEO_CONSTRAINTS: MediaTrackConstraints = { width: 1280, height: 720 };

/** The devices a browser remembers (the speaker's is used by ui/audio-output). */
export type RememberedDevice = "audioinput" | "videoinput" | "audiooutput";

const DEVICES_KEY = "palabre.devices";

/**
 * localStorage, or null where it is missing or refused (private windows, storage turned off): the remembered
 * devices here, the data saver's choice (features/data-saver).
 */
export function browserStore(): Storage | null {
  try {
    return typeof localStorage === "undefined" ? null : localStorage;
  } catch {
    return null;
  }
}

function readRemembered(): Partial<Record<RememberedDevice, string>> {
  try {
    const parsed: unknown = JSON.parse(browserStore()?.getItem(DEVICES_KEY) ?? "{}");
    return parsed && typeof parsed === "object" ? (parsed as Partial<Record<RememberedDevice, string>>) : {};
  } catch {
    return {};
  }
}

/**
 * The device last chosen in this browser ("" = the system's default). Only device ids are kept: the browser
 * makes them up for each site, and they never leave it; a device that is gone is simply not found next time.
 */
export function rememberedDevice(kind: RememberedDevice): string {
  const id = readRemembered()[kind];
  return typeof id === "string" ? id : "";
}

export function rememberDevice(kind: RememberedDevice, deviceId: string): void {
  try {
    browserStore()?.setItem(DEVICES_KEY, JSON.stringify({ ...readRemembered(), [kind]: deviceId }));
  } catch {
    // Storage full or refused: the choice still holds for this page.
  }
}

/**
 * What the person chose (before joining or in the settings), for every device opened from then on: which
 * microphone and camera ("" = the system's default), remembered in this browser so that a wrong default need
 * not be corrected at every meeting, and the microphone's processing, on by default (no echo of the others'
 * voices, less room noise, an even level), which is kept in memory only.
 */
export const mediaPreferences = {
  audioDeviceId: rememberedDevice("audioinput"),
  videoDeviceId: rememberedDevice("videoinput"),
  echoCancellation: true,
  noiseSuppression: true,
  autoGainControl: true,
};

function chosenDevice(kind: MediaKind): string {
  return kind === "audio" ? mediaPreferences.audioDeviceId : mediaPreferences.videoDeviceId;
}

/**
 * getUserMedia constraints for `kind` from the preferences. `chosen`: the chosen device and no other (Chromium
 * takes a bare or `ideal` deviceId as a mere hint and opens the system's default: probed on Chromium 156);
 * `any`: whichever device the system gives, for when the chosen one is not there.
 */
export function constraintsFor(kind: MediaKind, device: "chosen" | "any" = "chosen"): MediaTrackConstraints {
  const p = mediaPreferences;
  const id = device === "chosen" ? chosenDevice(kind) : "";
  const deviceId: MediaTrackConstraints = id ? { deviceId: { exact: id } } : {};
  if (kind === "video") return { ...VIDEO_CONSTRAINTS, ...deviceId };
  const { echoCancellation, noiseSuppression, autoGainControl } = p;
  return { echoCancellation, noiseSuppression, autoGainControl, ...deviceId };
}

/** What came of opening a device again (`LocalMedia.reopen`). */
export type Reopened =
  | { kind: "switched"; track: MediaStreamTrack }
  /** Nothing was open: the preferences apply when the device is turned on. */
  | { kind: "idle" }
  | { kind: "failed"; problem: DeviceProblem };

function problemOf(err: unknown): DeviceProblem {
  const name = err instanceof DOMException ? err.name : "";
  if (name === "NotAllowedError" || name === "SecurityError") return "denied";
  if (name === "NotFoundError" || name === "OverconstrainedError") return "missing";
  return "unavailable";
}

async function openTrack(kind: MediaKind, device: "chosen" | "any" = "chosen"): Promise<MediaStreamTrack> {
  const stream = await navigator.mediaDevices.getUserMedia({ [kind]: constraintsFor(kind, device) });
  const track = stream.getTracks()[0];
  if (!track) throw new DOMException("no track", "NotFoundError");
  return track;
}

export class LocalMedia {
  /** Holds the tracks sent and shown (an effect's output, else the device's); the senders' stream. */
  readonly stream = new MediaStream();
  /** The devices' own tracks, where an effect's output stands in the stream. */
  private readonly devices = new Map<MediaKind, MediaStreamTrack>();
  private readonly effects = new Map<MediaKind, TrackEffect>();
  /** An effect that failed on a new device track was dropped (the device's own track is sent instead). */
  onEffectFailed: ((kind: MediaKind, err: unknown) => void) | null = null;
  /** The last failure per device, cleared when the device opens. */
  readonly problems: Partial<Record<MediaKind, DeviceProblem>> = {};
  /** Called when a device goes away by itself (unplugged, or taken by the system). */
  onEnded: (() => void) | null = null;
  /** Bumped by stop(): a device that opens after it must be closed at once. */
  private generation = 0;

  /** Opens the wanted devices; never throws, a device that fails is left out and noted in `problems`. */
  static async open(want: { audio: boolean; video: boolean }): Promise<LocalMedia> {
    const media = new LocalMedia();
    if (!navigator.mediaDevices?.getUserMedia) {
      // getUserMedia only exists in secure contexts (https or localhost).
      if (want.audio) media.problems.audio = "insecure";
      if (want.video) media.problems.video = "insecure";
      return media;
    }
    if (want.audio && want.video) {
      // One prompt for both, which is what people expect; fall back to one device at a time if it fails,
      // since a machine without a camera must still be able to join with its microphone (and one without the
      // camera chosen last time, with another).
      try {
        const both = await navigator.mediaDevices.getUserMedia({
          audio: constraintsFor("audio"),
          video: constraintsFor("video"),
        });
        for (const track of both.getTracks()) await media.add(track);
        return media;
      } catch {
        // handled below, device by device
      }
    }
    for (const kind of ["audio", "video"] as const) {
      if (want[kind]) await media.acquire(kind);
    }
    return media;
  }

  /** The track sent and shown for `kind`. */
  track(kind: MediaKind): MediaStreamTrack | null {
    const tracks = kind === "audio" ? this.stream.getAudioTracks() : this.stream.getVideoTracks();
    return tracks[0] ?? null;
  }

  /** The device's own track (its id, label and facing), whatever effect stands after it. */
  device(kind: MediaKind): MediaStreamTrack | null {
    return this.devices.get(kind) ?? this.track(kind);
  }

  /** The effect on `kind`, if any. */
  effect(kind: MediaKind): TrackEffect | null {
    return this.effects.get(kind) ?? null;
  }

  /**
   * Puts `effect` (null: none) between the device and what is sent, and returns the new track to hand to the
   * sender; null when nothing changed or no device is open (the effect applies when one opens). Throws when
   * the effect cannot run here; the device's own track then stays.
   */
  async setEffect(kind: MediaKind, effect: TrackEffect | null): Promise<MediaStreamTrack | null> {
    const previous = this.effects.get(kind) ?? null;
    if (previous === effect) return null;
    const device = this.devices.get(kind);
    const output = device?.readyState === "live" && effect ? await effect.attach(device) : (device ?? null);
    previous?.detach();
    if (effect) this.effects.set(kind, effect);
    else this.effects.delete(kind);
    const shown = this.track(kind);
    if (!device || !output || output === shown) return null;
    output.enabled = device.enabled;
    if (shown) this.stream.removeTrack(shown);
    this.stream.addTrack(output);
    return output;
  }

  /** Whether this device exists and is switched on. */
  isOn(kind: MediaKind): boolean {
    // The device's state: an effect's output stays live when the device behind it ends (unplugged).
    return this.track(kind)?.enabled === true && this.device(kind)?.readyState === "live";
  }

  /**
   * Turns a device on or off. Off only disables the track, so the sender keeps it and turning it back on
   * needs no renegotiation. On, with no track yet (refused or missing at first), tries to open the device:
   * the new track is returned so the caller can hand it to the sender; `null` otherwise.
   */
  async setOn(kind: MediaKind, on: boolean): Promise<MediaStreamTrack | null> {
    const existing = this.track(kind);
    const device = this.device(kind);
    if (existing && device?.readyState === "live") {
      existing.enabled = on;
      device.enabled = on;
      return null;
    }
    if (!on) return null;
    if (existing) this.stream.removeTrack(existing);
    this.devices.delete(kind);
    return this.acquire(kind);
  }

  /**
   * Opens a device again with the current preferences (another device, other processing) and puts the new
   * track in the old one's place, on or off as the old one was; the old one stops. The caller hands the new
   * track to the sender. On failure the old track stays, unless a camera had to be freed first and neither
   * the new nor the old one would open again: then the device is gone, as if unplugged (`onEnded`).
   */
  async reopen(kind: MediaKind): Promise<Reopened> {
    const old = this.device(kind);
    if (old?.readyState !== "live") return { kind: "idle" };
    const generation = this.generation;
    let track: MediaStreamTrack;
    try {
      track = await openTrack(kind);
    } catch (err) {
      // Some cameras open once only: free it and try again, then fall back to the one we had.
      if (kind === "audio" || this.generation !== generation)
        return { kind: "failed", problem: problemOf(err) };
      const previous = old.getSettings().deviceId;
      old.stop();
      try {
        track = await openTrack(kind);
      } catch (again) {
        const problem = problemOf(again);
        try {
          track = await navigator.mediaDevices
            .getUserMedia({ video: { ...VIDEO_CONSTRAINTS, ...(previous ? { deviceId: previous } : {}) } })
            .then((s) => s.getVideoTracks()[0] ?? Promise.reject(again));
        } catch {
          this.remove(kind);
          this.problems[kind] = problem;
          this.onEnded?.();
          return { kind: "failed", problem };
        }
        await this.swap(old, track);
        return { kind: "failed", problem };
      }
    }
    if (this.generation !== generation) {
      track.stop(); // hung up meanwhile: the device must not stay open
      return { kind: "idle" };
    }
    const sent = await this.swap(old, track);
    return { kind: "switched", track: sent };
  }

  /** Stops every device and effect: the camera light goes out. */
  stop(): void {
    this.generation += 1;
    for (const effect of this.effects.values()) effect.detach();
    for (const track of [...this.stream.getTracks(), ...this.devices.values()]) {
      track.stop();
      this.stream.removeTrack(track);
    }
    this.devices.clear();
  }

  /** Puts a new device track in the old one's place, on or off as it was; returns the track now sent. */
  private async swap(old: MediaStreamTrack, track: MediaStreamTrack): Promise<MediaStreamTrack> {
    const kind = track.kind as MediaKind;
    track.enabled = old.enabled;
    this.remove(kind);
    old.stop();
    delete this.problems[kind];
    return this.add(track);
  }

  /** Takes `kind`'s tracks out of the stream (the effect keeps its place for the next device). */
  private remove(kind: MediaKind): void {
    const shown = this.track(kind);
    if (shown) this.stream.removeTrack(shown);
    const device = this.devices.get(kind);
    if (device && device !== shown) this.stream.removeTrack(device);
    this.devices.delete(kind);
  }

  /** Adopts a device track, through the effect on its kind if any; returns the track now sent. */
  private async add(track: MediaStreamTrack): Promise<MediaStreamTrack> {
    const kind = track.kind as MediaKind;
    track.addEventListener("ended", () => this.onEnded?.());
    this.devices.set(kind, track);
    let sent = track;
    const effect = this.effects.get(kind);
    if (effect) {
      try {
        sent = await effect.attach(track);
        sent.enabled = track.enabled;
      } catch (err) {
        // The device works without it: better heard plain than not at all.
        this.effects.delete(kind);
        effect.detach();
        this.onEffectFailed?.(kind, err);
      }
    }
    this.stream.addTrack(sent);
    return sent;
  }

  private async acquire(kind: MediaKind): Promise<MediaStreamTrack | null> {
    if (!navigator.mediaDevices?.getUserMedia) {
      this.problems[kind] = "insecure";
      return null;
    }
    try {
      const track = await openTrack(kind).catch((err: unknown) => {
        // The device chosen before is not here (unplugged, or chosen on another day's dock): the system's
        // default rather than nothing. The choice stays, for when it is back.
        if (problemOf(err) !== "missing" || !chosenDevice(kind)) throw err;
        return openTrack(kind, "any");
      });
      delete this.problems[kind];
      return await this.add(track);
    } catch (err) {
      this.problems[kind] = problemOf(err);
      return null;
    }
  }
}
