/**
 * What to do and say when the page comes back after being hidden (a phone's screen off, another app in
 * front). While hidden, the video we receive is paused (features/adaptation) and the sound goes on; a phone
 * may also take our camera away: its track is muted and comes back by itself, or it ends (another app took
 * the camera, older iOS), and then we open it again. Short absences (a glance at a notification) are not
 * worth a word.
 */

/** Hidden for less than this: no notice. */
export const AWAY_NOTICE_MS = 5_000;

export interface AwayReport {
  /** The notice to show, in whole seconds away; null: say nothing. */
  seconds: number | null;
  /** The camera was on when the page hid and its track has ended since: open it again. */
  reopenCamera: boolean;
}

export function awayReport(hiddenMs: number, cameraWasOn: boolean, cameraLive: boolean): AwayReport {
  return {
    seconds: hiddenMs >= AWAY_NOTICE_MS ? Math.round(hiddenMs / 1000) : null,
    reopenCamera: cameraWasOn && !cameraLive,
  };
}
