/**
 * The password prompt of a locked room, between the pre-join screen and the meeting (or its lobby). The
 * devices stay open meanwhile, so the camera preview is still there when the right password is in.
 */
import { useSignal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import { Limits } from "../../../protocol/limits.js";
import { t } from "../../i18n/i18n.js";
import { route } from "../../route.js";
import type { Room } from "../../state/room.js";
import "./lobby.css";

export function PasswordScreen({ room }: { room: Room }) {
  const prompt = room.state.passwordPrompt.value;
  const value = useSignal("");
  const input = useRef<HTMLInputElement>(null);
  const reason = prompt?.reason ?? "required";
  const busy = prompt?.busy ?? false;

  // Focus the field when the prompt opens and after each refusal, with the text selected to retype it.
  useEffect(() => {
    if (busy) return;
    input.current?.focus();
    input.current?.select();
  }, [reason, busy]);

  const submit = (ev: Event) => {
    ev.preventDefault();
    if (value.value === "" || busy) return;
    room.submitPassword(value.value);
  };

  const error =
    reason === "wrong" ? t("lobby.passwordWrong") : reason === "tooMany" ? t("lobby.passwordTooMany") : null;
  return (
    <main class="screen">
      <form
        class="card centered lobby-card"
        data-testid="password-dialog"
        aria-labelledby="password-title"
        aria-busy={busy ? "true" : undefined}
        onSubmit={submit}
      >
        <p class="brand">{t("app.name")}</p>
        <h1 id="password-title">{t("lobby.passwordTitle")}</h1>
        <p class="muted">{t("lobby.passwordIntro", { room: route.value.room ?? "" })}</p>
        <div class="stack lobby-field">
          <label for="room-password">{t("lobby.passwordLabel")}</label>
          <input
            ref={input}
            id="room-password"
            type="password"
            autocomplete="off"
            maxLength={Limits.passwordMaxChars}
            value={value.value}
            aria-invalid={error ? "true" : undefined}
            aria-describedby={error ? "password-error" : undefined}
            onInput={(ev) => {
              value.value = (ev.currentTarget as HTMLInputElement).value;
            }}
          />
          {/* Always in the DOM so that a screen reader announces each new refusal in it. */}
          <p
            id="password-error"
            class="field-error"
            data-testid="password-error"
            role="alert"
            hidden={!error}
          >
            {error}
          </p>
        </div>
        <div class="actions">
          <button
            type="submit"
            class="primary"
            data-testid="password-submit"
            disabled={value.value === "" || busy}
          >
            {t("lobby.passwordSubmit")}
          </button>
          <button type="button" class="secondary" onClick={() => room.cancelPassword()}>
            {t("lobby.back")}
          </button>
        </div>
      </form>
    </main>
  );
}
