/**
 * The participants pane: everyone present (search by name), and for moderators the lobby, "mute everyone
 * else" and the room's security settings. Escape or the close button closes it, focus goes back to the
 * toolbar button that opened it.
 */
import { useSignal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import { t } from "../../i18n/i18n.js";
import type { Room } from "../../state/room.js";
import { CloseIcon } from "../../ui/icons.js";
import { lazy } from "../../ui/lazy.js";
import { E2eeSettings } from "../e2ee/e2ee-settings.js";
import { HandsScope } from "../hands/hands-controller.js";
import { BarredSection } from "../moderation/barred-section.js";
import { muteAll } from "../moderation/moderation-actions.js";
import { BreakoutPeople } from "./breakout-people.js";
import { LobbySection } from "./lobby-section.js";
import { ParticipantRow } from "./participant-row.js";
import { matches, ordered, peopleOf } from "./people.js";
import "../moderation/toasts.css";
import "./participants.css";

// Moderators only, and only with the pane open: fetched apart from the app (ui/lazy.ts).
const SecuritySettings = lazy(() =>
  import("../security/security-settings.js").then((m) => m.SecuritySettings),
);

export const PANE_ID = "participants-pane";

export function ParticipantsPane({ room }: { room: Room }) {
  if (!room.state.participantsOpen.value) return null;
  return <Pane room={room} />;
}

function Pane({ room }: { room: Room }) {
  const s = room.state;
  const hands = HandsScope.use();
  const query = useSignal("");
  /** The outcome of the last action, for everyone to see and screen readers to hear; null: nothing to say. */
  const outcome = useSignal<"done" | "failed" | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);

  const close = () => {
    s.participantsOpen.value = false;
    document.querySelector<HTMLElement>("[data-testid=toggle-participants]")?.focus();
  };
  const report = (ok: boolean) => {
    outcome.value = ok ? "done" : "failed";
  };

  const local = s.local.value;
  const me = local?.info ? { info: local.info, audio: local.audio, video: local.video } : null;
  const everyone = ordered(
    peopleOf(
      me,
      [...s.remotes.value.values()].map((r) => r.info),
      hands.queue.value,
    ),
  );
  const shown = everyone.filter((p) => matches(p.name, query.value));
  const moderating = local?.info?.role === "moderator";

  return (
    <aside
      id={PANE_ID}
      class="side-pane participants-pane"
      data-testid="participants-pane"
      aria-labelledby="participants-title"
      onKeyDown={(ev) => {
        if (ev.key === "Escape") {
          ev.preventDefault();
          close();
        }
      }}
    >
      <header class="pane-head">
        <h2 id="participants-title" ref={heading} tabIndex={-1}>
          {t("participants.count", { count: everyone.length })}
        </h2>
        <button
          type="button"
          class="pane-icon-button"
          aria-label={t("participants.close")}
          title={t("participants.close")}
          onClick={close}
        >
          <CloseIcon />
        </button>
      </header>
      <div class="pane-body">
        {moderating && <LobbySection room={room} report={report} />}
        {moderating && <BarredSection room={room} report={report} />}
        <section class="pane-section" aria-labelledby="participants-title">
          <div class="pane-tools">
            <label class="visually-hidden" for="participant-search">
              {t("participants.search")}
            </label>
            <input
              id="participant-search"
              type="search"
              data-testid="participant-search"
              autocomplete="off"
              spellcheck={false}
              placeholder={t("participants.searchPlaceholder")}
              value={query.value}
              onInput={(ev) => {
                query.value = (ev.currentTarget as HTMLInputElement).value;
              }}
            />
            {moderating && everyone.length > 1 && (
              <button
                type="button"
                class="secondary compact"
                data-testid="mute-all"
                onClick={async () => report(await muteAll(room, "audio"))}
              >
                {t("participants.muteAll")}
              </button>
            )}
          </div>
          <ul class="people" aria-label={t("participants.listLabel")}>
            {shown.map((person) => (
              <ParticipantRow
                key={person.id}
                room={room}
                person={person}
                moderating={moderating}
                report={report}
              />
            ))}
          </ul>
          {shown.length === 0 && (
            <p class="muted small">{t("participants.noMatch", { query: query.value })}</p>
          )}
        </section>
        <BreakoutPeople query={query.value} />
        <p class="visually-hidden" role="status">
          {outcome.value === "failed"
            ? t("participants.actionFailed")
            : outcome.value === "done"
              ? t("participants.actionDone")
              : ""}
        </p>
        {outcome.value === "failed" && (
          <p class="field-error small" aria-hidden="true">
            {t("participants.actionFailed")}
          </p>
        )}
        {moderating && <SecuritySettings room={room} />}
        {moderating && <E2eeSettings room={room} />}
      </div>
    </aside>
  );
}
