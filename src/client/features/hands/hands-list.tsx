/**
 * The moderators' view of the queue: who raised a hand, in order, with "give the floor" and "lower" for
 * each, and "lower all". Shown only to moderators, only while hands are up. It lies over the tiles, so its
 * title folds it away; a newly raised hand unfolds it again, since that is news a moderator must see.
 */
import { type Signal, useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import type { HandEntry, ParticipantInfo } from "../../../protocol/server-messages.js";
import { language, t } from "../../i18n/i18n.js";
import type { Room } from "../../state/room.js";
import { HandIcon } from "../../ui/icons.js";
import { HandsScope } from "./hands-controller.js";
import { ordinal } from "./ordinal.js";
import "./hands.css";

/** A hand raised again after being lowered is a new hand: its time differs. */
const handKey = (h: HandEntry) => `${h.participantId}@${h.raisedAt}`;

export function HandsList({ room }: { room: Room }) {
  const s = room.state;
  const me = s.local.value?.info;
  const queue = HandsScope.use().queue.value;
  const askUnmute = useSignal(true);
  /** The hands up when the list was folded (by handKey); null: unfolded. */
  const foldedOver = useSignal<ReadonlySet<string> | null>(null);
  // Someone raised a hand since: unfold, and stay unfolded until folded again.
  useEffect(() => {
    const seen = foldedOver.peek();
    if (seen && queue.some((h) => !seen.has(handKey(h)))) foldedOver.value = null;
  }, [queue]);
  if (me?.role !== "moderator" || queue.length === 0) return null;
  const folded = foldedOver.value !== null && queue.every((h) => foldedOver.value?.has(handKey(h)));

  return (
    <section
      class={`hands-list ${folded ? "is-folded" : ""}`}
      data-testid="hands-list"
      aria-labelledby="hands-title"
    >
      <h2 id="hands-title" class="hands-title">
        <button
          type="button"
          class="hands-fold"
          aria-expanded={folded ? "false" : "true"}
          onClick={() => {
            foldedOver.value = folded ? null : new Set(queue.map(handKey));
          }}
        >
          <HandIcon />
          {t("hands.listTitle")} <span class="hands-count">{queue.length}</span>
          <span class="hands-chevron" aria-hidden="true" />
        </button>
      </h2>
      {!folded && <HandsBody room={room} me={me} queue={queue} askUnmute={askUnmute} />}
    </section>
  );
}

interface BodyProps {
  room: Room;
  me: ParticipantInfo;
  queue: readonly HandEntry[];
  askUnmute: Signal<boolean>;
}

function HandsBody({ room, me, queue, askUnmute }: BodyProps) {
  const hands = HandsScope.use();
  const problem = hands.problem.value;
  const remotes = room.state.remotes.value;
  const lang = language.value;
  const nameOf = (id: string) => (id === me.id ? me.name : (remotes.get(id)?.info.name ?? "?"));
  return (
    <>
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
              <span class="hand-who">
                <span class="hand-name" data-testid="hand-name">
                  {name}
                </span>
                {entry.participantId === me.id && <span class="muted"> {t("hands.you")}</span>}
              </span>
              {/* Under the name, not beside it: beside it, the buttons left the name 8 px on a phone. */}
              <span class="hand-actions">
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
              </span>
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
    </>
  );
}
