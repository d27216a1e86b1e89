/**
 * The chat panel's Polls tab: the meeting's polls, newest first, and for those who may ask one, the form to do
 * it. The last failure (a refusal, a limit) shows above the list until the next action.
 */
import { useSignal } from "@preact/signals";
import { t } from "../../i18n/i18n.js";
import { lazy } from "../../ui/lazy.js";
import { PollCard } from "./poll-card.js";
import { PollsScope } from "./polls-controller.js";
import "./polls.css";

// Asking is rarer than answering: the form is fetched apart from the app (ui/lazy.ts) the first time it opens.
const PollForm = lazy(() => import("./poll-form.js").then((m) => m.PollForm));

export function PollsTab() {
  const polls = PollsScope.use();
  const asking = useSignal(false);
  const list = [...polls.polls.value].reverse();
  const problem = polls.problem.value;
  return (
    <div class="polls-tab" data-testid="polls-tab">
      {polls.canAsk() &&
        (asking.value ? (
          <PollForm
            onDone={() => {
              asking.value = false;
            }}
          />
        ) : (
          <button
            type="button"
            class="secondary compact polls-new"
            data-testid="poll-new"
            onClick={() => {
              asking.value = true;
            }}
          >
            {t("polls.new")}
          </button>
        ))}
      {problem && (
        <p class="poll-problem" role="alert">
          {t(problem)}
        </p>
      )}
      {list.length === 0 ? (
        <p class="muted small">{t("polls.empty")}</p>
      ) : (
        <ol class="poll-list">
          {list.map((poll) => (
            <PollCard key={poll.id} poll={poll} />
          ))}
        </ol>
      )}
    </div>
  );
}
