/**
 * Noise suppression as a track effect (engine/track-effect.ts): the microphone goes through RNNoise in an
 * AudioWorklet (denoise-worklet.ts) and the result is what the others hear. Everything runs in this page; the
 * worklet and the model are files of our own origin, fetched when the person first turns it on (this module
 * is loaded lazily, see noise-preference.ts). It is given up (`onGiveUp`) when the processor fails (a model
 * that will not compile here), and when the device cannot keep up, rather than let the voice break up.
 *
 * The output is handed over as soon as the graph is built, without waiting for the processor: on a page not
 * touched yet, the browser holds the audio graph still (autoplay rules) until the first click or key, and a
 * processor is built only once it runs.
 */
import wasmUrl from "@jitsi/rnnoise-wasm/dist/rnnoise.wasm?url";
import type { TrackEffect } from "../../engine/track-effect.js";
import { DENOISE_PROCESSOR, type DenoiseLoad, type DenoiseOptions } from "./denoise-messages.js";
import workletUrl from "./denoise-worklet.ts?worker&url";

/** RNNoise's rate; the graph runs at it, the browser resamples the microphone. */
const RATE = 48_000;
/** Overloaded: working more than this share of real time... */
const OVERLOAD_BUSY = 0.5;
/** ...for this many reports (seconds) in a row. */
const OVERLOAD_REPORTS = 3;

/** The model's bytes, fetched once per page. */
let model: Promise<ArrayBuffer> | null = null;
function modelBytes(): Promise<ArrayBuffer> {
  model ??= fetch(wasmUrl).then((r) => {
    if (!r.ok) throw new Error(`the noise model did not load (HTTP ${r.status})`);
    return r.arrayBuffer();
  });
  model.catch(() => {
    model = null; // tried again next time
  });
  return model;
}

interface Graph {
  context: AudioContext;
  source: MediaStreamAudioSourceNode;
  node: AudioWorkletNode;
  output: MediaStreamTrack;
  stopResuming: () => void;
}

/** Why the effect stopped by itself. */
export type GiveUp = "noise.failed" | "noise.tooSlow";

export class NoiseSuppressor implements TrackEffect {
  readonly kind = "audio";
  #graph: Graph | null = null;
  /** Bumped by each attach and detach: an attach that finishes after a newer call gives its graph up. */
  #generation = 0;
  #overloaded = 0;

  constructor(private readonly onGiveUp: (why: GiveUp) => void) {}

  async attach(input: MediaStreamTrack): Promise<MediaStreamTrack> {
    this.detach();
    const generation = this.#generation;
    const wasm = await modelBytes();
    const context = new AudioContext({ sampleRate: RATE, latencyHint: "interactive" });
    try {
      await context.audioWorklet.addModule(workletUrl);
      const options: DenoiseOptions = { wasm: wasm.slice(0) };
      const node = new AudioWorkletNode(context, DENOISE_PROCESSOR, {
        numberOfInputs: 1,
        numberOfOutputs: 1,
        channelCount: 1,
        channelCountMode: "explicit",
        outputChannelCount: [1],
        processorOptions: options,
      });
      if (generation !== this.#generation) throw new Error("replaced meanwhile");
      node.port.onmessage = (ev: MessageEvent<DenoiseLoad>) => this.#load(ev.data);
      node.onprocessorerror = () => {
        console.warn("palabre: the denoising worklet failed");
        if (this.#graph?.node === node) this.onGiveUp("noise.failed");
      };
      const source = context.createMediaStreamSource(new MediaStream([input]));
      const sink = context.createMediaStreamDestination();
      source.connect(node);
      node.connect(sink);
      const output = sink.stream.getAudioTracks()[0];
      if (!output) throw new Error("no output track");
      this.#graph = { context, source, node, output, stopResuming: resumeOnGesture(context) };
      return output;
    } catch (err) {
      void context.close();
      throw err;
    }
  }

  detach(): void {
    this.#generation += 1;
    this.#overloaded = 0;
    const graph = this.#graph;
    if (!graph) return;
    this.#graph = null;
    graph.node.port.postMessage("stop");
    graph.source.disconnect();
    graph.node.disconnect();
    graph.output.stop();
    graph.stopResuming();
    void graph.context.close();
  }

  #load({ busy }: DenoiseLoad): void {
    // Kept on the page for the cost bench (bench/noise-cost.ts) and anyone curious in the console.
    (window as { __palabreDenoiseBusy?: number }).__palabreDenoiseBusy = busy;
    this.#overloaded = busy > OVERLOAD_BUSY ? this.#overloaded + 1 : 0;
    if (this.#overloaded === OVERLOAD_REPORTS) {
      console.warn(`palabre: noise suppression takes ${Math.round(busy * 100)} % of real time: turned off`);
      this.onGiveUp("noise.tooSlow");
    }
  }
}

/**
 * A page may not start sound before the person has touched it (autoplay rules): a context made on the
 * pre-join screen waits, and the microphone would send silence. It resumes at the first click or key.
 * Returns what stops listening.
 */
function resumeOnGesture(context: AudioContext): () => void {
  const events = ["pointerdown", "keydown"] as const;
  const resume = () => {
    void context.resume().then(() => {
      if (context.state === "running") stop();
    });
  };
  const stop = () => {
    for (const e of events) window.removeEventListener(e, resume, true);
  };
  for (const e of events) window.addEventListener(e, resume, true);
  resume();
  return stop;
}
