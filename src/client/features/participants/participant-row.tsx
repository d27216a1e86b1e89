/**
 * One person in the participants pane: name, role, hand, microphone and camera, and the actions on them
 * (moderators: mute, stop camera, ask to unmute, make moderator, remove; everyone: a private message).
 */
import { useSignal } from "@preact/signals";
import { language, t } from "../../i18n/i18n.js";
import type { Room } from "../../state/room.js";
import { Avatar } from "../../ui/avatar.js";
import { useGestures } from "../../ui/gestures.js";
import { SmallCameraIcon, SmallHandIcon, SmallMicIcon } from "../../ui/icons.js";
import { ChatScope } from "../chat/chat-controller.js";
import { ordinal } from "../hands/ordinal.js";
import { askUnmute, grantModerator, mute } from "../moderation/moderation-actions.js";
import { RemovalScope } from "../moderation/remove-dialog.js";
import { type MenuItem, ParticipantMenu } from "./participant-menu.js";
import type { Person } from "./people.js";

interface Props {
  room: Room;
  person: Person;
  /** Whether we are a moderator (and so get the moderation actions). */
  moderating: boolean;
  /** Says how an action went, in the pane's live region. */
  report: (ok: boolean) => void;
}

export function ParticipantRow({ room, person, moderating, report }: Props) {
  const removal = RemovalScope.use();
  const chat = ChatScope.use();
  const { id, name } = person;
  const items: MenuItem[] = [];
  if (!person.local) {
    if (moderating) {
      const run = (action: Promise<boolean>) => action.then(report);
      items.push(
        {
          testId: "action-mute",
          label: t("participants.mute"),
          onSelect: () => run(mute(room, id, "audio")),
        },
        {
          testId: "action-stop-video",
          label: t("participants.stopVideo"),
          onSelect: () => run(mute(room, id, "video")),
        },
        {
          testId: "action-ask-unmute",
          label: t("participants.askUnmute"),
          onSelect: () => run(askUnmute(room, id, "audio")),
        },
      );
      if (person.screen)
        items.push({
          testId: "action-stop-screen",
          label: t("screen.stopOther"),
          onSelect: () => run(mute(room, id, "screen")),
        });
      if (person.role !== "moderator")
        items.push({
          testId: "action-grant",
          label: t("participants.grant"),
          onSelect: () => run(grantModerator(room, id)),
        });
      items.push({
        testId: "action-remove",
        label: t("participants.remove"),
        danger: true,
        // Asks first (with an optional reason): the removal lasts for the meeting.
        onSelect: () => removal.ask(id, name, report),
      });
    }
    items.push({
      testId: "action-private-chat",
      label: t("participants.privateChat"),
      onSelect: () => {
        // The chat panel (features/chat) opens on this recipient; it takes the pane's place on screen.
        chat.recipient.value = id;
        chat.open.value = true;
        room.state.participantsOpen.value = false;
      },
    });
  }

  // A long press on the row (a right click with a mouse) opens its menu, as phones have taught people to expect.
  const menuOpen = useSignal(false);
  const openMenu = () => {
    if (items.length > 0) menuOpen.value = true;
  };
  const press = useGestures({ onLongPress: openMenu });
  const place = person.hand === null ? null : ordinal(person.hand, language.value);
  return (
    <li
      class="person"
      data-testid="participant-row"
      data-participant-id={id}
      {...press}
      onContextMenu={(ev) => {
        if (items.length === 0) return;
        ev.preventDefault();
        openMenu();
      }}
    >
      <Avatar name={name} seed={id} size="small" />
      <div class="person-main">
        <span class="person-name">{name}</span>
        {person.local && <span class="person-you"> {t("tile.you")}</span>}
        {person.role === "moderator" && (
          <span class="role-badge" data-testid="role-badge">
            {t("participants.moderator")}
          </span>
        )}
      </div>
      {place !== null && (
        <span
          class="hand-position"
          data-testid="hand-position"
          role="img"
          aria-label={t("participants.handPosition", { position: place })}
          title={t("participants.handPosition", { position: place })}
        >
          <SmallHandIcon />
          {place}
        </span>
      )}
      <span
        class={`device-state ${person.audio ? "" : "is-off"}`}
        role="img"
        aria-label={t(person.audio ? "participants.micOn" : "tile.micMuted")}
      >
        <SmallMicIcon on={person.audio} />
      </span>
      <span
        class={`device-state ${person.video ? "" : "is-off"}`}
        role="img"
        aria-label={t(person.video ? "participants.cameraOn" : "participants.cameraOff")}
      >
        <SmallCameraIcon on={person.video} />
      </span>
      {items.length > 0 ? (
        <ParticipantMenu name={name} items={items} open={menuOpen} />
      ) : (
        <span class="menu-placeholder" />
      )}
    </li>
  );
}
