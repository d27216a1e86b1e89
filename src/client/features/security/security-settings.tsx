/**
 * The moderators' room security: the lobby switch, the password (set, change, remove), and who may ask polls,
 * sent with `room.configure`. The server never gives the password back, so the field only ever holds a new one.
 */
import { useSignal, useSignalEffect } from "@preact/signals";
import { Limits } from "../../../protocol/common.js";
import { t } from "../../i18n/i18n.js";
import type { Room } from "../../state/room.js";
import "./security.css";

type Change = { lobby?: boolean; password?: string | null; pollsByAnyone?: boolean };

async function configure(room: Room, change: Change): Promise<boolean> {
  try {
    await room.request({ type: "room.configure", ...change });
    return true;
  } catch (err) {
    console.warn("palabre: room.configure not accepted", err);
    return false;
  }
}

export function SecuritySettings({ room }: { room: Room }) {
  const settings = room.state.settings.value;
  // What the switch shows between the click and the server's room.updated, so it does not flicker back.
  const lobbyWanted = useSignal<boolean | null>(null);
  const pollsWanted = useSignal<boolean | null>(null);
  const password = useSignal("");
  // Hidden while typed: the pane may be on a shared screen. The organiser can show it to check a typo.
  const shown = useSignal(false);
  const busy = useSignal(false);
  const failed = useSignal(false);

  // room.updated arrived (ours or another moderator's): the server's word replaces our guess.
  useSignalEffect(() => {
    room.state.settings.value;
    lobbyWanted.value = null;
    pollsWanted.value = null;
  });

  const run = async (change: Change) => {
    busy.value = true;
    failed.value = false;
    const ok = await configure(room, change);
    busy.value = false;
    if (!ok) {
      failed.value = true;
      lobbyWanted.value = null;
      pollsWanted.value = null;
    } else if (change.password !== undefined) password.value = "";
  };

  const setPassword = (ev: Event) => {
    ev.preventDefault();
    if (password.value === "" || busy.value) return;
    run({ password: password.value });
  };

  const lobbyOn = lobbyWanted.value ?? settings.lobby;
  const pollsByAnyone = pollsWanted.value ?? settings.pollsByAnyone;
  return (
    <section class="pane-section security" aria-labelledby="security-title">
      <h3 id="security-title">{t("security.title")}</h3>
      <label class="switch-row">
        <input
          type="checkbox"
          role="switch"
          aria-checked={lobbyOn ? "true" : "false"}
          data-testid="lobby-toggle"
          checked={lobbyOn}
          aria-describedby="lobby-toggle-hint"
          onChange={(ev) => {
            const on = (ev.currentTarget as HTMLInputElement).checked;
            lobbyWanted.value = on;
            run({ lobby: on });
          }}
        />
        <span>{t("security.lobby")}</span>
      </label>
      <p id="lobby-toggle-hint" class="hint">
        {t("security.lobbyHint")}
      </p>
      <label class="switch-row">
        <input
          type="checkbox"
          role="switch"
          aria-checked={pollsByAnyone ? "true" : "false"}
          data-testid="polls-by-anyone-toggle"
          checked={pollsByAnyone}
          aria-describedby="polls-toggle-hint"
          onChange={(ev) => {
            const on = (ev.currentTarget as HTMLInputElement).checked;
            pollsWanted.value = on;
            run({ pollsByAnyone: on });
          }}
        />
        <span>{t("security.pollsByAnyone")}</span>
      </label>
      <p id="polls-toggle-hint" class="hint">
        {t("security.pollsByAnyoneHint")}
      </p>

      <form class="stack" onSubmit={setPassword}>
        <label for="room-password-new">{t("security.passwordLabel")}</label>
        <p class="hint" id="room-password-status" data-testid="password-status">
          {t(settings.locked ? "security.lockedStatus" : "security.unlockedStatus")}
        </p>
        <div class="password-row">
          <input
            id="room-password-new"
            type={shown.value ? "text" : "password"}
            autocomplete="new-password"
            spellcheck={false}
            maxLength={Limits.passwordMaxChars}
            data-testid="password-input"
            aria-describedby="room-password-status"
            placeholder={t(
              settings.locked ? "security.newPasswordPlaceholder" : "security.passwordPlaceholder",
            )}
            value={password.value}
            onInput={(ev) => {
              password.value = (ev.currentTarget as HTMLInputElement).value;
            }}
          />
          <button
            type="button"
            class="secondary compact"
            data-testid="password-show"
            aria-pressed={shown.value ? "true" : "false"}
            aria-controls="room-password-new"
            onClick={() => {
              shown.value = !shown.value;
            }}
          >
            {t("security.showPassword")}
          </button>
          <button
            type="submit"
            class="primary compact"
            data-testid="password-set"
            disabled={password.value === "" || busy.value}
          >
            {t(settings.locked ? "security.passwordChange" : "security.passwordSet")}
          </button>
        </div>
        {settings.locked && (
          <button
            type="button"
            class="secondary compact"
            data-testid="password-remove"
            disabled={busy.value}
            onClick={() => run({ password: null })}
          >
            {t("security.passwordRemove")}
          </button>
        )}
      </form>
      <p class="field-error" role="alert">
        {failed.value ? t("security.failed") : ""}
      </p>
    </section>
  );
}
