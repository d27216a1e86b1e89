/**
 * The publish connection's screen m-lines (PROTOCOL.md, "Sharing a screen"): a video, and the shared tab's
 * sound when the browser offers it. The first share adds them (one renegotiation, `publish` with `sources`);
 * they stay for the connection's life. Stopping replaces their tracks with null and turns their encodings off
 * (Firefox goes on encoding a null track's m-line, 1 frame a second, otherwise); the next share puts its tracks
 * on the same m-lines and turns them on again, so the others' subscriptions do not change.
 */
import type { Publisher } from "./publisher.js";
import { setEncodingsActive } from "./send-layers.js";

/**
 * One layer, no simulcast: a shared screen is mostly text, read at full size on the stage, and a low layer of
 * it would be unreadable anyway. With contentHint "detail" the browser keeps the resolution and lowers the
 * frame rate when bandwidth runs short.
 */
export const SCREEN_ENCODING: RTCRtpEncodingParameters = { maxBitrate: 2_500_000 };

export class ScreenSender {
  private video: RTCRtpTransceiver | null = null;
  private audio: RTCRtpTransceiver | null = null;
  /** An m-line was added but its offer did not go through: the next share must offer again. */
  private unsent = false;

  constructor(private readonly publisher: Publisher) {}

  /** Sends the capture's video (and sound, if any) on the screen m-lines, adding those that are missing. */
  async start(stream: MediaStream): Promise<void> {
    const video = stream.getVideoTracks()[0];
    if (!video) throw new Error("the capture holds no video");
    const audio = stream.getAudioTracks()[0] ?? null;
    video.contentHint = "detail";
    if (this.video) {
      await this.video.sender.replaceTrack(video);
      await setEncodingsActive(this.video.sender, true);
    } else {
      this.video = this.publisher.addTransceiver(video, "screen", {
        direction: "sendonly",
        streams: [stream],
        sendEncodings: [{ ...SCREEN_ENCODING }],
      });
      this.unsent = true;
    }
    if (audio && this.audio) {
      await this.audio.sender.replaceTrack(audio);
      await setEncodingsActive(this.audio.sender, true);
    } else if (audio) {
      this.audio = this.publisher.addTransceiver(audio, "screen_audio", {
        direction: "sendonly",
        streams: [stream],
      });
      this.unsent = true;
    } else if (this.audio) {
      // This capture has no sound; an earlier one had.
      await this.audio.sender.replaceTrack(null);
      await setEncodingsActive(this.audio.sender, false);
    }
    if (!this.unsent) return;
    await this.publisher.negotiate();
    this.unsent = false;
  }

  /** Stops sending; the m-lines stay for the next share. */
  async stop(): Promise<void> {
    await Promise.all(
      [this.video, this.audio].map(async (t) => {
        if (!t) return;
        await t.sender.replaceTrack(null);
        await setEncodingsActive(t.sender, false);
      }),
    );
  }
}
