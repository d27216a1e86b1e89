/**
 * The moderators' view of the queue: who raised a hand, in order, with "give the floor" and "lower" for
 * each, and "lower all". Shown only to moderators, only while hands are up.
 */
import { useSignal } from "@preact/signals";
import { language, t } from "../../i18n/i18n.js";
import type { Room } from "../../state/room.js";
import { HandIcon } from "../chat/chat-icons.js";
import { handsOf } from "./hands-controller.js";
import { ordinal } from "./ordinal.js";
import "./hands.css";

export function HandsList({ room }: { room: Room }) {
  const s = room.state;
  const me = s.local.value?.info;
  const queue = s.hands.value;
  const askUnmute = useSignal(true);
  if (me?.role !== "moderator" || queue.length === 0) return null;
  const hands = handsOf(room);
  const problem = hands.problem.value;
  const remotes = s.remotes.value;
  const lang = language.value;
  const nameOf = (id: string) => (id === me.id ? me.name : (remotes.get(id)?.info.name ?? "?"));

  return (
    <section class="hands-list" data-testid="hands-list" aria-labelledby="hands-title">
      <h2 id="hands-title" class="hands-title">
        <HandIcon />
        {t("hands.listTitle")} <span class="hands-count">{queue.length}</span>
      </h2>
      <ol class="hands-entries">
        {queue.map((entry, i) => {
          const name = nameOf(entry.participantId);
          return (
            <li
              key={entry.participantId}
              class="hand-entry"
              data-testid="hand-entry"
              data-participant-id={entry.participantId}
            >
              <span class="hand-place">{ordinal(i + 1, lang)}</span>
              <span class="hand-name">
                {name}
                {entry.participantId === me.id && <span class="muted"> {t("hands.you")}</span>}
              </span>
              <button
                type="button"
                class="secondary small-button"
                data-testid="give-floor"
                aria-label={t("hands.giveFloorTo", { name })}
                onClick={() => void hands.giveFloor(entry.participantId, askUnmute.value)}
              >
                {t("hands.giveFloor")}
              </button>
              <button
                type="button"
                class="secondary small-button"
                data-testid="lower-hand"
                aria-label={t("hands.lowerOf", { name })}
                onClick={() => void hands.lower(entry.participantId)}
              >
                {t("hands.lower")}
              </button>
            </li>
          );
        })}
      </ol>
      <div class="hands-foot">
        <label class="hands-ask">
          <input
            type="checkbox"
            data-testid="floor-ask-unmute"
            checked={askUnmute.value}
            onChange={(ev) => {
              askUnmute.value = ev.currentTarget.checked;
            }}
          />
          {t("hands.askUnmute")}
        </label>
        <button
          type="button"
          class="secondary small-button"
          data-testid="lower-all-hands"
          onClick={() => void hands.lowerAll()}
        >
          {t("hands.lowerAll")}
        </button>
      </div>
      {problem && (
        <p class="field-error small" role="alert">
          {t(problem)}
        </p>
      )}
    </section>
  );
}
