/**
 * The toolbar's chat button: opens and closes the panel, shows how many messages came while it was
 * closed, and reads new ones out to screen-reader users (the panel, when open, is a live log itself).
 */
import { t } from "../../i18n/i18n.js";
import { ChatIcon } from "../../ui/icons.js";
import { PollsScope } from "../polls/polls-controller.js";
import { ChatScope } from "./chat-controller.js";
import "./chat.css";

export function ChatButton() {
  const chat = ChatScope.use();
  const open = chat.open.value;
  const unread = chat.unread.value;
  const said = chat.announcement.value;
  const polls = PollsScope.use();
  const newPoll = polls.announcement.value;
  const toAnswer = polls.toAnswer.value;
  const messages =
    unread === 0
      ? t("chat.toggle")
      : unread === 1
        ? t("chat.toggleUnreadOne")
        : t("chat.toggleUnreadMany", { count: unread });
  const label = toAnswer > 0 ? `${messages}; ${t("polls.toAnswer", { count: toAnswer })}` : messages;
  return (
    <>
      <button
        type="button"
        class={`round-button chat-toggle ${open ? "is-active" : ""}`}
        data-testid="toggle-chat"
        aria-expanded={open ? "true" : "false"}
        aria-controls="chat-panel"
        aria-label={label}
        title={t("chat.toggleHint")}
        onClick={() => {
          chat.open.value = !open;
        }}
      >
        <ChatIcon />
        {unread > 0 && (
          <span class="chat-badge" data-testid="chat-unread" aria-hidden="true">
            {unread}
          </span>
        )}
        {unread === 0 && toAnswer > 0 && (
          <span class="chat-badge is-poll" data-testid="polls-to-answer" aria-hidden="true">
            ?
          </span>
        )}
      </button>
      <span class="visually-hidden" aria-live="polite">
        {said && !open ? (
          <span key={said.seq}>{t(said.key, { name: said.name, text: said.text })}</span>
        ) : null}
        {newPoll ? (
          <span key={`poll-${newPoll.seq}`}>
            {t("polls.announce", { name: newPoll.name, question: newPoll.question })}
          </span>
        ) : null}
      </span>
    </>
  );
}
