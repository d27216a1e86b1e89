/**
 * The moderators' room security: the lobby switch, the password (set, change, remove), who may ask polls and
 * whether participants may record, sent with `room.configure`. The server never gives the password back, so the field only ever holds a new one.
 */
import { useSignal, useSignalEffect } from "@preact/signals";
import { Limits } from "../../../protocol/limits.js";
import { type MessageKey, t } from "../../i18n/i18n.js";
import type { Room } from "../../state/room.js";
import "./security.css";

/** The meeting's on/off settings a moderator sets here. */
type Flag = "lobby" | "pollsByAnyone" | "recordingAllowed";
type Change = Partial<Record<Flag, boolean>> & { password?: string | null };

const SWITCHES: { flag: Flag; testId: string; label: MessageKey; hint: MessageKey }[] = [
  { flag: "lobby", testId: "lobby-toggle", label: "security.lobby", hint: "security.lobbyHint" },
  {
    flag: "pollsByAnyone",
    testId: "polls-by-anyone-toggle",
    label: "security.pollsByAnyone",
    hint: "security.pollsByAnyoneHint",
  },
  {
    flag: "recordingAllowed",
    testId: "recording-allowed-toggle",
    label: "security.recording",
    hint: "security.recordingHint",
  },
];

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
  const wanted = useSignal<Partial<Record<Flag, boolean>>>({});
  const password = useSignal("");
  // Hidden while typed: the pane may be on a shared screen. The organiser can show it to check a typo.
  const shown = useSignal(false);
  const busy = useSignal(false);
  const failed = useSignal(false);

  // room.updated arrived (ours or another moderator's): the server's word replaces our guess.
  useSignalEffect(() => {
    room.state.settings.value;
    wanted.value = {};
  });

  const run = async (change: Change) => {
    busy.value = true;
    failed.value = false;
    const ok = await configure(room, change);
    busy.value = false;
    if (!ok) {
      failed.value = true;
      wanted.value = {};
    } else if (change.password !== undefined) password.value = "";
  };

  const setPassword = (ev: Event) => {
    ev.preventDefault();
    if (password.value === "" || busy.value) return;
    run({ password: password.value });
  };

  return (
    <section class="pane-section security" aria-labelledby="security-title">
      <h3 id="security-title">{t("security.title")}</h3>
      {SWITCHES.map(({ flag, testId, label, hint }) => {
        const on = wanted.value[flag] ?? settings[flag];
        return (
          <div key={flag}>
            <label class="switch-row">
              <input
                type="checkbox"
                role="switch"
                aria-checked={on ? "true" : "false"}
                data-testid={testId}
                checked={on}
                aria-describedby={`${testId}-hint`}
                onChange={(ev) => {
                  const next = (ev.currentTarget as HTMLInputElement).checked;
                  wanted.value = { ...wanted.value, [flag]: next };
                  run({ [flag]: next });
                }}
              />
              <span>{t(label)}</span>
            </label>
            <p id={`${testId}-hint`} class="hint">
              {t(hint)}
            </p>
          </div>
        );
      })}

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
