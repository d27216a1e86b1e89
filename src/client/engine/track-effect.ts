/**
 * What stands between a device and the meeting (noise suppression; a background blur would be another): the
 * device's own track goes in, the track that is sent and shown comes out. LocalMedia keeps both, so that the
 * device stays identifiable (which microphone, which way the camera faces) while the others get the effect.
 */
export interface TrackEffect {
  readonly kind: "audio" | "video";
  /** Processes `input` from now on (another input replaces the last); resolves to the track to send and show. */
  attach(input: MediaStreamTrack): Promise<MediaStreamTrack>;
  /** Stops processing: the output ends, the input is left alone. Idempotent. */
  detach(): void;
}
