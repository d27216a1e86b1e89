/**
 * The settings' devices, one controller per Room: lists the microphones, cameras and speakers, and switches
 * them live, without leaving the meeting: the device is opened again (getUserMedia with its deviceId, or with
 * the new processing), the sender gets the new track (replaceTrack: no renegotiation), on or off as before,
 * and the old track stops. A muted microphone stays muted: its new track is disabled and nothing is sent.
 */
import { signal } from "@preact/signals";
import { type MediaKind, mediaPreferences } from "../../engine/local-media.js";
import type { MessageKey } from "../../i18n/i18n.js";
import type { Room } from "../../state/room.js";
import { audioOutputId } from "../../ui/audio-output.js";

export type Processing = "echoCancellation" | "noiseSuppression" | "autoGainControl";

export interface DeviceOption {
  deviceId: string;
  label: string;
}

export class DeviceSettings {
  readonly microphones = signal<readonly DeviceOption[]>([]);
  readonly cameras = signal<readonly DeviceOption[]>([]);
  readonly speakers = signal<readonly DeviceOption[]>([]);
  /** The microphone's processing, as the preferences hold it. */
  readonly processing = signal<Record<Processing, boolean>>({
    echoCancellation: mediaPreferences.echoCancellation,
    noiseSuppression: mediaPreferences.noiseSuppression,
    autoGainControl: mediaPreferences.autoGainControl,
  });
  /** A device being opened again. */
  readonly busy = signal<MediaKind | null>(null);
  /** Why the last switch failed, until the next one. */
  readonly problem = signal<MessageKey | null>(null);
  /** Bumped after each switch, so that selects re-read the devices in use. */
  readonly revision = signal(0);

  constructor(private readonly room: Room) {
    navigator.mediaDevices?.addEventListener?.("devicechange", () => void this.refresh());
  }

  /** Lists the devices again (labels are only known once a device was allowed). */
  async refresh(): Promise<void> {
    if (!navigator.mediaDevices?.enumerateDevices) return;
    let all: MediaDeviceInfo[];
    try {
      all = await navigator.mediaDevices.enumerateDevices();
    } catch {
      return;
    }
    const of = (kind: MediaDeviceKind) =>
      all
        .filter((d) => d.kind === kind && d.deviceId !== "")
        .map((d) => ({ deviceId: d.deviceId, label: d.label }));
    this.microphones.value = of("audioinput");
    this.cameras.value = of("videoinput");
    this.speakers.value = of("audiooutput");
  }

  /** The device in use for `kind`: the open track's, else the one chosen for next time ("" = default). */
  current(kind: MediaKind): string {
    this.revision.value; // re-read after a switch
    const track = this.room.state.local.value?.media.track(kind);
    const live = track?.readyState === "live" ? track.getSettings().deviceId : undefined;
    return live ?? (kind === "audio" ? mediaPreferences.audioDeviceId : mediaPreferences.videoDeviceId);
  }

  async choose(kind: MediaKind, deviceId: string): Promise<void> {
    if (kind === "audio") mediaPreferences.audioDeviceId = deviceId;
    else mediaPreferences.videoDeviceId = deviceId;
    await this.reopen(kind);
  }

  chooseSpeaker(deviceId: string): void {
    audioOutputId.value = deviceId;
  }

  async setProcessing(which: Processing, on: boolean): Promise<void> {
    mediaPreferences[which] = on;
    this.processing.value = { ...this.processing.value, [which]: on };
    await this.reopen("audio");
  }

  private async reopen(kind: MediaKind): Promise<void> {
    const media = this.room.state.local.value?.media;
    if (!media || this.busy.peek()) return;
    this.busy.value = kind;
    this.problem.value = null;
    try {
      const result = await media.reopen(kind);
      if (result.kind === "switched") await this.room.media?.replaceTrack(kind, result.track);
      else if (result.kind === "failed")
        this.problem.value = kind === "audio" ? "settings.micFailed" : "settings.cameraFailed";
    } catch (err) {
      console.warn("palabre: switching the device failed", err);
      this.problem.value = kind === "audio" ? "settings.micFailed" : "settings.cameraFailed";
    } finally {
      this.busy.value = null;
      this.revision.value += 1;
      // The tile shows the new camera track (and the talking-while-muted check follows the new microphone).
      const local = this.room.state.local.peek();
      if (local && local.media === media)
        this.room.state.local.value = { ...local, videoTrack: media.track("video") };
      await this.refresh();
    }
  }
}

const controllers = new WeakMap<Room, DeviceSettings>();

export function deviceSettingsOf(room: Room): DeviceSettings {
  let controller = controllers.get(room);
  if (!controller) {
    controller = new DeviceSettings(room);
    controllers.set(room, controller);
  }
  return controller;
}
