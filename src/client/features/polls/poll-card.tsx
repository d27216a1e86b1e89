/**
 * One poll in the polls tab: its question and who asked it; the answers to choose from while it is open and we
 * have not voted (radio buttons, or checkboxes when several may be chosen), the results otherwise; and, for its
 * author and moderators, the results as they come in (they decide when to close it) even before they vote,
 * closing it, and sharing its results in the chat.
 */
import { useSignal } from "@preact/signals";
import type { Poll } from "../../../protocol/server-messages.js";
import { t } from "../../i18n/i18n.js";
import { PollResults } from "./poll-results.js";
import { PollsScope } from "./polls-controller.js";

export function PollCard({ poll }: { poll: Poll }) {
  const polls = PollsScope.use();
  const mine = polls.mine.value.get(poll.id);
  const busy = polls.busy.value === poll.id;
  const titleId = `poll-${poll.id}-title`;
  return (
    <li class={`poll-card ${poll.closed ? "is-closed" : ""}`} data-testid="poll-card" data-poll={poll.id}>
      <article aria-labelledby={titleId}>
        <h3 id={titleId} class="poll-question" data-testid="poll-question">
          {poll.question}
        </h3>
        <p class="poll-meta small muted">
          {t("polls.by", { name: poll.byName })}
          {poll.closed && <span class="poll-tag">{t("polls.closed")}</span>}
          {poll.anonymous && <span class="poll-tag">{t("polls.anonymousTag")}</span>}
          {poll.multiple && <span class="poll-tag">{t("polls.multipleTag")}</span>}
        </p>
        {poll.closed || mine ? (
          <PollResults poll={poll} mine={mine} />
        ) : (
          <>
            <VoteForm poll={poll} busy={busy} />
            {polls.canManage(poll) && <PollResults poll={poll} />}
          </>
        )}
        {polls.canManage(poll) && (
          <div class="poll-actions">
            {!poll.closed && (
              <button
                type="button"
                class="link"
                data-testid="poll-close"
                disabled={busy}
                onClick={() => polls.close(poll.id)}
              >
                {t("polls.close")}
              </button>
            )}
            {poll.closed && (
              <button
                type="button"
                class="link"
                data-testid="poll-share"
                disabled={busy}
                onClick={() => polls.share(poll.id)}
              >
                {t("polls.share")}
              </button>
            )}
          </div>
        )}
      </article>
    </li>
  );
}

function VoteForm({ poll, busy }: { poll: Poll; busy: boolean }) {
  const polls = PollsScope.use();
  const chosen = useSignal<readonly number[]>([]);
  const pick = (i: number, on: boolean) => {
    if (!poll.multiple) chosen.value = on ? [i] : [];
    else chosen.value = on ? [...chosen.value, i].sort((a, b) => a - b) : chosen.value.filter((c) => c !== i);
  };
  return (
    <form
      class="poll-vote"
      onSubmit={(ev) => {
        ev.preventDefault();
        if (chosen.value.length > 0) polls.vote(poll.id, [...chosen.value]);
      }}
    >
      <fieldset>
        <legend class="small">{t(poll.multiple ? "polls.chooseSome" : "polls.chooseOne")}</legend>
        {poll.options.map((option, i) => (
          <label key={i} class="poll-choice">
            <input
              type={poll.multiple ? "checkbox" : "radio"}
              name={`poll-${poll.id}`}
              data-testid="poll-choice"
              checked={chosen.value.includes(i)}
              onChange={(ev) => pick(i, ev.currentTarget.checked)}
            />
            <span>{option}</span>
          </label>
        ))}
      </fieldset>
      <button
        type="submit"
        class="primary compact"
        data-testid="poll-vote"
        disabled={busy || chosen.value.length === 0}
      >
        {t("polls.vote")}
      </button>
    </form>
  );
}
