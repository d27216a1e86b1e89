/**
 * "Breakout rooms" (from the ⋯ menu): every room with who is in it, and a button to go there when we may.
 * Moderators also add and remove rooms, assign the people of their room (by hand or at random), open the
 * rooms, send a word to every room and close them, with a countdown. Everything works with the keyboard
 * alone: native form controls, one per action.
 */
import { useSignal } from "@preact/signals";
import { t } from "../../i18n/i18n.js";
import type { Room } from "../../state/room.js";
import { Dialog } from "../../ui/dialog.js";
import { BreakoutScope } from "./breakout-controller.js";
import "./breakout.css";

const COUNTDOWNS = [0, 30, 60, 120] as const;

export function BreakoutDialog({
  room,
  onClose,
  returnFocus,
}: {
  room: Room;
  onClose: () => void;
  returnFocus: () => HTMLElement | null;
}) {
  const b = BreakoutScope.use();
  const s = b.state.value;
  const moderator = b.isModerator();
  const here = b.here.value;
  const problem = b.problem.value;
  // Before the rooms open, moderators see who is assigned where (the people of their own room, by name).
  const known = new Map([...room.state.remotes.value.values()].map((r) => [r.info.id, r.info.name]));
  const me = room.state.local.value?.info;
  if (me) known.set(me.id, me.name);
  const assignedTo = (id: string) =>
    Object.entries(s.assigned)
      .filter(([, to]) => to === id)
      .map(([pid]) => known.get(pid) ?? "?")
      .join(", ");
  return (
    <Dialog title={t("breakout.title")} testId="breakout-dialog" onClose={onClose} returnFocus={returnFocus}>
      <div class="breakout">
        <p class="hint">{t("breakout.intro")}</p>
        {problem && (
          <p class="breakout-problem" role="alert" data-testid="breakout-problem">
            {t(problem)}
          </p>
        )}
        {s.rooms.length === 0 ? (
          <p data-testid="breakout-none">{t("breakout.none")}</p>
        ) : (
          <ul class="breakout-rooms">
            {s.rooms.map((r) => {
              const name = b.name(r.id);
              const names = r.people.map((p) => p.name).join(", ");
              return (
                <li key={r.id} data-testid={`breakout-room-${r.id}`}>
                  <span class="breakout-name">{name}</span>
                  <span class="hint" data-testid={`breakout-people-${r.id}`}>
                    {names ? t("breakout.people", { names }) : t("breakout.empty")}
                  </span>
                  {moderator && !s.open && (
                    <span class="hint" data-testid={`breakout-assigned-${r.id}`}>
                      {assignedTo(r.id)}
                    </span>
                  )}
                  {here !== r.id && b.mayJoin(r.id) && (
                    <button
                      type="button"
                      data-testid={`breakout-join-${r.id}`}
                      onClick={() => void b.join(r.id).then((ok) => ok && onClose())}
                    >
                      {t(moderator && b.mine.value !== r.id ? "breakout.visit" : "breakout.join", { name })}
                    </button>
                  )}
                  {moderator && !s.open && r.people.length === 0 && (
                    <button
                      type="button"
                      class="breakout-remove"
                      data-testid={`breakout-remove-${r.id}`}
                      onClick={() => void b.remove(r.id)}
                    >
                      {t("breakout.remove", { name })}
                    </button>
                  )}
                </li>
              );
            })}
          </ul>
        )}
        {here !== null && (
          <button
            type="button"
            data-testid="breakout-leave"
            onClick={() => void b.join(null).then((ok) => ok && onClose())}
          >
            {t("breakout.leave")}
          </button>
        )}
        {moderator && <ModeratorPart room={room} />}
      </div>
    </Dialog>
  );
}

function ModeratorPart({ room }: { room: Room }) {
  const b = BreakoutScope.use();
  const s = b.state.value;
  const newName = useSignal("");
  const auto = useSignal(true);
  const text = useSignal("");
  const countdown = useSignal<number>(30);
  const me = room.state.local.value?.info;
  const people = [...room.state.remotes.value.values()].map((r) => r.info);
  if (me) people.unshift(me);
  return (
    <>
      <form
        class="breakout-row"
        onSubmit={(ev) => {
          ev.preventDefault();
          void b.create(newName.value.trim()).then((ok) => {
            if (ok) newName.value = "";
          });
        }}
      >
        <label>
          {t("breakout.nameLabel")}
          <input
            data-testid="breakout-name"
            maxLength={64}
            value={newName.value}
            onInput={(ev) => {
              newName.value = (ev.currentTarget as HTMLInputElement).value;
            }}
          />
        </label>
        <button type="submit" data-testid="breakout-add">
          {t("breakout.add")}
        </button>
      </form>
      {s.rooms.length > 0 && !s.open && (
        <fieldset class="breakout-assign">
          <legend>{t("breakout.title")}</legend>
          {people.map((p) => (
            <label key={p.id}>
              {t("breakout.assignLabel", { name: p.name })}
              <select
                data-testid={`breakout-assign-${p.id}`}
                value={s.assigned[p.id] ?? ""}
                onChange={(ev) => void b.assign(p.id, (ev.currentTarget as HTMLSelectElement).value || null)}
              >
                <option value="">{t("breakout.unassigned")}</option>
                {s.rooms.map((r) => (
                  <option key={r.id} value={r.id}>
                    {b.name(r.id)}
                  </option>
                ))}
              </select>
            </label>
          ))}
          <button type="button" data-testid="breakout-shuffle" onClick={() => void b.shuffle()}>
            {t("breakout.shuffle")}
          </button>
        </fieldset>
      )}
      {s.rooms.length > 0 && (
        <label class="breakout-check">
          <input
            type="checkbox"
            data-testid="breakout-allow-move"
            checked={s.allowMove}
            onChange={(ev) => void b.allowMove((ev.currentTarget as HTMLInputElement).checked)}
          />
          {t("breakout.allowMove")}
        </label>
      )}
      {s.rooms.length > 0 && !s.open && (
        <div class="breakout-row">
          <label class="breakout-check">
            <input
              type="checkbox"
              data-testid="breakout-auto"
              checked={auto.value}
              onChange={(ev) => {
                auto.value = (ev.currentTarget as HTMLInputElement).checked;
              }}
            />
            {t("breakout.auto")}
          </label>
          <button
            type="button"
            class="primary"
            data-testid="breakout-start"
            onClick={() => void b.start(auto.value)}
          >
            {t("breakout.start")}
          </button>
        </div>
      )}
      {s.open && (
        <>
          <form
            class="breakout-row"
            onSubmit={(ev) => {
              ev.preventDefault();
              const said = text.value.trim();
              if (!said) return;
              void b.broadcast(said).then((ok) => {
                if (ok) text.value = "";
              });
            }}
          >
            <label>
              {t("breakout.broadcastLabel")}
              <input
                data-testid="breakout-broadcast-text"
                maxLength={2000}
                value={text.value}
                onInput={(ev) => {
                  text.value = (ev.currentTarget as HTMLInputElement).value;
                }}
              />
            </label>
            <button type="submit" data-testid="breakout-broadcast">
              {t("breakout.broadcast")}
            </button>
          </form>
          {s.closingAt === null && (
            <div class="breakout-row">
              <label>
                {t("breakout.countdownLabel")}
                <select
                  data-testid="breakout-countdown"
                  value={String(countdown.value)}
                  onChange={(ev) => {
                    countdown.value = Number((ev.currentTarget as HTMLSelectElement).value);
                  }}
                >
                  {COUNTDOWNS.map((n) => (
                    <option key={n} value={String(n)}>
                      {n === 0 ? t("breakout.countdownNow") : t("breakout.countdownSeconds", { n })}
                    </option>
                  ))}
                </select>
              </label>
              <button
                type="button"
                data-testid="breakout-close"
                onClick={() => void b.closeAll(countdown.value)}
              >
                {t("breakout.closeAll")}
              </button>
            </div>
          )}
        </>
      )}
    </>
  );
}
