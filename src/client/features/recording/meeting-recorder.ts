/**
 * Records the meeting as this page shows it into a WebM file held in the page's memory: a canvas redrawn
 * from the tiles' tracks (recording-scene.ts lays them out) and every sound mixed by Web Audio, encoded by the
 * browser's MediaRecorder. Nothing leaves the page; the file is handed to the person when it stops.
 *
 * Timers drive the drawing, not animation frames: those stop altogether in a tab that is not shown, while
 * timers only slow down (to one picture a second), so a recording made from a background tab still has
 * its sound whole and a picture that moves. Drawing never takes more than half of the page's main thread: on
 * a device that cannot draw 24 pictures a second, the recording has fewer, and the meeting stays usable.
 */
import { fitPicture, placeTiles, type Scene } from "./recording-scene.js";
import { recordingType } from "./recording-support.js";

// The file's name and its saving come with the recorder: nothing is fetched while recording or at its end.
export { fileName, save } from "./recording-file.js";

export const RECORDING_WIDTH = 1280;
export const RECORDING_HEIGHT = 720;
const FPS = 24;
/** About 700 MB an hour, held in memory until the recording stops. */
const VIDEO_BITS_PER_SECOND = 1_500_000;
const AUDIO_BITS_PER_SECOND = 128_000;
/** How often the recorder hands over what it encoded: a crash of the tab loses at most this much more. */
const CHUNK_MS = 1_000;
/**
 * Chromium's recorder writes nothing before it has encoded both a picture and some sound: a stop that comes
 * sooner (pressed right after the start, or on a starved device) would give an empty file. The stop waits
 * for the first data, this long at most.
 */
const FIRST_DATA_WAIT_MS = 5_000;

export class MeetingRecorder {
  readonly #scene: () => Scene;
  readonly #canvas = document.createElement("canvas");
  readonly #draw: CanvasRenderingContext2D;
  readonly #audio = new AudioContext();
  readonly #mix = this.#audio.createMediaStreamDestination();
  /** A playing element per video track drawn; a source node per sound mixed. */
  readonly #videos = new Map<MediaStreamTrack, HTMLVideoElement>();
  readonly #sounds = new Map<MediaStreamTrack, MediaStreamAudioSourceNode>();
  readonly #chunks: Blob[] = [];
  readonly #recorder: MediaRecorder;
  readonly #picture: MediaStreamTrack[];
  #timer: ReturnType<typeof setTimeout> | null = null;
  #pictures = 0;
  #drawMs = 0;
  #bytes = 0;
  readonly #type: string;
  readonly startedAt = Date.now();

  /** Starts at once; `scene` is asked again at every picture. Throws if the browser cannot record. */
  constructor(scene: () => Scene) {
    const type = recordingType();
    const draw = this.#canvas.getContext("2d", { alpha: false });
    if (!type || !draw) throw new Error("this browser cannot record the meeting");
    this.#type = type;
    this.#scene = scene;
    this.#draw = draw;
    this.#canvas.width = RECORDING_WIDTH;
    this.#canvas.height = RECORDING_HEIGHT;
    this.#frame();
    // A destination nothing plays into gives no sound at all, and then the recorder writes nothing: someone
    // alone with the microphone off would get an empty file. This silence keeps the sound track going.
    const silence = new ConstantSourceNode(this.#audio, { offset: 0 });
    silence.connect(this.#mix);
    silence.start();
    this.#picture = this.#canvas.captureStream(FPS).getVideoTracks();
    const stream = new MediaStream([...this.#picture, ...this.#mix.stream.getAudioTracks()]);
    this.#recorder = new MediaRecorder(stream, {
      mimeType: type,
      videoBitsPerSecond: VIDEO_BITS_PER_SECOND,
      audioBitsPerSecond: AUDIO_BITS_PER_SECOND,
    });
    this.#recorder.addEventListener("dataavailable", (ev) => {
      if (ev.data.size === 0) return;
      this.#chunks.push(ev.data);
      this.#bytes += ev.data.size;
    });
    this.#recorder.start(CHUNK_MS);
    this.#next(0);
    void this.#audio.resume();
  }

  /** Stops recording and gives the file (every track and element it used let go); empty if nothing came. */
  async stop(): Promise<Blob> {
    if (this.#bytes === 0) await this.#firstData(FIRST_DATA_WAIT_MS);
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    const done = new Promise<Blob>((resolve) => {
      this.#recorder.addEventListener(
        "stop",
        () => resolve(new Blob(this.#chunks, { type: this.#type.split(";")[0] as string })),
        { once: true },
      );
    });
    if (this.#recorder.state !== "inactive") this.#recorder.stop();
    return done.finally(() => {
      for (const video of this.#videos.values()) video.srcObject = null;
      this.#videos.clear();
      for (const node of this.#sounds.values()) node.disconnect();
      this.#sounds.clear();
      for (const track of this.#picture) track.stop();
      void this.#audio.close();
    });
  }

  /** Pictures drawn, the mean time one took, and the bytes encoded so far (held in memory). */
  stats(): { pictures: number; drawMs: number; bytes: number } {
    return {
      pictures: this.#pictures,
      drawMs: this.#pictures ? this.#drawMs / this.#pictures : 0,
      bytes: this.#bytes,
    };
  }

  /** Resolves once the recorder has handed over some data (asked every 100 ms), or after `withinMs`. */
  #firstData(withinMs: number): Promise<void> {
    return new Promise((resolve) => {
      const seen = (ev: BlobEvent) => {
        if (ev.data.size > 0) done();
      };
      const ask = setInterval(() => {
        if (this.#recorder.state === "recording") this.#recorder.requestData();
      }, 100);
      const limit = setTimeout(() => done(), withinMs);
      const done = () => {
        clearInterval(ask);
        clearTimeout(limit);
        this.#recorder.removeEventListener("dataavailable", seen);
        resolve();
      };
      this.#recorder.addEventListener("dataavailable", seen);
    });
  }

  #next(delayMs: number): void {
    this.#timer = setTimeout(() => {
      const start = performance.now();
      this.#frame();
      const spent = performance.now() - start;
      this.#pictures += 1;
      this.#drawMs += spent;
      if (this.#timer !== null) this.#next(Math.max(1000 / FPS - spent, spent));
    }, delayMs);
  }

  #frame(): void {
    const scene = this.#scene();
    this.#follow(scene);
    const g = this.#draw;
    g.fillStyle = "#111";
    g.fillRect(0, 0, RECORDING_WIDTH, RECORDING_HEIGHT);
    const cells = placeTiles(scene, RECORDING_WIDTH, RECORDING_HEIGHT);
    for (const tile of scene.tiles) {
      const cell = cells.get(tile.key);
      if (!cell) continue;
      const inner = { x: cell.x + 2, y: cell.y + 2, w: cell.w - 4, h: cell.h - 4 };
      g.fillStyle = "#2a2a2e";
      g.fillRect(inner.x, inner.y, inner.w, inner.h);
      const video = tile.video ? this.#videos.get(tile.video) : undefined;
      // HAVE_CURRENT_DATA: a picture to draw (a track just added has none yet).
      if (video && video.readyState >= 2) {
        const { src, dst } = fitPicture(video.videoWidth, video.videoHeight, inner, tile.screen);
        g.drawImage(video, src.x, src.y, src.w, src.h, dst.x, dst.y, dst.w, dst.h);
      }
      this.#label(tile.name, inner, !video);
    }
  }

  /** The name in the corner of a tile, or in its middle when there is no picture. */
  #label(name: string, cell: { x: number; y: number; w: number; h: number }, alone: boolean): void {
    const g = this.#draw;
    const size = Math.max(12, Math.min(28, Math.floor(cell.h / (alone ? 8 : 14))));
    g.font = `${size}px sans-serif`;
    g.textBaseline = "middle";
    const text = name.length > 40 ? `${name.slice(0, 39)}…` : name;
    const w = Math.min(g.measureText(text).width, cell.w - 16);
    const x = alone ? cell.x + (cell.w - w) / 2 : cell.x + 8;
    const y = alone ? cell.y + cell.h / 2 : cell.y + cell.h - size;
    g.fillStyle = "rgb(0 0 0 / 55%)";
    g.fillRect(x - 6, y - size * 0.75, w + 12, size * 1.5);
    g.fillStyle = "#fff";
    g.fillText(text, x, y, cell.w - 16);
  }

  /** Plays the scene's new video tracks and mixes its new sounds; lets go of those that left it. */
  #follow(scene: Scene): void {
    const pictures = new Set(scene.tiles.flatMap((t) => (t.video ? [t.video] : [])));
    for (const [track, video] of this.#videos)
      if (!pictures.has(track) || track.readyState === "ended") {
        video.srcObject = null;
        this.#videos.delete(track);
      }
    for (const track of pictures) {
      if (this.#videos.has(track) || track.readyState === "ended") continue;
      const video = document.createElement("video");
      video.muted = true;
      video.playsInline = true;
      video.srcObject = new MediaStream([track]);
      video.play().catch(() => {
        // Drawn as a name alone until it plays.
      });
      this.#videos.set(track, video);
    }
    const sounds = new Set(scene.audio.filter((t) => t.readyState === "live"));
    for (const [track, node] of this.#sounds)
      if (!sounds.has(track)) {
        node.disconnect();
        this.#sounds.delete(track);
      }
    for (const track of sounds) {
      if (this.#sounds.has(track)) continue;
      const node = this.#audio.createMediaStreamSource(new MediaStream([track]));
      node.connect(this.#mix);
      this.#sounds.set(track, node);
    }
  }
}
