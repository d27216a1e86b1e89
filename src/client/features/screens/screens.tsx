/** The short screens around a meeting: joining, left, and a fatal error. */
import { useEffect, useRef } from "preact/hooks";
import { t } from "../../i18n/i18n.js";
import { navigateTo } from "../../route.js";
import type { Room } from "../../state/room.js";
import "./screens.css";

/** Moves keyboard focus to the screen's main action, so a keyboard user is not left on a vanished button. */
function useAutofocus<E extends HTMLElement>() {
  const ref = useRef<E>(null);
  useEffect(() => ref.current?.focus(), []);
  return ref;
}

export function JoiningScreen({ room }: { room: Room }) {
  const reconnecting = room.state.reconnecting.value;
  return (
    <main class="screen">
      <div class="card centered">
        <div class="spinner" aria-hidden="true" />
        <p role="status">{t(reconnecting ? "joining.reconnecting" : "joining.message")}</p>
        {reconnecting && (
          <button type="button" class="secondary" onClick={() => room.leave()}>
            {t("control.hangup")}
          </button>
        )}
      </div>
    </main>
  );
}

export function LeftScreen({ room }: { room: Room }) {
  const rejoin = useAutofocus<HTMLButtonElement>();
  return (
    <main class="screen" data-testid="left-screen">
      <div class="card centered">
        <h1>{t("left.title")}</h1>
        <div class="actions">
          <button ref={rejoin} type="button" class="primary" onClick={() => room.rejoin()}>
            {t("left.rejoin")}
          </button>
          <button type="button" class="secondary" onClick={() => leaveTo(room)}>
            {t("left.home")}
          </button>
        </div>
      </div>
    </main>
  );
}

export function ErrorScreen({ room }: { room: Room }) {
  const retry = useAutofocus<HTMLButtonElement>();
  const error = room.state.error.value;
  return (
    <main class="screen" data-testid="error-screen">
      <div class="card centered" role="alert">
        <h1>{t("error.title")}</h1>
        <p>{t(error?.key ?? "error.generic")}</p>
        {/* The server's words are English and technical: available, not in the way. */}
        {error?.detail && (
          <details class="muted small">
            <summary>{t("error.details")}</summary>
            <p lang="en">{error.detail}</p>
          </details>
        )}
        <div class="actions">
          <button ref={retry} type="button" class="primary" onClick={() => room.rejoin()}>
            {t("error.retry")}
          </button>
          <button type="button" class="secondary" onClick={() => leaveTo(room)}>
            {t("left.home")}
          </button>
        </div>
      </div>
    </main>
  );
}

function leaveTo(room: Room): void {
  room.state.view.value = "prejoin";
  navigateTo(null);
}
