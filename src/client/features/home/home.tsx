/** The start page at `/`: pick a meeting name, then go to `/<name>`. */
import { useSignal } from "@preact/signals";
import { Limits } from "../../../protocol/limits.js";
import { t } from "../../i18n/i18n.js";
import { navigateTo, validRoomName } from "../../route.js";
import { LanguageSelect } from "../../ui/language-select.js";
import { InstallHomeOffer } from "../install/install-ui.js";
import "./home.css";

/** People type "Réunion équipe"; spaces are not allowed in a meeting name, so they become dashes. */
function normalise(input: string): string {
  return input.trim().replace(/\s+/gu, "-");
}

export function Home({ invalidPath }: { invalidPath: boolean }) {
  const name = useSignal("");
  const problem = useSignal<"empty" | "invalid" | null>(invalidPath ? "invalid" : null);

  const submit = (ev: Event) => {
    ev.preventDefault();
    const wanted = normalise(name.value);
    if (wanted === "") {
      problem.value = "empty";
      return;
    }
    const room = validRoomName(wanted);
    if (room === null) {
      problem.value = "invalid";
      return;
    }
    navigateTo(room);
  };

  return (
    <main class="screen home">
      <div class="card">
        <p class="brand">{t("app.name")}</p>
        <h1>{t("home.title")}</h1>
        <p class="muted">{t("home.intro")}</p>
        <form class="stack" onSubmit={submit} noValidate>
          <label for="room-name">{t("home.roomLabel")}</label>
          <div class="row">
            <input
              id="room-name"
              type="text"
              autocomplete="off"
              spellcheck={false}
              maxLength={Limits.roomMaxChars}
              placeholder={t("home.roomPlaceholder")}
              value={name.value}
              aria-invalid={problem.value ? "true" : undefined}
              aria-describedby={problem.value ? "room-name-problem" : undefined}
              onInput={(ev) => {
                name.value = (ev.currentTarget as HTMLInputElement).value;
                problem.value = null;
              }}
            />
            <button type="submit" class="primary" data-testid="go">
              {t("home.go")}
            </button>
          </div>
          {problem.value && (
            <p id="room-name-problem" class="field-error" role="alert">
              {t(problem.value === "empty" ? "home.emptyRoom" : "home.invalidRoom")}
            </p>
          )}
        </form>
        <LanguageSelect />
        <InstallHomeOffer />
      </div>
    </main>
  );
}
