/**
 * How a meeting can end for someone other than by hanging up: refused at the door (close 4003), removed by a
 * moderator (4004), or the meeting ended while they waited in the lobby (4005).
 */
import { useEffect, useRef } from "preact/hooks";
import type { MessageKey } from "../../i18n/i18n.js";
import { t } from "../../i18n/i18n.js";
import { navigateTo } from "../../route.js";
import type { Room } from "../../state/room.js";
import "./lobby.css";

interface Props {
  room: Room;
  testId: string;
  title: MessageKey;
  body: MessageKey;
  /** Offer to join again: yes after the meeting ended (we would open it anew), not after a refusal. */
  rejoin: boolean;
  /** Said under the body (a moderator's reason). */
  detail?: string | null;
}

function OutcomeScreen({ room, testId, title, body, rejoin, detail }: Props) {
  const first = useRef<HTMLButtonElement>(null);
  useEffect(() => first.current?.focus(), []);
  const home = () => {
    room.state.view.value = "prejoin";
    navigateTo(null);
  };
  return (
    <main class="screen" data-testid={testId}>
      <div class="card centered" role="alert">
        <h1>{t(title)}</h1>
        <p class="muted">{t(body)}</p>
        {detail && <p data-testid="outcome-detail">{detail}</p>}
        <div class="actions">
          {rejoin && (
            <button ref={first} type="button" class="primary" onClick={() => room.rejoin()}>
              {t("left.rejoin")}
            </button>
          )}
          <button ref={rejoin ? undefined : first} type="button" class="secondary" onClick={home}>
            {t("left.home")}
          </button>
        </div>
      </div>
    </main>
  );
}

export function DeniedScreen({ room }: { room: Room }) {
  return (
    <OutcomeScreen
      room={room}
      testId="denied-screen"
      title="lobby.deniedTitle"
      body="lobby.deniedBody"
      rejoin={false}
    />
  );
}

export function RemovedScreen({ room }: { room: Room }) {
  return (
    <OutcomeScreen
      room={room}
      testId="removed-screen"
      title="lobby.removedTitle"
      body="lobby.removedBody"
      rejoin={false}
      detail={reasonText(room.state.removalReason.value)}
    />
  );
}

function reasonText(reason: string | null): string | null {
  return reason ? t("lobby.removedReason", { reason }) : null;
}

export function EndedScreen({ room }: { room: Room }) {
  return (
    <OutcomeScreen room={room} testId="ended-screen" title="lobby.endedTitle" body="lobby.endedBody" rejoin />
  );
}
