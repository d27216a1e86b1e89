/**
 * "Test speakers": a short chime played where the meeting's voices will play, so that a person hears before
 * joining whether the sound comes out of the right device. The chime is made here with WebAudio (nothing is
 * fetched) and played through an <audio> element sent to the chosen output with setSinkId, the way the
 * meeting's voices are (ui/audio-output): if the chime is heard, so will the others be.
 */
import { useSignal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import { t } from "../../i18n/i18n.js";
import { applyOutput, routeOutput } from "../../ui/audio-output.js";

/** A5, C♯6, E6 one after the other: a major arpeggio, clear on small laptop speakers without being shrill. */
const NOTES = [880, 1108.73, 1318.51];
const NOTE_GAP_S = 0.4;
const NOTE_LENGTH_S = 1;
const LEAD_S = 0.05;
/** The whole chime, after which the element is let go. */
const CHIME_MS = (LEAD_S + NOTE_GAP_S * (NOTES.length - 1) + NOTE_LENGTH_S) * 1000 + 150;

/** The chime as a live stream, for an element to play; null where WebAudio is missing. */
function chime(): { stream: MediaStream; close: () => void } | null {
  if (typeof AudioContext === "undefined") return null;
  const ctx = new AudioContext();
  // Made inside a click, so it may run; resume() covers a browser that still starts it suspended.
  void ctx.resume().catch(() => undefined);
  const out = ctx.createMediaStreamDestination();
  const t0 = ctx.currentTime + LEAD_S;
  NOTES.forEach((frequency, i) => {
    const start = t0 + i * NOTE_GAP_S;
    const osc = new OscillatorNode(ctx, { frequency });
    const gain = new GainNode(ctx, { gain: 0.0001 });
    // A quick attack and a bell-like decay: no click at either end.
    gain.gain.setValueAtTime(0.0001, start);
    gain.gain.exponentialRampToValueAtTime(0.25, start + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + NOTE_LENGTH_S);
    osc.connect(gain).connect(out);
    osc.start(start);
    osc.stop(start + NOTE_LENGTH_S);
  });
  return { stream: out.stream, close: () => void ctx.close().catch(() => undefined) };
}

/** `outputId`: the chosen output ("" = the system's default). */
export function SpeakerTest({ outputId }: { outputId: string }) {
  const audio = useRef<HTMLAudioElement>(null);
  const playing = useSignal(false);
  const stopCurrent = useRef<(() => void) | null>(null);

  // A choice made while the chime plays moves it at once, as it would move the others' voices.
  useEffect(() => {
    if (audio.current && playing.peek()) applyOutput(audio.current, outputId);
  }, [outputId]);
  useEffect(() => () => stopCurrent.current?.(), []);

  const play = async () => {
    stopCurrent.current?.();
    const el = audio.current;
    if (!el) return;
    let sound: ReturnType<typeof chime> = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const stop = () => {
      clearTimeout(timer);
      el.pause();
      el.srcObject = null;
      sound?.close();
      if (stopCurrent.current === stop) {
        stopCurrent.current = null;
        playing.value = false;
      }
    };
    stopCurrent.current = stop;
    playing.value = true;
    // Routed first: the first note must not come out of the previous device.
    await routeOutput(el, outputId);
    if (stopCurrent.current !== stop) return; // pressed again, or the screen went away, meanwhile
    sound = chime();
    if (!sound) {
      stop();
      return;
    }
    el.srcObject = sound.stream;
    el.play().catch((err: unknown) => {
      console.warn("palabre: the test sound could not play", err);
      stop();
    });
    timer = setTimeout(stop, CHIME_MS);
  };

  return (
    <>
      <button
        type="button"
        class="secondary speaker-test"
        data-testid="prejoin-test-speaker"
        data-playing={playing.value ? "true" : "false"}
        onClick={() => void play()}
      >
        {/* Both texts take their place, the hidden one invisible: the button keeps its width as it changes. */}
        <span class={playing.value ? "is-idle-text" : ""}>{t("prejoin.testSpeaker")}</span>
        <span class={playing.value ? "" : "is-idle-text"}>{t("prejoin.testSpeakerPlaying")}</span>
      </button>
      {/* biome-ignore lint/a11y/useMediaCaption: a wordless chime; the button says what it is */}
      <audio ref={audio} data-testid="prejoin-test-sound" />
    </>
  );
}
