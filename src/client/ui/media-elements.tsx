/**
 * <video> and <audio> bound to a MediaStreamTrack. srcObject is a DOM property with no attribute form,
 * so it is set from an effect; each element gets its own MediaStream holding just that track.
 */
import type { JSX } from "preact";
import { useEffect, useRef } from "preact/hooks";
import { applyOutput, audioOutputId } from "./audio-output.js";

function useSrcObject<E extends HTMLMediaElement>(source: MediaStreamTrack | MediaStream | null | undefined) {
  const ref = useRef<E>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const stream = source instanceof MediaStreamTrack ? new MediaStream([source]) : (source ?? null);
    el.srcObject = stream;
    // autoplay usually suffices; play() covers a browser that paused on a srcObject swap.
    if (stream) el.play().catch(() => undefined);
    return () => {
      el.srcObject = null;
    };
  }, [source]);
  return ref;
}

type VideoProps = Omit<JSX.HTMLAttributes<HTMLVideoElement>, "ref"> & {
  source: MediaStreamTrack | MediaStream | null | undefined;
  /**
   * Told whether pictures are actually arriving: a remote track exists before its first frame, and goes
   * silent (muted) when its sender stops; until then the caller shows initials rather than a black box.
   */
  onFrames?: (arriving: boolean) => void;
};

/** Always muted: a video element never plays sound here, remote audio has its own element. */
export function VideoView({ source, onFrames, ...rest }: VideoProps) {
  const ref = useSrcObject<HTMLVideoElement>(source);
  const report = useRef(onFrames);
  report.current = onFrames;

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const track = source instanceof MediaStreamTrack ? source : source?.getVideoTracks()[0];
    const update = () => report.current?.(el.videoWidth > 0 && track?.muted !== true);
    update();
    const events = ["loadeddata", "resize", "playing", "emptied"] as const;
    for (const name of events) el.addEventListener(name, update);
    track?.addEventListener("mute", update);
    track?.addEventListener("unmute", update);
    return () => {
      for (const name of events) el.removeEventListener(name, update);
      track?.removeEventListener("mute", update);
      track?.removeEventListener("unmute", update);
    };
  }, [source, ref]);

  return <video ref={ref} autoplay playsinline muted {...rest} />;
}

export function AudioSink({ track }: { track: MediaStreamTrack | null | undefined }) {
  const ref = useSrcObject<HTMLAudioElement>(track);
  // The speaker chosen in the settings (features/settings).
  const output = audioOutputId.value;
  useEffect(() => {
    if (ref.current) applyOutput(ref.current, output);
  }, [output, ref]);
  // biome-ignore lint/a11y/useMediaCaption: live call audio; there is no caption track to offer
  return <audio ref={ref} autoplay />;
}
