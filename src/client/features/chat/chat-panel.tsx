/**
 * The chat panel: the messages (public and private, as text), the pending ones, and the form with its
 * recipient choice. Enter sends, Shift+Enter starts a new line, Escape closes the panel. A second tab holds the
 * meeting's polls (features/polls), as in Jitsi Meet; poll results shared in the chat show as results.
 */
import { useEffect, useLayoutEffect, useRef } from "preact/hooks";
import { Limits } from "../../../protocol/limits.js";
import type { ChatMessage } from "../../../protocol/server-messages.js";
import { language, t } from "../../i18n/i18n.js";
import type { Room } from "../../state/room.js";
import { CloseIcon, SendIcon } from "../../ui/icons.js";
import { PollResults } from "../polls/poll-results.js";
import { PollsScope } from "../polls/polls-controller.js";
import { PollsTab } from "../polls/polls-tab.js";
import { type ChatController, ChatScope } from "./chat-controller.js";
import { MessageText } from "./message-text.js";
import type { OutboxEntry } from "./outbox.js";
import "./chat.css";

/** The counter appears when this few characters are left: no need to count a short message. */
const COUNTER_FROM = 200;

const timeFormats = new Map<string, Intl.DateTimeFormat>();
function formatTime(at: number, lang: string): string {
  let format = timeFormats.get(lang);
  if (!format) {
    format = new Intl.DateTimeFormat(lang, { hour: "numeric", minute: "2-digit" });
    timeFormats.set(lang, format);
  }
  return format.format(at);
}

export function ChatPanel({ room }: { room: Room }) {
  if (!ChatScope.use().open.value) return null;
  return <OpenChatPanel room={room} />;
}

function OpenChatPanel({ room }: { room: Room }) {
  const chat = ChatScope.use();
  const close = () => {
    chat.open.value = false;
    // Back to the button that opened it, so keyboard users do not lose their place.
    document.querySelector<HTMLElement>("[data-testid=toggle-chat]")?.focus();
  };
  return (
    <aside
      id="chat-panel"
      class="chat-panel"
      data-testid="chat-panel"
      aria-labelledby="chat-title"
      onKeyDown={(ev) => {
        if (ev.key === "Escape") {
          ev.stopPropagation();
          close();
        }
      }}
    >
      <header class="chat-header">
        <h2 id="chat-title">{t("chat.title")}</h2>
        <button
          type="button"
          class="icon-button"
          aria-label={t("chat.close")}
          title={t("chat.close")}
          onClick={close}
        >
          <CloseIcon />
        </button>
      </header>
      <Tabs chat={chat} />
      {chat.tab.value === "polls" ? (
        <div id="chat-tabpanel" role="tabpanel" aria-labelledby="chat-tab-polls" class="chat-tabpanel">
          <PollsTab />
        </div>
      ) : (
        <div id="chat-tabpanel" role="tabpanel" aria-labelledby="chat-tab-messages" class="chat-tabpanel">
          <MessageList room={room} chat={chat} />
          <ChatForm room={room} chat={chat} />
        </div>
      )}
    </aside>
  );
}

/** Messages and Polls, as ARIA tabs: the arrow keys move between them. */
function Tabs({ chat }: { chat: ChatController }) {
  const toAnswer = PollsScope.use().toAnswer.value;
  const tabs = [
    { id: "messages", label: t("polls.messagesTab") },
    { id: "polls", label: toAnswer > 0 ? t("polls.tabOpen", { count: toAnswer }) : t("polls.tab") },
  ] as const;
  return (
    <div
      class="chat-tabs"
      role="tablist"
      aria-label={t("polls.tabsLabel")}
      onKeyDown={(ev) => {
        if (ev.key !== "ArrowLeft" && ev.key !== "ArrowRight") return;
        chat.tab.value = chat.tab.value === "messages" ? "polls" : "messages";
        document.getElementById(`chat-tab-${chat.tab.value}`)?.focus();
      }}
    >
      {tabs.map((tab) => (
        <button
          key={tab.id}
          id={`chat-tab-${tab.id}`}
          type="button"
          role="tab"
          data-testid={`chat-tab-${tab.id}`}
          aria-selected={chat.tab.value === tab.id ? "true" : "false"}
          aria-controls="chat-tabpanel"
          tabIndex={chat.tab.value === tab.id ? 0 : -1}
          onClick={() => {
            chat.tab.value = tab.id;
          }}
        >
          {tab.label}
        </button>
      ))}
    </div>
  );
}

function MessageList({ room, chat }: { room: Room; chat: ChatController }) {
  const messages = chat.messages.value;
  const pending = chat.pending.value;
  const myId = room.state.local.value?.info?.id;
  const list = useRef<HTMLDivElement>(null);
  // Follow new messages only if the reader is at the bottom: someone scrolled up to read stays there.
  const atBottom = useRef(true);
  useLayoutEffect(() => {
    const el = list.current;
    if (el && atBottom.current) el.scrollTop = el.scrollHeight;
  }, [messages, pending]);

  // The log is always there, even empty: a live region must exist before what it is to announce. It holds
  // the list rather than being it (role=log on the <ol> took its list role away, and its items' with it),
  // and takes the keyboard focus so that keyboard users can scroll back through it.
  return (
    <>
      {messages.length === 0 && pending.length === 0 && (
        <p class="chat-empty muted small">{t("chat.empty")}</p>
      )}
      <div
        ref={list}
        class="chat-messages"
        role="log"
        aria-label={t("chat.messages")}
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard
        tabIndex={0}
        onScroll={(ev) => {
          const el = ev.currentTarget;
          atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
        }}
      >
        <ol class="chat-list">
          {messages.map((m) => (
            <Message key={m.id} message={m} mine={m.from === myId} />
          ))}
          {pending.map((p) => (
            <Pending key={p.clientId} entry={p} room={room} />
          ))}
        </ol>
      </div>
    </>
  );
}

function Message({ message: m, mine }: { message: ChatMessage; mine: boolean }) {
  const lang = language.value;
  return (
    <li
      class={`chat-message ${mine ? "is-mine" : ""} ${m.to ? "is-private" : ""}`}
      data-testid="chat-message"
      data-private={m.to ? "true" : undefined}
    >
      <div class="chat-meta">
        <span class="chat-from" data-testid="chat-from">
          {m.fromName}
        </span>
        {mine && <span class="chat-you">{t("chat.you")}</span>}
        {m.to && (
          <span class="chat-private">
            {mine ? t("chat.privateTo", { name: m.toName ?? "" }) : t("chat.private")}
          </span>
        )}
        <time class="chat-time" dateTime={new Date(m.at).toISOString()}>
          {formatTime(m.at, lang)}
        </time>
      </div>
      {m.poll && <p class="small muted">{t("polls.shared")}</p>}
      <p class="chat-text" data-testid="chat-text">
        <MessageText text={m.text} />
      </p>
      {m.poll && <PollResults poll={m.poll} />}
    </li>
  );
}

/** Our message on its way: shown at once, greyed, until the server's copy takes its place. */
function Pending({ entry, room }: { entry: OutboxEntry; room: Room }) {
  const online = room.state.connection.value === "connected";
  const toName = entry.to ? (room.state.remotes.value.get(entry.to)?.info.name ?? "") : null;
  return (
    <li class={`chat-message is-mine is-pending ${entry.to ? "is-private" : ""}`} data-testid="chat-pending">
      <div class="chat-meta">
        {toName !== null && <span class="chat-private">{t("chat.privateTo", { name: toName })}</span>}
        <span class="chat-time">{t(online ? "chat.sending" : "chat.waiting")}</span>
      </div>
      <p class="chat-text">
        <MessageText text={entry.text} />
      </p>
    </li>
  );
}

function ChatForm({ room, chat }: { room: Room; chat: ChatController }) {
  const s = room.state;
  const draft = chat.draft.value;
  const recipient = chat.recipient.value;
  const others = [...s.remotes.value.values()]
    .map((p) => p.info)
    .sort((a, b) => a.name.localeCompare(b.name, language.value));
  const recipientName = recipient === null ? null : others.find((p) => p.id === recipient)?.name;
  const over = draft.length - Limits.chatMaxChars;
  const left = -over;
  const notice = chat.notice.value;
  const input = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    input.current?.focus();
  }, [recipient]);

  const submit = () => {
    if (over > 0) return;
    if (chat.send(draft, recipient)) chat.draft.value = "";
  };

  const error =
    over > 0
      ? t("chat.tooLong", { length: draft.length, max: Limits.chatMaxChars })
      : notice
        ? t(notice.key, notice.params)
        : null;

  return (
    <form
      class="chat-form"
      onSubmit={(ev) => {
        ev.preventDefault();
        submit();
      }}
    >
      <div class="chat-to">
        <label for="chat-recipient">{t("chat.to")}</label>
        <select
          id="chat-recipient"
          data-testid="chat-recipient"
          value={recipient ?? ""}
          onChange={(ev) => {
            const value = ev.currentTarget.value;
            chat.recipient.value = value === "" ? null : value;
          }}
        >
          <option value="">{t("chat.everyone")}</option>
          {others.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
          {/* Never fall back to "everyone" by ourselves: a private message must not go public. */}
          {recipient !== null && recipientName === undefined && (
            <option value={recipient}>{t("chat.someoneGone")}</option>
          )}
        </select>
      </div>
      <label for="chat-input" class="visually-hidden">
        {t("chat.inputLabel")}
      </label>
      <textarea
        ref={input}
        id="chat-input"
        data-testid="chat-input"
        rows={2}
        value={draft}
        placeholder={
          recipientName
            ? t("chat.placeholderPrivate", { name: recipientName })
            : t("chat.placeholderEveryone")
        }
        aria-describedby="chat-hint chat-counter chat-error"
        aria-invalid={over > 0 ? "true" : undefined}
        onInput={(ev) => {
          chat.draft.value = ev.currentTarget.value;
        }}
        onKeyDown={(ev) => {
          // isComposing: Enter that confirms an input-method word (Japanese, Chinese…) must not send.
          if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) {
            ev.preventDefault();
            submit();
          }
        }}
      />
      <div class="chat-form-foot">
        <span id="chat-hint" class="hint">
          {t("chat.hint")}
        </span>
        <span id="chat-counter" class={`chat-counter ${over > 0 ? "is-over" : ""}`}>
          {left <= COUNTER_FROM && over <= 0 ? t("chat.remaining", { count: left }) : ""}
        </span>
        <button
          type="submit"
          class="chat-send"
          data-testid="chat-send"
          aria-label={t("chat.send")}
          title={t("chat.send")}
          disabled={over > 0 || draft.trim() === ""}
        >
          <SendIcon />
        </button>
      </div>
      <p id="chat-error" class="chat-error" data-testid={error ? "chat-error" : undefined} role="alert">
        {error}
        {notice && over <= 0 && (
          <button type="button" class="link" onClick={() => chat.dismissNotice()}>
            {t("chat.dismiss")}
          </button>
        )}
      </p>
    </form>
  );
}
