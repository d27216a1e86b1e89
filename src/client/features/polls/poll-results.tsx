/**
 * A poll's results: each answer with its count, its share of the voters and a bar, the names behind it unless
 * the poll is anonymous, and our own choice marked. Shown in the polls tab once we voted (or the poll closed),
 * and in the chat when someone shares the results. The bars are drawn for the eye; the numbers say it all.
 */
import type { Poll } from "../../../protocol/server-messages.js";
import { t } from "../../i18n/i18n.js";
import "./polls.css";

export function PollResults({ poll, mine }: { poll: Poll; mine?: readonly number[] | undefined }) {
  const voters = poll.voters;
  return (
    <div class="poll-results" data-testid="poll-results">
      <ol class="poll-result-list">
        {poll.options.map((option, i) => {
          const count = poll.votes[i] ?? 0;
          const percent = voters === 0 ? 0 : Math.round((100 * count) / voters);
          const names = poll.names?.[i] ?? [];
          return (
            <li key={i} class={`poll-result ${mine?.includes(i) ? "is-mine" : ""}`} data-testid="poll-result">
              <div class="poll-result-line">
                <span class="poll-option-text">{option}</span>
                {mine?.includes(i) && <span class="poll-mine">{t("polls.yourChoice")}</span>}
                <span class="poll-count" data-testid="poll-count">
                  {t("polls.result", { count, percent })}
                </span>
              </div>
              <div class="poll-bar" aria-hidden="true">
                <div class="poll-bar-fill" style={{ width: `${percent}%` }} />
              </div>
              {names.length > 0 && (
                <p class="poll-names small muted">{t("polls.chosenBy", { names: names.join(", ") })}</p>
              )}
            </li>
          );
        })}
      </ol>
      <p class="poll-voters small muted" data-testid="poll-voters">
        {voters === 1 ? t("polls.votersOne") : t("polls.votersMany", { count: voters })}
      </p>
    </div>
  );
}
