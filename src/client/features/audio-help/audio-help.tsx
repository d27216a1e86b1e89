/**
 * Microphone help during the meeting, from the seed's tips (mute in a noisy room, unmute to speak):
 *
 * - "You are talking while muted": while the microphone is off, a copy of its track (never sent: the
 *   original stays disabled and its sender inactive, so muted still means nothing is sent) is measured in
 *   the browser; speech raises a notice with an Unmute button.
 * - Push-to-talk: while muted, holding Space turns the microphone on, releasing it turns it off again (not
 *   while typing, and not on a button, where Space presses it).
 */
import { useSignal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import { t } from "../../i18n/i18n.js";
import type { Room } from "../../state/room.js";
import { CloseIcon } from "../../ui/icons.js";
import { useShortcut } from "../../ui/shortcuts.js";
import { LevelReader } from "./levels.js";
import { TalkDetector } from "./talk-detector.js";
import "./audio-help.css";

const SAMPLE_MS = 50;
/** The notice goes away this long after the talking stopped. */
const HIDE_AFTER_MS = 6_000;
/** Dismissed, it stays away this long. */
const DISMISS_MS = 60_000;

export function AudioHelp({ room }: { room: Room }) {
  const talking = useSignal(false);
  const holding = useSignal(false);
  const dismissedUntil = useRef(0);
  const local = room.state.local.value;
  const muted = local !== null && !local.audio;
  const mic = local?.media.device("audio") ?? null;
  const micLive = mic?.readyState === "live";

  useEffect(() => {
    talking.value = false;
    if (!muted || !mic || !micLive) return;
    // A copy of the track, enabled for measuring only: it is given to no sender.
    const probe = mic.clone();
    probe.enabled = true;
    const reader = LevelReader.open(probe);
    if (!reader) {
      probe.stop();
      return;
    }
    const detector = new TalkDetector();
    let lastTalk = 0;
    const timer = setInterval(() => {
      const now = performance.now();
      if (detector.push(reader.level(), now)) {
        lastTalk = now;
        if (now >= dismissedUntil.current) talking.value = true;
      } else if (talking.peek() && now - lastTalk > HIDE_AFTER_MS) talking.value = false;
    }, SAMPLE_MS);
    return () => {
      clearInterval(timer);
      reader.close();
      probe.stop();
    };
  }, [muted, mic, micLive]);

  // Space held down talks while muted (push-to-talk); its repeats are the same press.
  const held = useRef(false);
  const pending = useRef<Promise<void>>(Promise.resolve());
  const release = () => {
    if (!held.current) return;
    held.current = false;
    holding.value = false;
    pending.current = pending.current.then(() => room.setDevice("audio", false));
  };
  useShortcut({
    key: " ",
    held: () => held.current,
    down: () => {
      const me = room.state.local.peek();
      if (!me || me.audio) return false;
      if (me.media.device("audio")?.readyState !== "live") return false; // no microphone to open on a key press
      held.current = true;
      holding.value = true;
      pending.current = pending.current.then(() => room.setDevice("audio", true));
      return true;
    },
    up: release,
  });
  // Unmounted while held (the meeting ended): the microphone goes back off.
  useEffect(() => release, []);

  const dismiss = () => {
    dismissedUntil.current = performance.now() + DISMISS_MS;
    talking.value = false;
  };

  return (
    <div class="audio-help" role="status">
      {holding.value && (
        <p class="push-to-talk" data-testid="push-to-talk">
          {t("audio.pushToTalkOn")}
        </p>
      )}
      {talking.value && muted && !holding.value && (
        <div class="talking-notice" data-testid="talking-while-muted">
          <p>
            <strong>{t("audio.talkingWhileMuted")}</strong> {t("audio.talkingWhileMutedHint")}
          </p>
          <button
            type="button"
            class="primary"
            data-testid="talking-while-muted-unmute"
            onClick={() => void room.setDevice("audio", true)}
          >
            {t("audio.unmute")}
          </button>
          <button
            type="button"
            class="talking-dismiss"
            aria-label={t("audio.dismiss")}
            title={t("audio.dismiss")}
            onClick={dismiss}
          >
            <CloseIcon />
          </button>
        </div>
      )}
    </div>
  );
}
