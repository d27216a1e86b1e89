/**
 * Over the meeting, while breakout rooms matter to us: the room we are in (and the way back), the room we are
 * asked to join, the countdown before the rooms close, and a moderator's word to every room (read out).
 */
import { t } from "../../i18n/i18n.js";
import { BreakoutScope } from "./breakout-controller.js";

export function BreakoutBanner() {
  const b = BreakoutScope.use();
  const s = b.state.value;
  const here = b.here.value;
  const mine = b.mine.value;
  const closingIn = b.closingIn.value;
  const notice = b.notice.value;
  const invited = here === null && mine !== null && s.open && s.closingAt === null;
  if (here === null && !invited && closingIn === null && !notice) return null;
  return (
    <section class="breakout-banner" data-testid="breakout-banner" aria-label={t("breakout.title")}>
      {here !== null && (
        <p data-testid="breakout-here">
          {t("breakout.youAreIn", { name: b.name(here) })}{" "}
          <button type="button" data-testid="breakout-banner-leave" onClick={() => void b.join(null)}>
            {t("breakout.leave")}
          </button>
        </p>
      )}
      {invited && (
        <p data-testid="breakout-invited">
          {t("breakout.yourRoom", { name: b.name(mine) })}{" "}
          <button
            type="button"
            class="primary"
            data-testid="breakout-banner-join"
            onClick={() => void b.join(mine)}
          >
            {t("breakout.join", { name: b.name(mine) })}
          </button>
        </p>
      )}
      {closingIn !== null && (
        <p data-testid="breakout-closing" role="timer">
          {t("breakout.closingIn", { seconds: closingIn })}
        </p>
      )}
      {notice && (
        <p key={notice.seq} data-testid="breakout-notice" role="status">
          {t("breakout.notice", { name: notice.fromName, text: notice.text })}
        </p>
      )}
    </section>
  );
}
