/**
 * The local microphone and camera. A missing or refused device is a normal case, not an error: the
 * participant joins with whatever exists, and may try again later by turning the device on.
 */
export type MediaKind = "audio" | "video";

/** Why a device could not be opened, for the UI to explain. */
export type DeviceProblem = "denied" | "missing" | "unavailable" | "insecure";

export const AUDIO_CONSTRAINTS: MediaTrackConstraints = { echoCancellation: true, noiseSuppression: true };
export const VIDEO_CONSTRAINTS: MediaTrackConstraints = { width: 1280, height: 720 };

function problemOf(err: unknown): DeviceProblem {
  const name = err instanceof DOMException ? err.name : "";
  if (name === "NotAllowedError" || name === "SecurityError") return "denied";
  if (name === "NotFoundError" || name === "OverconstrainedError") return "missing";
  return "unavailable";
}

async function openTrack(kind: MediaKind): Promise<MediaStreamTrack> {
  const stream = await navigator.mediaDevices.getUserMedia(
    kind === "audio" ? { audio: AUDIO_CONSTRAINTS } : { video: VIDEO_CONSTRAINTS },
  );
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
      // since a machine without a camera must still be able to join with its microphone.
      try {
        const both = await navigator.mediaDevices.getUserMedia({
          audio: AUDIO_CONSTRAINTS,
          video: VIDEO_CONSTRAINTS,
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

  /** Stops every device: the camera light goes out. */
  stop(): void {
    for (const track of this.stream.getTracks()) {
      track.stop();
      this.stream.removeTrack(track);
    }
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
      const track = await openTrack(kind);
      this.add(track);
      delete this.problems[kind];
      return track;
    } catch (err) {
      this.problems[kind] = problemOf(err);
      return null;
    }
  }
}
