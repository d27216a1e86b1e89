/**
 * Choosing devices: lists the microphones, cameras and speakers, and switches them live. The device is opened
 * again (getUserMedia with its deviceId, or with the new processing) and put in the old track's place, on or
 * off as before, and the old track stops. Shared by the pre-join screen (features/prejoin), which switches its
 * preview, and the meeting's settings, whose sender also gets the new track (replaceTrack: no renegotiation;
 * a muted microphone stays muted: its new track is disabled and nothing is sent). A chosen device is
 * remembered in this browser (engine/local-media, ui/audio-output).
 */
import { effect, signal } from "@preact/signals";
import {
  type LocalMedia,
  type MediaKind,
  mediaPreferences,
  rememberDevice,
} from "../../engine/local-media.js";
import type { MessageKey } from "../../i18n/i18n.js";
import type { Room } from "../../state/room.js";
import { audioOutputId, chooseOutput } from "../../ui/audio-output.js";
import { scope } from "../../ui/scope.js";
import {
  denoiseEffect,
  denoiseWanted,
  giveUpDenoise,
  rememberDenoise,
} from "../noise-suppression/noise-preference.js";

export type Processing = "echoCancellation" | "noiseSuppression" | "autoGainControl";

export interface DeviceOption {
  deviceId: string;
  label: string;
  /** Which way a camera faces ("user", "environment"), where the browser says (features/switch-camera). */
  facing?: string | undefined;
}

/** The facing mode a camera reports before it is opened (InputDeviceInfo, where the browser has it). */
function facingOf(d: MediaDeviceInfo): string | undefined {
  if (d.kind !== "videoinput" || !("getCapabilities" in d)) return undefined;
  try {
    return (d as InputDeviceInfo).getCapabilities().facingMode?.[0];
  } catch {
    return undefined;
  }
}

/** Whose devices are switched: the pre-join screen's or the meeting's. */
export interface DeviceHost {
  /** The devices open now; null or undefined while there are none (the choice applies when they open). */
  media(): LocalMedia | null | undefined;
  /** A new track replaced the old one (the meeting hands it to its sender). */
  switched?(kind: MediaKind, track: MediaStreamTrack): Promise<void>;
  /** After each switch, whatever came of it, so that the screen shows the tracks now in use. */
  settled?(media: LocalMedia): void;
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
  /** The switches run one after the other: two at once would open the same device twice. */
  private queue: Promise<void> = Promise.resolve();
  private handedOver = false;
  private readonly onDeviceChange = () => void this.refresh();

  /** Stops following the noise suppression's choice. */
  private readonly unwatch: () => void;

  constructor(private readonly host: DeviceHost) {
    navigator.mediaDevices?.addEventListener?.("devicechange", this.onDeviceChange);
    // Chosen here or on another screen, or given up by the effect itself: the devices follow.
    this.unwatch = effect(() => {
      denoiseWanted.value;
      void this.applyEffects();
    });
  }

  /** Stops following plugged and unplugged devices (a screen that goes away). */
  dispose(): void {
    navigator.mediaDevices?.removeEventListener?.("devicechange", this.onDeviceChange);
    this.unwatch();
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
        .map((d) => ({ deviceId: d.deviceId, label: d.label, facing: facingOf(d) }));
    this.microphones.value = of("audioinput");
    this.cameras.value = of("videoinput");
    this.speakers.value = of("audiooutput");
  }

  /** The device in use for `kind`: the open track's, else the one chosen for next time ("" = default). */
  current(kind: MediaKind): string {
    this.revision.value; // re-read after a switch
    const track = this.host.media()?.device(kind);
    const live = track?.readyState === "live" ? track.getSettings().deviceId : undefined;
    return live ?? (kind === "audio" ? mediaPreferences.audioDeviceId : mediaPreferences.videoDeviceId);
  }

  /** Which way the open camera faces, where the browser says. */
  currentFacing(): string | undefined {
    this.revision.value;
    const track = this.host.media()?.device("video");
    return track?.readyState === "live" ? track.getSettings().facingMode : undefined;
  }

  /** The speaker in use, as a value of `speakers` ("default" stands for the system's choice where listed). */
  currentSpeaker(): string {
    const id = audioOutputId.value;
    if (id !== "") return id;
    return this.speakers.value.some((d) => d.deviceId === "default") ? "default" : "";
  }

  /** Uses `deviceId` from now on, remembers it, and opens it in place of the device in use. */
  choose(kind: MediaKind, deviceId: string): Promise<void> {
    if (kind === "audio") mediaPreferences.audioDeviceId = deviceId;
    else mediaPreferences.videoDeviceId = deviceId;
    rememberDevice(kind === "audio" ? "audioinput" : "videoinput", deviceId);
    return this.reopen(kind);
  }

  chooseSpeaker(deviceId: string): void {
    chooseOutput(deviceId === "default" ? "" : deviceId);
  }

  setProcessing(which: Processing, on: boolean): Promise<void> {
    mediaPreferences[which] = on;
    this.processing.value = { ...this.processing.value, [which]: on };
    return this.reopen("audio");
  }

  /** Turns the noise suppression (RNNoise, on this device) on or off, remembered in this browser. */
  setNoiseSuppression(on: boolean): Promise<void> {
    rememberDenoise(on);
    return this.queue;
  }

  /** Puts the effects the person chose on the devices open now (after they opened, or a choice). */
  applyEffects(): Promise<void> {
    if (this.handedOver) return this.queue;
    this.queue = this.queue.then(() => this.applyDenoise());
    return this.queue;
  }

  private async applyDenoise(): Promise<void> {
    const media = this.host.media();
    if (!media) return;
    const want = denoiseWanted.peek();
    if (want === (media.effect("audio") !== null)) return;
    this.busy.value = "audio";
    try {
      const track = await media.setEffect("audio", want ? await denoiseEffect() : null);
      if (track) await this.host.switched?.("audio", track);
    } catch (err) {
      console.warn("palabre: noise suppression did not start", err);
      giveUpDenoise("noise.failed");
    } finally {
      this.busy.value = null;
      this.revision.value += 1;
      this.host.settled?.(media);
    }
  }

  /**
   * Lets every switch asked for so far finish, and opens no device from then on (a choice is still kept for
   * next time): the pre-join screen hands its devices to the meeting, whose sender must get the track chosen,
   * and no track may be swapped under it afterwards.
   */
  handOver(): Promise<void> {
    this.handedOver = true;
    return this.queue;
  }

  private reopen(kind: MediaKind): Promise<void> {
    if (this.handedOver) return this.queue;
    this.queue = this.queue.then(() => this.switchNow(kind));
    return this.queue;
  }

  private async switchNow(kind: MediaKind): Promise<void> {
    const media = this.host.media();
    if (!media) return;
    this.busy.value = kind;
    this.problem.value = null;
    try {
      const result = await media.reopen(kind);
      if (result.kind === "switched") await this.host.switched?.(kind, result.track);
      else if (result.kind === "failed")
        this.problem.value = kind === "audio" ? "settings.micFailed" : "settings.cameraFailed";
    } catch (err) {
      console.warn("palabre: switching the device failed", err);
      this.problem.value = kind === "audio" ? "settings.micFailed" : "settings.cameraFailed";
    } finally {
      this.busy.value = null;
      this.revision.value += 1;
      this.host.settled?.(media);
      await this.refresh();
    }
  }
}

/** The meeting's device settings: the sender follows each switch, and so does the local tile. */
export function meetingDeviceSettings(room: Room): DeviceSettings {
  const settings = new DeviceSettings({
    media: () => room.state.local.value?.media,
    switched: async (kind, track) => {
      await room.media?.replaceTrack(kind, track);
    },
    settled: (media) => {
      // The tile shows the new camera track (and the talking-while-muted check follows the new microphone).
      const local = room.state.local.peek();
      if (local && local.media === media)
        room.state.local.value = { ...local, videoTrack: media.track("video") };
    },
  });
  // Devices opened by the meeting itself (joining again) get the chosen effects too.
  let last: LocalMedia | undefined;
  effect(() => {
    const media = room.state.local.value?.media;
    if (media === last) return;
    last = media;
    if (media) void settings.applyEffects();
  });
  return settings;
}

/** The meeting's device settings (meeting.tsx makes them), for the settings dialog. */
export const DeviceSettingsScope = scope<DeviceSettings>("device settings");
