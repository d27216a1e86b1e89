/**
 * Asking a poll: a question, two to ten answers (added and removed as needed), whether several may be chosen
 * and whether it is anonymous. The server cleans and checks everything again; this form only keeps people
 * from sending what it would refuse (an empty question, fewer than two different answers).
 */
import { useSignal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import { Limits } from "../../../protocol/limits.js";
import { type MessageKey, t } from "../../i18n/i18n.js";
import { CloseIcon } from "../../ui/icons.js";
import { PollsScope } from "./polls-controller.js";

export function PollForm({ onDone }: { onDone: () => void }) {
  const polls = PollsScope.use();
  const question = useSignal("");
  const options = useSignal<readonly string[]>(["", ""]);
  const multiple = useSignal(false);
  const anonymous = useSignal(false);
  const invalid = useSignal<MessageKey | null>(null);
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => first.current?.focus(), []);

  const setOption = (i: number, text: string) => {
    options.value = options.value.map((o, j) => (j === i ? text : o));
  };
  const submit = async (ev: Event) => {
    ev.preventDefault();
    const q = question.value.trim();
    const answers = options.value.map((o) => o.trim()).filter((o) => o !== "");
    if (q === "") invalid.value = "polls.needQuestion";
    else if (new Set(answers).size < Limits.pollOptionsMin) invalid.value = "polls.needOptions";
    else {
      invalid.value = null;
      const flags = { multiple: multiple.value, anonymous: anonymous.value };
      if (await polls.ask(q, answers, flags)) onDone();
    }
  };

  return (
    <form class="poll-form" data-testid="poll-form" aria-labelledby="poll-form-title" onSubmit={submit}>
      <h3 id="poll-form-title">{t("polls.formTitle")}</h3>
      <label class="poll-field">
        <span>{t("polls.question")}</span>
        <input
          ref={first}
          type="text"
          data-testid="poll-question-input"
          maxLength={Limits.pollQuestionMaxChars}
          value={question.value}
          onInput={(ev) => {
            question.value = ev.currentTarget.value;
          }}
        />
      </label>
      <ol class="poll-option-inputs">
        {options.value.map((option, i) => (
          <li key={i}>
            <label class="poll-field">
              <span>{t("polls.option", { n: i + 1 })}</span>
              <input
                type="text"
                data-testid="poll-option-input"
                maxLength={Limits.pollOptionMaxChars}
                value={option}
                onInput={(ev) => setOption(i, ev.currentTarget.value)}
              />
            </label>
            {options.value.length > Limits.pollOptionsMin && (
              <button
                type="button"
                class="icon-button"
                aria-label={t("polls.removeOption", { n: i + 1 })}
                title={t("polls.removeOption", { n: i + 1 })}
                onClick={() => {
                  options.value = options.value.filter((_, j) => j !== i);
                }}
              >
                <CloseIcon />
              </button>
            )}
          </li>
        ))}
      </ol>
      {options.value.length < Limits.pollOptionsMax && (
        <button
          type="button"
          class="link"
          data-testid="poll-add-option"
          onClick={() => {
            options.value = [...options.value, ""];
          }}
        >
          {t("polls.addOption")}
        </button>
      )}
      <label class="poll-check">
        <input
          type="checkbox"
          checked={multiple.value}
          onChange={(ev) => {
            multiple.value = ev.currentTarget.checked;
          }}
        />
        <span>{t("polls.multiple")}</span>
      </label>
      <label class="poll-check">
        <input
          type="checkbox"
          data-testid="poll-anonymous"
          checked={anonymous.value}
          onChange={(ev) => {
            anonymous.value = ev.currentTarget.checked;
          }}
        />
        <span>{t("polls.anonymous")}</span>
      </label>
      {invalid.value && (
        <p class="poll-problem" role="alert">
          {t(invalid.value)}
        </p>
      )}
      <div class="poll-form-actions">
        <button type="button" class="secondary compact" onClick={onDone}>
          {t("polls.cancel")}
        </button>
        <button
          type="submit"
          class="primary compact"
          data-testid="poll-ask"
          disabled={polls.busy.value === "new"}
        >
          {t("polls.ask")}
        </button>
      </div>
    </form>
  );
}
