/**
 * Warns, before joining, when the face is hard to see: a dark room, or a window behind. About once a second
 * the camera's picture is drawn small (64×36) onto a canvas and assessed by `assessLighting`; nothing is kept
 * or sent anywhere.
 */
import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { t } from "../../i18n/i18n.js";
import { assessLighting, type Lighting, LightingSmoother } from "./lighting.js";

const W = 64;
const H = 36;
const SAMPLE_MS = 1000;

/** `track`: the camera, null while it is off. */
export function LightingWarning({ track }: { track: MediaStreamTrack | null }) {
  const verdict = useSignal<Lighting>("ok");

  useEffect(() => {
    verdict.value = "ok";
    if (!track) return;
    const video = document.createElement("video");
    video.muted = true;
    video.playsInline = true;
    video.srcObject = new MediaStream([track]);
    video.play().catch(() => undefined);
    const canvas = document.createElement("canvas");
    canvas.width = W;
    canvas.height = H;
    const ctx = canvas.getContext("2d", { willReadFrequently: true });
    const smoother = new LightingSmoother();
    const timer = setInterval(() => {
      if (!ctx || video.videoWidth === 0 || !track.enabled || track.readyState !== "live") return;
      try {
        ctx.drawImage(video, 0, 0, W, H);
        verdict.value = smoother.push(assessLighting(ctx.getImageData(0, 0, W, H).data, W, H));
      } catch {
        // a frame that cannot be read (the track just ended): try again next time
      }
    }, SAMPLE_MS);
    return () => {
      clearInterval(timer);
      video.pause();
      video.srcObject = null;
    };
  }, [track]);

  // Always in the page, so that a screen reader announces the warning when it appears.
  return (
    <p class="help-live" role="status">
      {verdict.value !== "ok" && (
        <span class="help-hint help-warning" data-testid="lighting-warning" data-lighting={verdict.value}>
          {t(verdict.value === "dark" ? "prejoin.helpDark" : "prejoin.helpBacklit")}
        </span>
      )}
    </p>
  );
}
