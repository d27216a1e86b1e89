/**
 * Turning the microphone or the camera on and off, for the Room: the device itself (LocalMedia), the track
 * the media engine sends, RoomState, and the others (`media.state`). Whichever connection is current does
 * the sending; a switch that ends after the person hung up or moved on does not reach the next one.
 */
import type { MediaKind } from "../engine/local-media.js";
import type { RoomConnection } from "./room-connection.js";
import type { RoomState } from "./room-state.js";

export interface DeviceSwitchOwner {
  /** The Room's session number: it changes when the person hangs up, joins again or moves. */
  session(): number;
  connection(): RoomConnection | null;
}

export class DeviceSwitch {
  readonly #state: RoomState;
  readonly #owner: DeviceSwitchOwner;

  constructor(state: RoomState, owner: DeviceSwitchOwner) {
    this.#state = state;
    this.#owner = owner;
  }

  /** Turns `kind` on or off, and tells the others. */
  async set(kind: MediaKind, on: boolean): Promise<void> {
    const media = this.#state.local.value?.media;
    if (!media) return;
    const session = this.#owner.session();
    // Off disables the track the sender already has: the m-line stays, nothing to renegotiate.
    const opened = await media.setOn(kind, on);
    if (session !== this.#owner.session()) {
      // Hung up while the device was opening: it must not stay on (camera light) with nobody using it.
      const view = this.#state.view.value;
      if (view === "left" || view === "error") media.stop();
      return;
    }
    const engine = this.#owner.connection()?.engine;
    if (opened && engine) await engine.replaceTrack(kind, opened);
    await engine?.setSending(kind, media.isOn(kind));
    this.refresh();
  }

  /** Copies the devices' state into RoomState and tells the others. */
  refresh(): void {
    const local = this.#state.local.value;
    if (!local) return;
    const media = local.media;
    this.#state.local.value = {
      ...local,
      audio: media.isOn("audio"),
      video: media.isOn("video"),
      videoTrack: media.track("video"),
    };
    this.#owner.connection()?.sendMediaState();
  }
}
