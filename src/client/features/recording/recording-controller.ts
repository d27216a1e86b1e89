/**
 * Local recording, one controller per Room (PROTOCOL.md "Local recording"): this page records the meeting into
 * a file on this machine, after telling everyone (nobody is recorded before the others can see it), and hands
 * the file over when it stops: by the person's choice, a moderator forbidding it, or the end of the meeting
 * for us. Who records, as the server last told, is read from the participants' `recording` flags.
 */
import { computed, effect, type ReadonlySignal, signal } from "@preact/signals";
import type { MessageKey } from "../../i18n/i18n.js";
import { SignalError } from "../../signal/signal-client.js";
import type { Room } from "../../state/room.js";
import { scope } from "../../ui/scope.js";
import type { LayoutController } from "../layout/layout-controller.js";
import type { ScreenShareController } from "../screen-share/screen-share-controller.js";
import type { MeetingRecorder } from "./meeting-recorder.js";
import type { Scene, SceneTile } from "./recording-scene.js";
import { recordingType } from "./recording-support.js";

type RecorderCode = typeof import("./meeting-recorder.js");

export class RecordingController {
  /** This page records. */
  readonly active = signal(false);
  /** A start or a stop in progress. */
  readonly busy = signal(false);
  /** Why the last start failed, or why the recording stopped by itself. */
  readonly problem = signal<MessageKey | null>(null);
  /** Names of everyone recording the meeting, ourselves included (as the server says). */
  readonly recorders: ReadonlySignal<readonly string[]>;
  readonly supported = recordingType() !== null;
  #recorder: MeetingRecorder | null = null;
  /** The recorder's code, fetched at the first start (most people never record). */
  #code: RecorderCode | null = null;

  constructor(
    private readonly room: Room,
    private readonly layout: LayoutController,
    private readonly screen: ScreenShareController,
  ) {
    const s = room.state;
    this.recorders = computed(() => {
      const me = s.local.value?.info;
      const others = [...s.remotes.value.values()].filter((p) => p.info.recording).map((p) => p.info.name);
      return me?.recording ? [me.name, ...others] : others;
    });
    room.register({
      // Every entry (a reconnection, a breakout room) is a new participant for the server: say it again.
      joined: ({ settings }) => {
        if (!this.active.peek()) return;
        if (settings.recordingAllowed) void this.#declare(true);
        else void this.stop("recording.forbidden");
      },
      "room.updated": ({ settings }) => {
        if (!settings.recordingAllowed && this.active.peek()) void this.stop("recording.forbidden");
      },
    });
    // Out of the meeting (hung up, removed, ended): the file is handed over all the same.
    effect(() => {
      const view = s.view.value;
      if (view !== "conference" && view !== "joining" && this.active.peek()) void this.stop(null);
    });
    window.addEventListener("beforeunload", (ev) => {
      // Closing the tab would lose the recording: the browser asks the person first.
      if (!this.active.peek()) return;
      ev.preventDefault();
      // Older browsers ask only when this is set.
      ev.returnValue = "";
    });
  }

  /** Whether the meeting lets us start (a moderator may forbid it). */
  allowed(): boolean {
    return this.room.state.settings.value.recordingAllowed;
  }

  async start(): Promise<void> {
    if (this.busy.peek() || this.active.peek()) return;
    this.busy.value = true;
    this.problem.value = null;
    try {
      if (!this.supported) throw new Error("MediaRecorder cannot record WebM here");
      // Told first, recorded after: a refusal (forbidden meanwhile) records nothing.
      this.#code ??= await import("./meeting-recorder.js");
      const { MeetingRecorder } = this.#code;
      await this.room.request({ type: "recording.state", on: true });
      try {
        this.#recorder = new MeetingRecorder(() => this.#scene());
      } catch (err) {
        await this.#declare(false);
        throw err;
      }
      this.active.value = true;
    } catch (err) {
      console.warn("palabre: recording did not start", err);
      this.problem.value = !this.supported
        ? "recording.unsupported"
        : err instanceof SignalError && err.code === "forbidden"
          ? "recording.notAllowed"
          : "recording.failed";
    } finally {
      this.busy.value = false;
    }
  }

  /** Stops and offers the file; `why`: said to the person when it was not their choice. */
  async stop(why: MessageKey | null = null): Promise<void> {
    const recorder = this.#recorder;
    if (!recorder) return;
    this.#recorder = null;
    this.active.value = false;
    this.problem.value = why;
    const { pictures, drawMs } = recorder.stats();
    const file = await recorder.stop();
    const { fileName, save } = this.#code as RecorderCode;
    const seconds = (Date.now() - recorder.startedAt) / 1000;
    console.info(
      `palabre: recording stopped: ${seconds.toFixed(1)} s, ${(pictures / seconds).toFixed(1)} pictures/s, ` +
        `${drawMs.toFixed(1)} ms to draw one, ${Math.round(file.size / 1024)} KiB`,
    );
    // Nothing encoded at all (a browser that failed to): an empty file would only puzzle the person.
    if (file.size > 0) save(file, fileName(this.room.state.roomName.peek(), recorder.startedAt));
    else this.problem.value = "recording.empty";
    if (this.room.state.view.peek() === "conference") await this.#declare(false);
  }

  async #declare(on: boolean): Promise<void> {
    try {
      await this.room.request({ type: "recording.state", on });
    } catch (err) {
      console.warn("palabre: recording.state not accepted", err);
      // Refused to start again (forbidden meanwhile): stop rather than record unseen.
      if (on) void this.stop("recording.forbidden");
    }
  }

  /** The meeting as this page lays it out now, with everyone's sound. */
  #scene(): Scene {
    const s = this.room.state;
    const me = s.local.peek();
    const remotes = s.remotes.peek();
    const myScreen = this.screen.stream.peek();
    const tiles: SceneTile[] = [];
    const audio: MediaStreamTrack[] = [];
    const mic = me?.media.track("audio");
    if (mic) audio.push(mic);
    for (const ref of this.layout.tiles.peek()) {
      const screen = ref.source === "screen";
      if (ref.local) {
        const video = screen ? myScreen?.getVideoTracks()[0] : me?.video ? me.videoTrack : null;
        tiles.push({ key: ref.key, name: me?.name ?? "", video: video ?? undefined, screen });
        continue;
      }
      const p = remotes.get(ref.participantId);
      if (!p) continue;
      const video = screen ? p.screenTrack : p.info.video ? p.videoTrack : undefined;
      tiles.push({ key: ref.key, name: p.info.name, video, screen });
    }
    for (const p of remotes.values()) {
      if (p.audioTrack) audio.push(p.audioTrack);
      if (p.screenAudioTrack) audio.push(p.screenAudioTrack);
    }
    const stage = this.layout.stage.peek();
    return { mode: this.layout.mode.peek(), tiles, stage: stage?.key ?? null, audio };
  }
}

/** The meeting's recording controller (meeting.tsx makes it), for the components below. */
export const RecordingScope = scope<RecordingController>("recording controller");
