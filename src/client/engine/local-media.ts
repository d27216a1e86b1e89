/**
 * The local microphone and camera. A missing or refused device is a normal case, not an error: the
 * participant joins with whatever exists, and may try again later by turning the device on.
 */
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
  /** Holds the current tracks; handed to video elements and used as the senders' stream. */
  readonly stream = new MediaStream();
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
        for (const track of both.getTracks()) media.add(track);
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

  track(kind: MediaKind): MediaStreamTrack | null {
    const tracks = kind === "audio" ? this.stream.getAudioTracks() : this.stream.getVideoTracks();
    return tracks[0] ?? null;
  }

  /** Whether this device exists and is switched on. */
  isOn(kind: MediaKind): boolean {
    const track = this.track(kind);
    return track?.enabled === true && track.readyState === "live";
  }

  /**
   * Turns a device on or off. Off only disables the track, so the sender keeps it and turning it back on
   * needs no renegotiation. On, with no track yet (refused or missing at first), tries to open the device:
   * the new track is returned so the caller can hand it to the sender; `null` otherwise.
   */
  async setOn(kind: MediaKind, on: boolean): Promise<MediaStreamTrack | null> {
    const existing = this.track(kind);
    if (existing && existing.readyState === "live") {
      existing.enabled = on;
      return null;
    }
    if (!on) return null;
    if (existing) this.stream.removeTrack(existing);
    return this.acquire(kind);
  }

  /**
   * Opens a device again with the current preferences (another device, other processing) and puts the new
   * track in the old one's place, on or off as the old one was; the old one stops. The caller hands the new
   * track to the sender. On failure the old track stays, unless a camera had to be freed first and neither
   * the new nor the old one would open again: then the device is gone, as if unplugged (`onEnded`).
   */
  async reopen(kind: MediaKind): Promise<Reopened> {
    const old = this.track(kind);
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
          this.stream.removeTrack(old);
          this.problems[kind] = problem;
          this.onEnded?.();
          return { kind: "failed", problem };
        }
        this.swap(old, track);
        return { kind: "failed", problem };
      }
    }
    if (this.generation !== generation) {
      track.stop(); // hung up meanwhile: the device must not stay open
      return { kind: "idle" };
    }
    this.swap(old, track);
    return { kind: "switched", track };
  }

  /** Stops every device: the camera light goes out. */
  stop(): void {
    this.generation += 1;
    for (const track of this.stream.getTracks()) {
      track.stop();
      this.stream.removeTrack(track);
    }
  }

  private swap(old: MediaStreamTrack, track: MediaStreamTrack): void {
    track.enabled = old.enabled;
    this.stream.removeTrack(old);
    old.stop();
    this.add(track);
    delete this.problems[track.kind as MediaKind];
  }

  private add(track: MediaStreamTrack): void {
    this.stream.addTrack(track);
    track.addEventListener("ended", () => this.onEnded?.());
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
      this.add(track);
      delete this.problems[kind];
      return track;
    } catch (err) {
      this.problems[kind] = problemOf(err);
      return null;
    }
  }
}
