/**
 * Speaker statistics, for moderators (PROTOCOL.md "Speaker statistics"): how long each person of the room has
 * talked, most first, asked of the server every 2 s while the dialog is open. Nothing is kept: the server holds
 * the figures in memory with the meeting, and the dialog forgets them when it closes.
 */
import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import type { SpeakerStat } from "../../../protocol/messages.js";
import { t } from "../../i18n/i18n.js";
import type { Room } from "../../state/room.js";
import { Dialog } from "../../ui/dialog.js";
import { clock } from "./clock.js";
import "./speaker-stats.css";

const REFRESH_MS = 2_000;

export function SpeakerStatsDialog({
  room,
  onClose,
  returnFocus,
}: {
  room: Room;
  onClose: () => void;
  returnFocus: () => HTMLElement | null;
}) {
  const entries = useSignal<readonly SpeakerStat[] | null>(null);
  const failed = useSignal(false);
  useEffect(() => {
    let live = true;
    const ask = async () => {
      try {
        const reply = await room.request({ type: "speakers.stats" });
        if (!live) return;
        entries.value = reply.entries;
        failed.value = false;
      } catch (err) {
        console.warn("palabre: speakers.stats failed", err);
        if (live) failed.value = true;
      }
    };
    void ask();
    const timer = setInterval(() => void ask(), REFRESH_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [room]);

  const list = entries.value;
  const most = Math.max(1, ...(list ?? []).map((e) => e.ms));
  return (
    <Dialog
      title={t("speakerStats.title")}
      testId="speaker-stats-dialog"
      onClose={onClose}
      returnFocus={returnFocus}
    >
      <p class="hint">{t("speakerStats.hint")}</p>
      {failed.value && (
        <p class="speaker-stats-problem" role="alert">
          {t("speakerStats.failed")}
        </p>
      )}
      {list === null ? (
        <p>{t("speakerStats.loading")}</p>
      ) : (
        <ol class="speaker-stats" data-testid="speaker-stats">
          {list.map((e) => (
            <li
              key={e.participantId}
              class={`speaker-stat ${e.present ? "" : "is-gone"}`}
              data-testid="speaker-stat"
              data-participant-id={e.participantId}
              data-ms={e.ms}
            >
              <span class="speaker-stat-name">
                {e.name}
                {!e.present && <span class="speaker-stat-gone"> {t("speakerStats.left")}</span>}
              </span>
              <span class="speaker-stat-time">{clock(e.ms)}</span>
              <span class="speaker-stat-bar" aria-hidden="true">
                <span style={{ width: `${(100 * e.ms) / most}%` }} />
              </span>
            </li>
          ))}
        </ol>
      )}
    </Dialog>
  );
}
